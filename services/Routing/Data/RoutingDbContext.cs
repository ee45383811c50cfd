using Complaints.Eventing;
using Complaints.ServiceDefaults.Data;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Routing.Data;

/// <summary>A case: one per complaint, keyed by the complaint id. No contact data, no complaint text.</summary>
public sealed class Case
{
    public Guid ComplaintId { get; set; }
    public required string Reference { get; set; }
    public int Status { get; set; }
    public required string Category { get; set; }
    public int Channel { get; set; }
    public int Jurisdiction { get; set; }
    public required string PreferredLanguage { get; set; }
    public bool Confidential { get; set; }
    public bool HasContact { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public DateTimeOffset OpenedAt { get; set; }
    /// <summary>Internal SLA targets; none for a case imported closed.</summary>
    public DateTimeOffset? AcknowledgeBy { get; set; }
    public DateTimeOffset? ResolveBy { get; set; }
    /// <summary>The outcome recorded in the source of an imported case.</summary>
    public string? Outcome { get; set; }
    public DateTimeOffset? AcknowledgedAt { get; set; }
    public List<CaseHistoryEntry> Timeline { get; set; } = [];
}

/// <summary>Append-only history of a case; public entries are shown to the complainant.</summary>
public sealed class CaseHistoryEntry
{
    public long Id { get; set; }
    public Guid ComplaintId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Title { get; set; }
    public required string Detail { get; set; }
    public bool IsPublic { get; set; }
    /// <summary>"system", or the staff member who acted.</summary>
    public required string Actor { get; set; }
}

/// <summary>The model; <see cref="SqliteRoutingDbContext"/> and <see cref="SqlServerRoutingDbContext"/> carry each provider's migrations.</summary>
public class RoutingDbContext(DbContextOptions options) : DbContext(options), IEventLogContext, IEventInboxContext
{
    public DbSet<Case> Cases => Set<Case>();
    public DbSet<CaseHistoryEntry> Timeline => Set<CaseHistoryEntry>();
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
            e.Property(x => x.Reference).HasMaxLength(20);
            e.Property(x => x.PreferredLanguage).HasMaxLength(35);
            e.Property(x => x.Category).HasMaxLength(128);
            e.Property(x => x.Outcome).HasMaxLength(200);
            e.HasMany(x => x.Timeline).WithOne().HasForeignKey(t => t.ComplaintId);
        });
        modelBuilder.Entity<CaseHistoryEntry>(e =>
        {
            e.ToTable("case_timeline");
            e.HasKey(x => x.Id);
            e.Property(x => x.Title).HasMaxLength(200);
            e.Property(x => x.Actor).HasMaxLength(200);
            e.HasIndex(x => new { x.ComplaintId, x.At });
        });
    }
}
