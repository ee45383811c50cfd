using Complaints.Eventing;
using Complaints.Eventing.V1;
using Complaints.Notifications.Data;
using Complaints.TestSupport;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Notifications.Tests;

/// <summary>Notifications' schema on a real SQLite file of its own; a fresh context per unit of work.</summary>
public sealed class NotificationsDb : IDisposable
{
    private readonly TempFolder _folder = new("notifications-tests");
    private readonly DbContextOptions<NotificationsDbContext> _options;

    public NotificationsDb()
    {
        _options = new DbContextOptionsBuilder<NotificationsDbContext>()
            .UseSqlite($"Data Source={_folder.File("notifications.db")};Pooling=False")
            .Options;
        using var db = Open();
        db.Database.EnsureCreated();
    }

    public NotificationsDbContext Open() => new(_options);

    /// <summary>Applies one envelope with a handler in its own context and saves, like the subscriber.</summary>
    public async Task ApplyAsync(IEventHandler<NotificationsDbContext> handler, EventEnvelope envelope)
    {
        await using var db = Open();
        await handler.HandleAsync(envelope, db, CancellationToken.None);
        await db.SaveChangesAsync();
    }

    public async Task<T> QueryAsync<T>(Func<NotificationsDbContext, Task<T>> query)
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
    /// <summary>An envelope as the feed delivers it: a fresh event id and the payload packed as Any.</summary>
    public static EventEnvelope For(IMessage payload, string source, string aggregateId, string? eventId = null) => new()
    {
        EventId = eventId ?? Guid.NewGuid().ToString(),
        Type = payload.Descriptor.FullName,
        Source = source,
        AggregateId = aggregateId,
        OccurredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        Payload = new Any { TypeUrl = "type.googleapis.com/" + payload.Descriptor.FullName, Value = payload.ToByteString() },
    };

    public static string NewReference() => "CMP-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
}
