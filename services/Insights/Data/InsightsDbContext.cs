using Complaints.Eventing;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Insights.Data;

/// <summary>An incremental aggregate: a count per (dimension, key). No personal data.</summary>
public sealed class Counter
{
    public required string Dimension { get; set; }
    public required string Key { get; set; }
    public long Value { get; set; }
}

/// <summary>The model; <see cref="SqliteInsightsDbContext"/> and <see cref="SqlServerInsightsDbContext"/> carry each provider's migrations.</summary>
public class InsightsDbContext(DbContextOptions options) : DbContext(options), IEventInboxContext
{
    public DbSet<Counter> Counters => Set<Counter>();
    public DbSet<FeedCheckpoint> FeedCheckpoints => Set<FeedCheckpoint>();
    public DbSet<ProcessedEvent> ProcessedEvents => Set<ProcessedEvent>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddEventInbox();
        modelBuilder.Entity<Counter>(e =>
        {
            e.ToTable("counter");
            e.HasKey(x => new { x.Dimension, x.Key });
            e.Property(x => x.Dimension).HasMaxLength(64);
            e.Property(x => x.Key).HasMaxLength(128);
        });
    }
}
