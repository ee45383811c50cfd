using Complaints.Eventing;
using Complaints.Eventing.V1;
using Complaints.Insights.Data;
using Complaints.TestSupport;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Insights.Tests;

/// <summary>Insights' schema on a real SQLite file of its own; a fresh context per event, as the subscriber does.</summary>
public sealed class InsightsDb : IDisposable
{
    private readonly TempFolder _folder = new("insights-tests");
    private readonly DbContextOptions<InsightsDbContext> _options;

    public InsightsDb()
    {
        _options = new DbContextOptionsBuilder<InsightsDbContext>()
            .UseSqlite($"Data Source={_folder.File("insights.db")};Pooling=False")
            .Options;
        using var db = Open();
        db.Database.EnsureCreated();
    }

    public InsightsDbContext Open() => new(_options);

    public async Task ApplyAsync(IEventHandler<InsightsDbContext> handler, IMessage payload)
    {
        var envelope = Envelopes.For(payload, handler.Source);
        Assert.Equal(handler.EventType, envelope.Type);
        await using var db = Open();
        await handler.HandleAsync(envelope, db, CancellationToken.None);
        await db.SaveChangesAsync();
    }

    public async Task<long?> CounterAsync(string dimension, string key)
    {
        await using var db = Open();
        return await db.Counters.Where(c => c.Dimension == dimension && c.Key == key).Select(c => (long?)c.Value).SingleOrDefaultAsync();
    }

    public async Task<T> QueryAsync<T>(Func<InsightsDbContext, Task<T>> query)
    {
        await using var db = Open();
        return await query(db);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }
}

public static class Envelopes
{
    public static EventEnvelope For(IMessage payload, string source) => new()
    {
        EventId = Guid.NewGuid().ToString(),
        Type = payload.Descriptor.FullName,
        Source = source,
        AggregateId = Guid.NewGuid().ToString(),
        OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        Payload = new Any { TypeUrl = "type.googleapis.com/" + payload.Descriptor.FullName, Value = payload.ToByteString() },
    };
}
