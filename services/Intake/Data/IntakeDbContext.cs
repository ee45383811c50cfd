using Complaints.Eventing;
using Complaints.ServiceDefaults.Auth;
using Complaints.ServiceDefaults.Data;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Data;

/// <summary>
/// A complaint as submitted. Contact data and complaint text are stored only as AES-GCM ciphertext
/// under a per-complaint data key, itself wrapped by the master key (envelope encryption).
/// </summary>
public sealed class ComplaintRecord : IConfidentialCase
{
    public Guid Id { get; set; }
    public required string Reference { get; set; }
    /// <summary>Who submitted (anonymous public caller, or the authenticated partner/staff subject): idempotency keys are unique per source.</summary>
    public required string Source { get; set; }
    public required string IdempotencyKey { get; set; }
    /// <summary>SHA-256 of the request without its idempotency key: a replay with another body is refused.</summary>
    public required byte[] RequestHash { get; set; }
    public int Channel { get; set; }
    public required string Category { get; set; }
    public int Jurisdiction { get; set; }
    public required string PreferredLanguage { get; set; }
    public bool Confidential { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public bool HasContact { get; set; }
    public int ComplainantKind { get; set; }
    public string? Subcategory { get; set; }
    /// <summary>Staff member or partner who took the complaint.</summary>
    public string? ReceivedBy { get; set; }
    /// <summary>
    /// The partner (its client id, the token's subject) that submitted or imported the complaint with a partner token;
    /// null for every other source. The partner owns it: it lists and tracks it (PartnerComplaintService).
    /// </summary>
    public string? PartnerId { get; set; }
    public DateOnly? EventDate { get; set; }
    public decimal? AmountInDispute { get; set; }
    public string? Currency { get; set; }
    public string? TimeZone { get; set; }
    public bool ConsentContact { get; set; }
    public bool ConsentPublication { get; set; }
    public bool HasRepresentative { get; set; }
    /// <summary>Imported historical record (ReceivedAt is the original date).</summary>
    public bool Imported { get; set; }
    /// <summary>Imported as closed: no acknowledgement, no clocks.</summary>
    public bool ImportedClosed { get; set; }
    /// <summary>The source's recorded response, e.g. "Closed with explanation".</summary>
    public string? Outcome { get; set; }
    /// <summary>Erasure destroys the data key: the ciphertext left behind can never be read again.</summary>
    public DateTimeOffset? ErasedAt { get; set; }
    /// <summary>When the complaint was closed, as far as Intake knows (imported closed records: the import); retention counts from here.</summary>
    public DateTimeOffset? ClosedAt { get; set; }
    public bool LegalHold { get; set; }
    /// <summary>The case's current handler, from Routing's CaseAssigned (the need-to-know rule's handler).</summary>
    public string? AssigneeId { get; set; }
    /// <summary>The case's queue, from Routing's CaseAssigned: its supervisors (<see cref="RoutingQueue"/>) are in the confidential circle.</summary>
    public string? QueueId { get; set; }
    public string? LegalHoldReason { get; set; }
    /// <summary>Set when staff merged this complaint (a duplicate) into another: the primary complaint's id. Never a chain.</summary>
    public Guid? MergedIntoId { get; set; }
    /// <summary>
    /// Optimistic concurrency token: one more on every save that changes the row (<see cref="IntakeDbContext"/>), so
    /// two writers that read the same version cannot both commit (two merges that would make a chain, for one).
    /// </summary>
    public long Version { get; set; }

    public required byte[] WrappedKey { get; set; }
    public required byte[] SubjectCipher { get; set; }
    public required byte[] DescriptionCipher { get; set; }
    public byte[]? RemedySoughtCipher { get; set; }
    public byte[]? NameCipher { get; set; }
    public byte[]? EmailCipher { get; set; }
    public byte[]? PhoneCipher { get; set; }
    public byte[]? MemberNumberCipher { get; set; }
    /// <summary>The postal address (several lines), encrypted like the other contact data.</summary>
    public byte[]? PostalAddressCipher { get; set; }
    /// <summary>How the complainant would like to be contacted (<see cref="V1.PreferredContactChannel"/>; 0: no preference). A preference, not an address.</summary>
    public int PreferredContactChannel { get; set; }
    /// <summary>Blind indexes (keyed hashes) of the normalised email and phone, for matching and staff search.</summary>
    public byte[]? EmailIndex { get; set; }
    public byte[]? PhoneIndex { get; set; }
    /// <summary>The representative's name, organisation, email, phone and authority, as encrypted JSON.</summary>
    public byte[]? RepresentativeCipher { get; set; }
}

/// <summary>The model; <see cref="SqliteIntakeDbContext"/> and <see cref="SqlServerIntakeDbContext"/> carry each provider's migrations.</summary>
/// <summary>A document attached to a complaint; its bytes are in the attachment store, encrypted under the complaint's key.</summary>
/// <summary>Who supervises a queue of Routing's directory, as Routing's feed reports it (QueueUpdated, CaseAssigned).</summary>
public sealed class RoutingQueue
{
    public required string Id { get; set; }

