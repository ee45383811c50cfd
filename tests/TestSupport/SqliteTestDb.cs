using Complaints.Eventing;
using Complaints.Eventing.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Complaints.TestSupport;

/// <summary>A context's schema on a real SQLite file of its own; a fresh context per unit of work, as the subscriber uses.</summary>
public class SqliteTestDb<TContext> : IDisposable where TContext : DbContext
{
    private readonly TempFolder _folder;
    private readonly DbContextOptions<TContext> _options;
    private readonly Func<DbContextOptions<TContext>, TContext> _create;

    public SqliteTestDb(string name, Func<DbContextOptions<TContext>, TContext> create)
    {
        _folder = new TempFolder(name + "-tests");
        _create = create;
        _options = new DbContextOptionsBuilder<TContext>()
            .UseSqlite($"Data Source={_folder.File(name + ".db")};Pooling=False")
            .Options;
        using var db = Open();
        db.Database.EnsureCreated();
    }

    public TContext Open() => _create(_options);

    /// <summary>Applies one envelope with a handler in its own context and saves, like the subscriber.</summary>
    public async Task ApplyAsync(IEventHandler<TContext> handler, EventEnvelope envelope)
    {
        await using var db = Open();
        await handler.HandleAsync(envelope, db, CancellationToken.None);
        await db.SaveChangesAsync();
    }

    public async Task<T> QueryAsync<T>(Func<TContext, Task<T>> query)
    {
        await using var db = Open();
        return await query(db);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
        GC.SuppressFinalize(this);
    }
}

public static class Envelopes
{
    /// <summary>An envelope as the feed delivers it: a fresh event id and the payload packed as Any.</summary>
    public static EventEnvelope For(IMessage payload, string source, string? aggregateId = null, string? eventId = null) => new()
    {
        EventId = eventId ?? Guid.NewGuid().ToString(),
        Type = payload.Descriptor.FullName,
        Source = source,
        AggregateId = aggregateId ?? string.Empty,
        OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        Payload = new Any { TypeUrl = "type.googleapis.com/" + payload.Descriptor.FullName, Value = payload.ToByteString() },
    };

    public static string NewReference() => "CMP-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
}
