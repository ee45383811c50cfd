using Complaints.Eventing;
using Complaints.ServiceDefaults.Auth;
using Complaints.ServiceDefaults.Data;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Routing.Data;

/// <summary>
/// A case: one per complaint, keyed by the complaint id. No contact data. Free text (findings, remedy
/// wording, notes, the complainant's answers) is sealed with the case's own key (<see cref="WrappedKey"/>),
/// which an erasure destroys.
/// </summary>
public sealed class Case : ICaseFacts
{
    public Guid ComplaintId { get; set; }
    public required string Reference { get; set; }
    public int Status { get; set; }
    public required string Category { get; set; }
    public string? Subcategory { get; set; }
    public int Channel { get; set; }
    public int Jurisdiction { get; set; }
    public int ComplainantKind { get; set; }
    public required string PreferredLanguage { get; set; }
    public bool Confidential { get; set; }
    public bool HasContact { get; set; }
    public decimal? AmountInDispute { get; set; }
    public string? Currency { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public DateTimeOffset OpenedAt { get; set; }

    // Triage and routing.
    public int Severity { get; set; }
    public bool SeverityOverridden { get; set; }
    /// <summary>0: not escalated.</summary>
    public int EscalationTier { get; set; }
    public string? QueueId { get; set; }
    public string? AssigneeId { get; set; }
    public string? DesignatedContactId { get; set; }

    // Deadlines, mirrored from the running clocks (<see cref="CaseClock"/>) for queries; null when none applies.
    public DateTimeOffset? AcknowledgeBy { get; set; }
    public DateTimeOffset? FirstResponseBy { get; set; }
    public DateTimeOffset? ResolveBy { get; set; }
    public DateTimeOffset? StatutoryAcknowledgeBy { get; set; }
    public DateTimeOffset? FinalResponseDue { get; set; }
    /// <summary>The earliest running deadline, for "breaching soon" filters.</summary>
    public DateTimeOffset? NextDeadline { get; set; }
    public bool StatutoryExtended { get; set; }
    public DateTimeOffset? AcknowledgedAt { get; set; }
    public DateTimeOffset? FirstRespondedAt { get; set; }

    // The open request for information.
    public long? InformationRequestEntryId { get; set; }
    public DateTimeOffset? InformationDueAt { get; set; }

    // Investigation and resolution.
    public byte[]? Findings { get; set; }
    public string? RootCause { get; set; }
    public byte[]? RootCauseDetail { get; set; }
    public byte[]? CorrectiveAction { get; set; }
    public int Outcome { get; set; }
    public byte[]? ResolutionSummary { get; set; }
    public bool RemedyApology { get; set; }
    public bool RemedyExplanation { get; set; }
    public decimal? RefundAmount { get; set; }
    public string? RefundCurrency { get; set; }
    public decimal? CompensationAmount { get; set; }
    public string? CompensationCurrency { get; set; }
    public byte[]? NonMonetaryRelief { get; set; }
    public bool AwaitingApproval { get; set; }
    public bool ResolutionApproved { get; set; }
    /// <summary>Who proposed the resolution: an approver must be someone else (four eyes).</summary>
    public string? ProposedBy { get; set; }
    public string? ApprovedBy { get; set; }
    public DateTimeOffset? FinalResponseSentAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public bool ReopenRequested { get; set; }
    /// <summary>Set when Intake merged this complaint into another: the primary complaint's reference.</summary>
    public string? MergedIntoReference { get; set; }

    /// <summary>The outcome recorded in the source of an imported case, as given.</summary>
    public string? SourceOutcome { get; set; }

    /// <summary>The case's data key wrapped by <c>Routing:MasterKey</c>; null once the complainant was erased.</summary>
    public byte[]? WrappedKey { get; set; }

    /// <summary>The number of timeline entries; the next one is EntryCount + 1.</summary>
    public int EntryCount { get; set; }

    /// <summary>Optimistic concurrency: two staff acting at once cannot both win.</summary>
    public long Version { get; set; }

    public List<CaseHistoryEntry> Timeline { get; set; } = [];
}

/// <summary>
/// The append-only audit trail of a case (transitions, assignments, notes, deadline changes, the
/// complainant's actions); public entries are shown to the complainant. <see cref="RoutingDbContext"/>
/// refuses to update or delete an entry.
/// </summary>
public sealed class CaseHistoryEntry
{
    public Guid ComplaintId { get; set; }
    /// <summary>1, 2, 3... within the case: known before saving, so events can name the entry; the watch resumes from it.</summary>
    public int Seq { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>See <see cref="Domain.EntryKinds"/>.</summary>
    public required string Kind { get; set; }
    public required string Title { get; set; }
    /// <summary>The entry's words, sealed with the case key (null when the title says it all).</summary>
    public byte[]? Detail { get; set; }
    /// <summary>Why (sealed): the reason the actor gave.</summary>
    public byte[]? Reason { get; set; }
    public bool IsPublic { get; set; }
    /// <summary>"system", "complainant", or the staff member who acted.</summary>
    public required string Actor { get; set; }
    public int? FromStatus { get; set; }
    public int? ToStatus { get; set; }
    /// <summary>Intake's command id for a complainant action: unique, so a retried command applies once.</summary>
    public string? CommandId { get; set; }
    /// <summary>A public entry's stable code (<see cref="Domain.PublicCodes"/>), for clients that translate; null on internal entries and on entries written before codes.</summary>
    public string? Code { get; set; }
    /// <summary>The code's parameters as a JSON object of strings (dates, instants, counts, references: never personal data); null when none.</summary>
    public string? Parameters { get; set; }
}

/// <summary>What a queue's filter reads of a case: the case itself, or a <see cref="CaseRevision"/> of it.</summary>
public interface ICaseFacts : IConfidentialCase
{
    Guid ComplaintId { get; }
    int Status { get; }
    int Severity { get; }
    int EscalationTier { get; }
    int Channel { get; }
    int Jurisdiction { get; }
    bool AwaitingApproval { get; }
    DateTimeOffset? NextDeadline { get; }
}

/// <summary>
/// A case's queue facts as one save left them, numbered across all cases in commit order: the queue watch's position
/// (its resume token). Written by <see cref="RoutingDbContext"/> for every case it adds or changes, in the same
/// transaction, so the watch can tell from two revisions whether a case entered or left a filtered set. No text, no
/// contact data.
/// </summary>
public sealed class CaseRevision : ICaseFacts
{
    /// <summary>Assigned by the database on insert (AUTOINCREMENT / IDENTITY): never reused.</summary>
    public long Seq { get; set; }
    public Guid ComplaintId { get; set; }
    public required string Reference { get; set; }
    public int Status { get; set; }
    public int Severity { get; set; }
    public int EscalationTier { get; set; }
    public int Channel { get; set; }
    public int Jurisdiction { get; set; }
    public bool Confidential { get; set; }
    public string? QueueId { get; set; }
    public string? AssigneeId { get; set; }
    public bool AwaitingApproval { get; set; }
    public DateTimeOffset? NextDeadline { get; set; }