    /// <summary>Staff ids, comma-separated (as Routing's directory stores them).</summary>
    public required string SupervisorIds { get; set; }
}

public sealed class AttachmentRecord
{
    public Guid Id { get; set; }
    public Guid ComplaintId { get; set; }
    /// <summary>0..max-1; unique per complaint, so concurrent uploads cannot exceed the limit.</summary>
    public int Slot { get; set; }
    /// <summary>The file name, encrypted (names often carry personal data).</summary>
    public required byte[] FileNameCipher { get; set; }
    public required string ContentType { get; set; }
    public string? DeclaredContentType { get; set; }
    public long Size { get; set; }
    public required string Sha256 { get; set; }
    public DateTimeOffset UploadedAt { get; set; }
    /// <summary>"complainant" or the staff member's subject.</summary>
    public required string UploadedBy { get; set; }
    /// <summary>The uploads of one submission or complainant action share a key (the header's batch key; "" when none was given).</summary>
    public string BatchKey { get; set; } = "";
    /// <summary>0..max-1 within (complaint, uploader, batch key); unique, so concurrent uploads cannot exceed the batch limit.</summary>
    public int BatchSlot { get; set; }
    /// <summary>
    /// A keyed hash of the content's SHA-256 and the file name under the complaint's key: unique per complaint, so a
    /// retried upload of the same file finds the first instead of storing it twice. Null for uploads made before it.
    /// </summary>
    public byte[]? ReplayKey { get; set; }
}

/// <summary>
/// A new tracking token a complainant asked for (a lost token) and got, because the email or phone they gave matched: valid
/// beside the complaint's own token. Only its keyed hash is kept for checking; the token itself waits sealed under the
/// complaint's key until Notifications has delivered it, then it is discarded (or after a while, whatever happened).
/// </summary>
public sealed class TrackingGrant
{
    public Guid Id { get; set; }
    public Guid ComplaintId { get; set; }
    /// <summary>HMAC-SHA256 of the token under the tracking key: how a presented token is recognised.</summary>
    public required byte[] TokenHash { get; set; }
    /// <summary>The token, sealed under the complaint's data key for its message; null once delivered, expired or erased.</summary>
    public byte[]? TokenCipher { get; set; }
    /// <summary>The blind index of the address that matched: the token goes only there, and not after the address changed.</summary>
    public byte[]? AddressIndex { get; set; }
    /// <summary>DELIVERY_CHANNEL_EMAIL or DELIVERY_CHANNEL_SMS.</summary>
    public int Channel { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    /// <summary>The UTC day of issue and a slot in it (unique together), so concurrent requests cannot pass the daily limit.</summary>
    public DateOnly IssuedOn { get; set; }
    public int Slot { get; set; }
    /// <summary>Notifications' message that carries the token (told when it fetched it); its delivery discards the token.</summary>
    public Guid? MessageId { get; set; }
    public DateTimeOffset? TokenDiscardedAt { get; set; }
}

/// <summary>
/// The email address a suggestion's submitter left to hear back (<see cref="Domain.SuggestionContacts"/>): sealed under a
/// data key of its own, wrapped by the master key. Forgetting it destroys the key, the ciphertext, the blind index and
/// the retry key; the row stays, saying when and why.
/// </summary>
public sealed class SuggestionContact
{
    public const string Delivered = "delivered";
    public const string Retention = "retention";
    public const string Erased = "erased";

