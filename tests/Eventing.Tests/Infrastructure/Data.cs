using Complaints.Intake.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Eventing.Tests.Infrastructure;

/// <summary>The producer's state (a complaint row) beside its event log, in one database.</summary>
public sealed class ProducerDb(DbContextOptions<ProducerDb> options) : DbContext(options), IEventLogContext
{
    public DbSet<StoredEvent> Events => Set<StoredEvent>();
    public DbSet<ComplaintRow> Complaints => Set<ComplaintRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddEventLog();
        modelBuilder.Entity<ComplaintRow>(e =>
        {
            e.ToTable("complaint");
            e.HasKey(x => x.Id);
        });
    }

    /// <summary>Adds one complaint and its ComplaintReceived event per item; the caller saves.</summary>
    public List<StoredEvent> AddComplaints(int count, string tag = "c")
    {
        var events = new List<StoredEvent>(count);
        for (var i = 0; i < count; i++)
        {
            var id = $"{tag}-{Guid.NewGuid():N}";
            Complaints.Add(new ComplaintRow { Id = id, Status = "received" });
            events.Add(this.AppendEvent(Received(id), id, TimeProvider.System));
        }
        return events;
    }

    public static ComplaintReceived Received(string complaintId) => new()
    {
        ComplaintId = complaintId,
        Reference = "REF-" + complaintId[^Math.Min(6, complaintId.Length)..],
        Category = "billing",
        PreferredLanguage = "en",
        ReceivedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
    };
}

public sealed class ComplaintRow
{
    public required string Id { get; set; }
    public required string Status { get; set; }
}

/// <summary>The consumer's inbox and checkpoint, plus its own projection of applied events.</summary>
public sealed class ConsumerDb(DbContextOptions<ConsumerDb> options) : DbContext(options), IEventInboxContext
{
    public DbSet<FeedCheckpoint> FeedCheckpoints => Set<FeedCheckpoint>();
    public DbSet<ProcessedEvent> ProcessedEvents => Set<ProcessedEvent>();
    public DbSet<AppliedEvent> Applied => Set<AppliedEvent>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddEventInbox();
        modelBuilder.Entity<AppliedEvent>(e =>
        {
            e.ToTable("applied");
            e.HasKey(x => x.EventId);
        });
    }
}

/// <summary>
/// One row per event id; a second application would raise <see cref="Count"/> to 2 instead of
/// failing, so a duplicate is visible rather than hidden behind a constraint error.
/// </summary>
public sealed class AppliedEvent
{
    public Guid EventId { get; set; }
    public long Sequence { get; set; }
    public required string ComplaintId { get; set; }
    public int Count { get; set; }
    public string? TraceId { get; set; }
    public string? ActivitySourceName { get; set; }
}