    public static CaseRevision Of(Case c) => new()
    {
        ComplaintId = c.ComplaintId,
        Reference = c.Reference,
        Status = c.Status,
        Severity = c.Severity,
        EscalationTier = c.EscalationTier,
        Channel = c.Channel,
        Jurisdiction = c.Jurisdiction,
        Confidential = c.Confidential,
        QueueId = c.QueueId,
        AssigneeId = c.AssigneeId,
        AwaitingApproval = c.AwaitingApproval,
        NextDeadline = c.NextDeadline,
    };
}

/// <summary>The model; <see cref="SqliteRoutingDbContext"/> and <see cref="SqlServerRoutingDbContext"/> carry each provider's migrations.</summary>
public class RoutingDbContext(DbContextOptions options) : DbContext(options), IEventLogContext, IEventInboxContext
{
    public DbSet<Case> Cases => Set<Case>();
    public DbSet<CaseHistoryEntry> Timeline => Set<CaseHistoryEntry>();
    public DbSet<CaseRevision> Revisions => Set<CaseRevision>();
    public DbSet<StoredEvent> Events => Set<StoredEvent>();
    public DbSet<FeedCheckpoint> FeedCheckpoints => Set<FeedCheckpoint>();
    public DbSet<ProcessedEvent> ProcessedEvents => Set<ProcessedEvent>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseUtcTicksForDateTimeOffset();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddEventLog().AddEventInbox();
        modelBuilder.Entity<Case>(e =>
        {
            e.ToTable("case");
            e.HasKey(x => x.ComplaintId);
            e.HasIndex(x => x.Reference).IsUnique();
            e.HasIndex(x => new { x.QueueId, x.Status });
            e.HasIndex(x => new { x.AssigneeId, x.Status });
            e.HasIndex(x => x.NextDeadline);
            // A queue read in its default order (nearest deadline), and the lists by received time (ListCases).
            e.HasIndex(x => new { x.QueueId, x.NextDeadline });
            e.HasIndex(x => x.ReceivedAt);
            e.Property(x => x.Reference).HasMaxLength(20);
            e.Property(x => x.PreferredLanguage).HasMaxLength(35);
            e.Property(x => x.Category).HasMaxLength(128);
            e.Property(x => x.Subcategory).HasMaxLength(128);
            e.Property(x => x.Currency).HasMaxLength(3);
            e.Property(x => x.RefundCurrency).HasMaxLength(3);
            e.Property(x => x.CompensationCurrency).HasMaxLength(3);
            e.Property(x => x.AmountInDispute).HasPrecision(19, 4);
            e.Property(x => x.RefundAmount).HasPrecision(19, 4);
            e.Property(x => x.CompensationAmount).HasPrecision(19, 4);
            e.Property(x => x.QueueId).HasMaxLength(64);
            e.Property(x => x.AssigneeId).HasMaxLength(200);
            e.Property(x => x.DesignatedContactId).HasMaxLength(200);
            e.Property(x => x.ApprovedBy).HasMaxLength(200);
            e.Property(x => x.ProposedBy).HasMaxLength(200);
            e.Property(x => x.RootCause).HasMaxLength(64);
            e.Property(x => x.SourceOutcome).HasMaxLength(200);
            e.Property(x => x.MergedIntoReference).HasMaxLength(20);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasMany(x => x.Timeline).WithOne().HasForeignKey(t => t.ComplaintId);
        });
        modelBuilder.Entity<CaseHistoryEntry>(e =>
        {
            e.ToTable("case_timeline");
            e.HasKey(x => new { x.ComplaintId, x.Seq });
            e.Property(x => x.Kind).HasMaxLength(32);
            e.Property(x => x.Title).HasMaxLength(200);
            e.Property(x => x.Actor).HasMaxLength(200);
            e.Property(x => x.CommandId).HasMaxLength(64);
            e.Property(x => x.Code).HasMaxLength(64);
            e.Property(x => x.Parameters).HasMaxLength(2000);
            e.HasIndex(x => x.CommandId).IsUnique();
        });
        modelBuilder.Entity<CaseRevision>(e =>
        {
            e.ToTable("case_revision");
            e.HasKey(x => x.Seq);
            e.Property(x => x.Seq).ValueGeneratedOnAdd();
            e.HasIndex(x => new { x.ComplaintId, x.Seq });
            e.Property(x => x.Reference).HasMaxLength(20);
            e.Property(x => x.QueueId).HasMaxLength(64);
            e.Property(x => x.AssigneeId).HasMaxLength(200);
        });
        modelBuilder.AddClocks();
        modelBuilder.AddDirectory();
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        PrepareSave();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        PrepareSave();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>
    /// The audit trail is append-only; every change of a case bumps its version and writes a <see cref="CaseRevision"/>
    /// (after the version, so a revision always shows the saved state).
    /// </summary>
    private void PrepareSave()
    {
        var changed = new List<Case>();
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.Entity is CaseHistoryEntry && entry.State is EntityState.Modified or EntityState.Deleted)
            {
                throw new InvalidOperationException("The case timeline is append-only.");
            }
            if (entry.Entity is Case c && entry.State is EntityState.Modified or EntityState.Added)
            {
                if (entry.State == EntityState.Modified)
                {
                    c.Version++;
                }
                changed.Add(c);
            }
        }
        foreach (var c in changed)
        {
            Revisions.Add(CaseRevision.Of(c));
        }
    }
}
