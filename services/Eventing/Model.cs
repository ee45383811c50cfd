using Complaints.ServiceDefaults.Data;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Eventing;

/// <summary>One committed domain event in the producer's own database (the transactional outbox).</summary>
public sealed class StoredEvent
{
    /// <summary>Assigned by the database on insert; the feed position.</summary>
    public long Sequence { get; set; }
    public Guid EventId { get; set; }
    public required string Type { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public string? TraceParent { get; set; }
    public string? TraceState { get; set; }
    public required string AggregateId { get; set; }
    /// <summary>The payload message in protobuf binary form.</summary>
    public required byte[] Payload { get; set; }
}

/// <summary>How far a consumer has read one producer's feed.</summary>
public sealed class FeedCheckpoint
{
    public required string Source { get; set; }
    public long Sequence { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The consumer's inbox: an event id here has been applied and is never applied again.</summary>
public sealed class ProcessedEvent
{
    public Guid EventId { get; set; }
    public required string Source { get; set; }
    public long Sequence { get; set; }
    public DateTimeOffset ProcessedAt { get; set; }
}

/// <summary>A DbContext that produces events.</summary>
public interface IEventLogContext
{
    DbSet<StoredEvent> Events { get; }
}

/// <summary>A DbContext that consumes other services' feeds.</summary>
public interface IEventInboxContext
{
    DbSet<FeedCheckpoint> FeedCheckpoints { get; }
    DbSet<ProcessedEvent> ProcessedEvents { get; }
}

public static class EventingModel
{
    public static ModelBuilder AddEventLog(this ModelBuilder model)
    {
        model.Entity<StoredEvent>(e =>
        {
            e.ToTable("event_log");
            e.HasKey(x => x.Sequence);
            // AUTOINCREMENT on SQLite / IDENTITY on SQL Server: never reuses a sequence.
            e.Property(x => x.Sequence).ValueGeneratedOnAdd();
            e.HasIndex(x => x.EventId).IsUnique();
            e.Property(x => x.Type).HasMaxLength(200);
            e.Property(x => x.AggregateId).HasMaxLength(100);
            e.Property(x => x.TraceParent).HasMaxLength(64);
            e.Property(x => x.TraceState).HasMaxLength(512);
            e.Property(x => x.OccurredAt).HasConversion<UtcTicksConverter>();
        });
        return model;
    }

    public static ModelBuilder AddEventInbox(this ModelBuilder model)
    {
        model.Entity<FeedCheckpoint>(e =>
        {
            e.ToTable("feed_checkpoint");
            e.HasKey(x => x.Source);
            e.Property(x => x.Source).HasMaxLength(100);
            e.Property(x => x.UpdatedAt).HasConversion<UtcTicksConverter>();
        });
        model.Entity<ProcessedEvent>(e =>
        {
            e.ToTable("processed_event");
            e.HasKey(x => x.EventId);
            e.Property(x => x.Source).HasMaxLength(100);
            e.Property(x => x.ProcessedAt).HasConversion<UtcTicksConverter>();
        });
        return model;
    }
}