    /// <summary>The opaque contact id (random), as Insights and Notifications know it.</summary>
    public Guid Id { get; set; }
    /// <summary>The contact's data key, wrapped by the master key (associated data: the id); empty once forgotten.</summary>
    public required byte[] WrappedKey { get; set; }
    public byte[]? EmailCipher { get; set; }
    /// <summary>The address's blind index (<see cref="Security.BlindIndex.Email"/>), so access and erasure find it.</summary>
    public byte[]? EmailIndex { get; set; }
    /// <summary>A keyed hash of the portal's idempotency key and the address: a retried form finds its first contact.</summary>
    public byte[]? RequestKey { get; set; }
    public required string Language { get; set; }
    public DateTimeOffset RegisteredAt { get; set; }
    /// <summary>Notifications' message that carries the address (told when it fetched it); its delivery forgets the address.</summary>
    public Guid? MessageId { get; set; }
    public DateTimeOffset? ForgottenAt { get; set; }
    /// <summary><see cref="Delivered"/>, <see cref="Retention"/> or <see cref="Erased"/>.</summary>
    public string? ForgottenBecause { get; set; }
}

/// <summary>Attachment content in the database store (the default; a file store is the alternative).</summary>
public sealed class AttachmentBlob
{
    public Guid AttachmentId { get; set; }
    public required byte[] Content { get; set; }
}

/// <summary>Who read or searched complainants' data, when, and why. Append-only.</summary>
public sealed class AccessAudit
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public required string Roles { get; set; }
    /// <summary>
    /// "read-contact", "read-complaint" (the words), "read-attachment", "list-attachments", "search", "search-hit", "erase",
    /// "export", "legal-hold", "legal-hold-released", "merge" (the duplicate), "merge-primary", the complainant's and the
    /// retention job's acts, "erase-suggestion-contacts" or "export-suggestion-contacts" (no complaint;
    /// <see cref="ResultCount"/> says how many).
    /// </summary>
    public required string Action { get; set; }
    public Guid? ComplaintId { get; set; }
    /// <summary>The document read ("read-attachment"); null for every other act, and for downloads audited before it was kept.</summary>
    public Guid? AttachmentId { get; set; }
    public string? Purpose { get; set; }
    public int? ResultCount { get; set; }

