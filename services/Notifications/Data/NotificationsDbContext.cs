using Complaints.Eventing;
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
    public int Channel { get; set; }
    public int Status { get; set; }
    /// <summary>The language asked for; the template used may fall back.</summary>
    public required string Language { get; set; }
    public string? RenderedLanguage { get; set; }
    public string? Subject { get; set; }
    /// <summary>Non-personal template values (reference, dates), as JSON.</summary>
    public required string TemplateData { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public string? TraceParent { get; set; }
    public string? TraceState { get; set; }
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
