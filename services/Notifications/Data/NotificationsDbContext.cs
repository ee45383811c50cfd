using Complaints.Eventing;
using Complaints.ServiceDefaults.Auth;
using Complaints.ServiceDefaults.Data;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Notifications.Data;

/// <summary>
/// One message to one recipient. Its id is derived from the event that caused it, so reprocessing
/// the event finds the same row instead of sending again. The address is never stored: it is asked
/// of Intake at send time.
/// </summary>
public sealed class Message
{
    public Guid Id { get; set; }
    public Guid ComplaintId { get; set; }
    public required string Reference { get; set; }
    public int Kind { get; set; }
    /// <summary><see cref="Domain.Audience"/>: only complainant messages appear in the tracking history.</summary>
    public int Audience { get; set; }
    /// <summary>The staff member (agent id) for a staff alert; the address is asked of Routing at send time.</summary>
    public string? Recipient { get; set; }
    public int Channel { get; set; }
    public int Status { get; set; }
    /// <summary>The language asked for; the template used may fall back.</summary>
    public required string Language { get; set; }
    public string? RenderedLanguage { get; set; }
    public string? Subject { get; set; }
    /// <summary>Non-personal values (dates, amounts, entry ids), as <see cref="Domain.MessageData"/> JSON; words are fetched at send time.</summary>
    public required string TemplateData { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public string? TraceParent { get; set; }
    public string? TraceState { get; set; }
    /// <summary>How often staff replayed it from the dead letters.</summary>
    public int Replays { get; set; }
    /// <summary>The complainant was erased: the subject stays cleared and a dead letter cannot be replayed.</summary>
    public bool Erased { get; set; }
    /// <summary>
    /// Concurrency token, raised by every change made while a send may be running (erasure, replay, the outcome):
    /// a send that finishes after erasure re-reads the row instead of writing the subject back.
    /// </summary>
    public int Version { get; set; }
}

/// <summary>A complainant's channel choices, keyed by complaint (contact data lives in Intake only).</summary>
public sealed class ChannelPreference
{
    public Guid ComplaintId { get; set; }
    public bool Email { get; set; } = true;
    public bool Sms { get; set; }
    public bool Push { get; set; }
    /// <summary>Non-statutory messages are not sent on any channel.</summary>
    public bool OptedOut { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>What later events of a case need from earlier ones: the channel it came by and who works it.</summary>
public sealed class CaseContext : IConfidentialCase
{
    public Guid ComplaintId { get; set; }
    public required string Reference { get; set; }
    public int Channel { get; set; }
    public required string Language { get; set; }
    public bool HasContact { get; set; }
    public string? QueueId { get; set; }
    public string? AssigneeId { get; set; }
    /// <summary>From CaseOpened and CaseAssigned: staff views of the case's messages (dead letters) follow the need-to-know rule.</summary>
    public bool Confidential { get; set; }
}

/// <summary>
/// A queue's supervisors as Routing last published them (every CaseAssigned carries the queue's supervisor ids):
/// they receive every staff alert of the queue's cases, and all of them while a case waits unassigned.
/// </summary>
public sealed class QueueSupervisors
{
    public required string QueueId { get; set; }
    /// <summary>Comma-separated agent ids.</summary>
    public string SupervisorIds { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }

    public string[] Ids => SupervisorIds.Split(',', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>
/// A partner CRM's webhook, keyed by the partner id (its client id in Identity, the "sub" of its tokens): the address,
/// the signing secret and, after a rotation, the previous secret until its overlap ends. Both secrets are sealed with
/// Notifications' master key (AES-256-GCM, the partner id and field bound in): never stored in clear.
/// </summary>
public sealed class PartnerWebhook
{
    public required string PartnerId { get; set; }
    /// <summary>Empty: no address (nothing delivered).</summary>
    public string Url { get; set; } = "";
    public required byte[] SealedSecret { get; set; }
    public byte[]? SealedPreviousSecret { get; set; }
    public DateTimeOffset? PreviousSecretValidUntil { get; set; }
    /// <summary>Someone has the current secret: it was shown by a rotation, or copied from configuration.</summary>
    public bool SecretIssued { get; set; }
    /// <summary>Disabled by an admin through Notifications' API.</summary>
    public bool Disabled { get; set; }
    /// <summary>The partner client is disabled in Identity (its feed).</summary>
    public bool PartnerDisabled { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset SecretRotatedAt { get; set; }
    /// <summary>Concurrency token: two rotations at once never both show a secret, only the one that was stored.</summary>
    public int Version { get; set; }
}

public sealed class DeliveryAttempt
{
    public long Id { get; set; }
    public Guid MessageId { get; set; }
    public DateTimeOffset At { get; set; }
    public bool Succeeded { get; set; }
    public string? Error { get; set; }
}

/// <summary>The model; <see cref="SqliteNotificationsDbContext"/> and <see cref="SqlServerNotificationsDbContext"/> carry each provider's migrations.</summary>
public class NotificationsDbContext(DbContextOptions options) : DbContext(options), IEventLogContext, IEventInboxContext
{
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<DeliveryAttempt> Attempts => Set<DeliveryAttempt>();
    public DbSet<ChannelPreference> Preferences => Set<ChannelPreference>();
    public DbSet<CaseContext> Cases => Set<CaseContext>();
    public DbSet<QueueSupervisors> QueueSupervisors => Set<QueueSupervisors>();
    public DbSet<PartnerWebhook> PartnerWebhooks => Set<PartnerWebhook>();
    public DbSet<StoredEvent> Events => Set<StoredEvent>();
    public DbSet<FeedCheckpoint> FeedCheckpoints => Set<FeedCheckpoint>();
    public DbSet<ProcessedEvent> ProcessedEvents => Set<ProcessedEvent>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseUtcTicksForDateTimeOffset();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddEventLog().AddEventInbox();
        modelBuilder.Entity<Message>(e =>
        {
            e.ToTable("message");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.ComplaintId);
            e.HasIndex(x => new { x.Status, x.NextAttemptAt });
            e.Property(x => x.Reference).HasMaxLength(20);
            e.Property(x => x.Language).HasMaxLength(35);
            e.Property(x => x.RenderedLanguage).HasMaxLength(35);
            e.Property(x => x.Subject).HasMaxLength(400);
            e.Property(x => x.LastError).HasMaxLength(400);
            e.Property(x => x.Recipient).HasMaxLength(200);
            e.Property(x => x.Version).IsConcurrencyToken();
        });
        modelBuilder.Entity<ChannelPreference>(e =>
        {
            e.ToTable("channel_preference");
            e.HasKey(x => x.ComplaintId);
        });
        modelBuilder.Entity<CaseContext>(e =>
        {
            e.ToTable("case_context");
            e.HasKey(x => x.ComplaintId);
            e.Property(x => x.Reference).HasMaxLength(20);
            e.Property(x => x.Language).HasMaxLength(35);
            e.Property(x => x.QueueId).HasMaxLength(200);
            e.Property(x => x.AssigneeId).HasMaxLength(200);
        });
        modelBuilder.Entity<QueueSupervisors>(e =>
        {
            e.ToTable("queue_supervisors");
            e.HasKey(x => x.QueueId);
            e.Property(x => x.QueueId).HasMaxLength(200);
            e.Property(x => x.SupervisorIds).HasMaxLength(2000);
            e.Ignore(x => x.Ids);
        });
        modelBuilder.Entity<PartnerWebhook>(e =>
        {
            e.ToTable("partner_webhook");
            e.HasKey(x => x.PartnerId);
            e.Property(x => x.PartnerId).HasMaxLength(200);
            e.Property(x => x.Url).HasMaxLength(2000);
            e.Property(x => x.SealedSecret).HasMaxLength(512);
            e.Property(x => x.SealedPreviousSecret).HasMaxLength(512);
            e.Property(x => x.Version).IsConcurrencyToken();
        });
        modelBuilder.Entity<DeliveryAttempt>(e =>
        {
            e.ToTable("delivery_attempt");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.MessageId);
            e.Property(x => x.Error).HasMaxLength(400);
        });
    }
}