    /// <summary>An entry for what a signed-in person (or a system actor with no token) did.</summary>
    public static AccessAudit By(System.Security.Claims.ClaimsPrincipal? user, string action, Guid? complaintId, string? purpose, DateTimeOffset at, int? results = null, Guid? attachmentId = null) => new()
    {
        At = at,
        Actor = user?.FindFirst("sub")?.Value ?? "unknown",
        Roles = user is null ? string.Empty : string.Join(",", user.FindAll("role").Select(r => r.Value)),
        Action = action,
        ComplaintId = complaintId,
        AttachmentId = attachmentId,
        Purpose = purpose,
        ResultCount = results,
    };
}

public class IntakeDbContext(DbContextOptions options) : DbContext(options), IEventLogContext, IEventInboxContext
{
    public DbSet<ComplaintRecord> Complaints => Set<ComplaintRecord>();
    public DbSet<AccessAudit> AccessAudit => Set<AccessAudit>();
    public DbSet<AttachmentRecord> Attachments => Set<AttachmentRecord>();
    public DbSet<AttachmentBlob> AttachmentBlobs => Set<AttachmentBlob>();
    public DbSet<RoutingQueue> RoutingQueues => Set<RoutingQueue>();
    public DbSet<TrackingGrant> TrackingGrants => Set<TrackingGrant>();
    public DbSet<SuggestionContact> SuggestionContacts => Set<SuggestionContact>();
    public DbSet<StoredEvent> Events => Set<StoredEvent>();
    public DbSet<FeedCheckpoint> FeedCheckpoints => Set<FeedCheckpoint>();
    public DbSet<ProcessedEvent> ProcessedEvents => Set<ProcessedEvent>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseUtcTicksForDateTimeOffset();

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        BumpVersions();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        BumpVersions();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>
    /// Every changed complaint row gets the version it was read with plus one (the same on a retried save), and its
    /// update only applies where the row still has the version read.
    /// </summary>
    private void BumpVersions()
    {
        foreach (var entry in ChangeTracker.Entries<ComplaintRecord>().Where(e => e.State == EntityState.Modified))
        {
            var version = entry.Property(x => x.Version);
            version.CurrentValue = version.OriginalValue + 1;
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddEventLog().AddEventInbox();
        modelBuilder.Entity<ComplaintRecord>(e =>
        {
            e.ToTable("complaint");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.Reference).IsUnique();
            // The database, not a check-then-insert, decides which of two concurrent duplicates wins.
            e.HasIndex(x => new { x.Source, x.IdempotencyKey }).IsUnique();
            e.Property(x => x.Reference).HasMaxLength(20);
            e.Property(x => x.Source).HasMaxLength(200);
            e.Property(x => x.IdempotencyKey).HasMaxLength(128);
            e.Property(x => x.PreferredLanguage).HasMaxLength(35);
            e.Property(x => x.Subcategory).HasMaxLength(128);
            e.Property(x => x.ReceivedBy).HasMaxLength(200);
            e.Property(x => x.PartnerId).HasMaxLength(200);
            // A partner's complaints newest first, a page at a time (received time, then reference).
            e.HasIndex(x => new { x.PartnerId, x.ReceivedAt, x.Reference });
            e.Property(x => x.AmountInDispute).HasPrecision(18, 4);
            e.Property(x => x.Currency).HasMaxLength(3);
            e.Property(x => x.TimeZone).HasMaxLength(64);
            e.Property(x => x.Category).HasMaxLength(128);
            e.Property(x => x.Outcome).HasMaxLength(200);
            e.Property(x => x.LegalHoldReason).HasMaxLength(500);
            // Named for what it held first; the property follows the need-to-know rule's vocabulary.
            e.Property(x => x.AssigneeId).HasColumnName("AssignedHandler").HasMaxLength(200);
            e.Property(x => x.QueueId).HasMaxLength(100);
            // Erasure, legal holds and contact corrections must not overwrite each other's decision.
            e.Property(x => x.LegalHold).IsConcurrencyToken();
            e.Property(x => x.ErasedAt).IsConcurrencyToken();
            // Two concurrent merges of one complaint cannot both commit.
            e.Property(x => x.MergedIntoId).IsConcurrencyToken();
            // Nor two that touch the same complaint in different roles (A into B while B goes into C: a chain).
            e.Property(x => x.Version).IsConcurrencyToken();
            e.Property(x => x.EmailIndex).HasMaxLength(32);
            e.Property(x => x.PhoneIndex).HasMaxLength(32);
            e.HasIndex(x => x.EmailIndex);
            e.HasIndex(x => x.PhoneIndex);
        });
        modelBuilder.Entity<AttachmentRecord>(e =>
        {
            e.ToTable("attachment");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.ComplaintId, x.Slot }).IsUnique();
            e.HasIndex(x => new { x.ComplaintId, x.UploadedBy, x.BatchKey, x.BatchSlot }).IsUnique();
            e.HasIndex(x => new { x.ComplaintId, x.ReplayKey }).IsUnique();
            e.Property(x => x.BatchKey).HasMaxLength(128);
            e.Property(x => x.ReplayKey).HasMaxLength(32);
            e.Property(x => x.ContentType).HasMaxLength(100);
            e.Property(x => x.DeclaredContentType).HasMaxLength(100);
            e.Property(x => x.Sha256).HasMaxLength(64);
            e.Property(x => x.UploadedBy).HasMaxLength(200);
        });
        modelBuilder.Entity<AttachmentBlob>(e =>
        {
            e.ToTable("attachment_blob");
            e.HasKey(x => x.AttachmentId);
        });
        modelBuilder.Entity<TrackingGrant>(e =>
        {
            e.ToTable("tracking_grant");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.TokenHash).IsUnique();
            e.HasIndex(x => new { x.ComplaintId, x.IssuedOn, x.Slot }).IsUnique();
            e.HasIndex(x => x.MessageId);
            e.Property(x => x.TokenHash).HasMaxLength(32);
            e.Property(x => x.AddressIndex).HasMaxLength(32);
        });
        modelBuilder.Entity<SuggestionContact>(e =>
        {
            e.ToTable("suggestion_contact");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.EmailIndex);
            e.HasIndex(x => x.RequestKey).IsUnique();
            e.HasIndex(x => x.MessageId);
            e.HasIndex(x => x.RegisteredAt);
            e.Property(x => x.EmailIndex).HasMaxLength(32);
            e.Property(x => x.RequestKey).HasMaxLength(32);
            e.Property(x => x.Language).HasMaxLength(35);
            e.Property(x => x.ForgottenBecause).HasMaxLength(16);
        });
        modelBuilder.Entity<RoutingQueue>(e =>
        {
            e.ToTable("routing_queue");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(100);
            e.Property(x => x.SupervisorIds).HasMaxLength(4000);
        });
        modelBuilder.Entity<AccessAudit>(e =>
        {
            e.ToTable("access_audit");
            e.HasKey(x => x.Id);
            e.Property(x => x.Actor).HasMaxLength(200);
            e.Property(x => x.Roles).HasMaxLength(200);
            e.Property(x => x.Action).HasMaxLength(32);
            e.Property(x => x.Purpose).HasMaxLength(500);
            // One complaint's audit, newest first a page at a time (ListAccessAudit); its prefix serves lookups by complaint.
            e.HasIndex(x => new { x.ComplaintId, x.At, x.Id });
        });
    }
}
