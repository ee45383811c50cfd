using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Complaints.Routing.Watch;

/// <summary>
/// "A case's timeline grew": wakes the watchers of that complaint at once instead of at their next poll.
/// In-process by default; with Redis, a change on one replica is published on <see cref="Channel"/> so the
/// watchers of every replica wake. A lost signal only delays a watcher until its slow poll.
/// </summary>
public sealed class CaseChangeSignal : IDisposable
{
    public const string Channel = "routing:case-changed";

    private readonly Dictionary<Guid, Entry> _watched = [];
    private readonly ISubscriber? _subscriber;
    private readonly RedisChannel _channel = RedisChannel.Literal(Channel);
    private readonly Action<RedisChannel, RedisValue>? _handler;
    private readonly ILogger _logger;

    public CaseChangeSignal(IConnectionMultiplexer? redis = null, ILogger<CaseChangeSignal>? logger = null)
    {
        _logger = logger ?? NullLogger<CaseChangeSignal>.Instance;
        if (redis is null)
        {
            return;
        }
        _subscriber = redis.GetSubscriber();
        _handler = (_, value) =>
        {
            if (Guid.TryParse(value.ToString(), out var id))
            {
                Wake(id);
            }
        };
        try
        {
            _subscriber.Subscribe(_channel, _handler);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Start while Redis is down: the multiplexer subscribes when it connects; until then, watchers poll.
            _logger.LogWarning(ex, "Could not subscribe to {Channel} yet; case watchers poll until Redis is back", Channel);
        }
    }

    /// <summary>Registers a watcher of one complaint; dispose it when the watch ends.</summary>
    public Subscription Subscribe(Guid complaintId)
    {
        lock (_watched)
        {
            if (!_watched.TryGetValue(complaintId, out var entry))
            {
                _watched[complaintId] = entry = new Entry();
            }
            entry.Watchers++;
        }
        return new Subscription(this, complaintId);
    }

    /// <summary>Registers a watcher of every complaint (a queue's watch); dispose it when the watch ends.</summary>
    public Subscription SubscribeAll() => Subscribe(Guid.Empty);

    /// <summary>Wakes this replica's watchers of the complaint and, with Redis, every other replica's.</summary>
    public void Notify(Guid complaintId)
    {
        Wake(complaintId);
        if (_subscriber is null)
        {
            return;
        }
        try
        {
            _subscriber.Publish(_channel, complaintId.ToString("D"), CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _logger.LogWarning(ex, "Could not publish a case change; other replicas' watchers will poll");
        }
    }

    // Guid.Empty (never a complaint id) stands for "any complaint": the queue watchers wake on every change.
    private void Wake(Guid complaintId)
    {
        TaskCompletionSource? fired = null;
        TaskCompletionSource? any = null;
        lock (_watched)
        {
            fired = Renew(complaintId);
            any = complaintId == Guid.Empty ? null : Renew(Guid.Empty);
        }
        fired?.TrySetResult();
        any?.TrySetResult();
    }

    private TaskCompletionSource? Renew(Guid key)
    {
        if (!_watched.TryGetValue(key, out var entry))
        {
            return null;
        }
        var fired = entry.Next;
        entry.Next = NewSource();
        return fired;
    }

    private Task Waiter(Guid complaintId)
    {
        lock (_watched)
        {
            return _watched[complaintId].Next.Task;
        }
    }

    private void Release(Guid complaintId)
    {
        lock (_watched)
        {
            if (_watched.TryGetValue(complaintId, out var entry) && --entry.Watchers == 0)
            {
                _watched.Remove(complaintId);
            }
        }
    }

    /// <summary>The number of complaints watched on this replica (for tests: subscriptions are released).</summary>
    public int WatchedCount
    {
        get
        {
            lock (_watched)
            {
                return _watched.Count;
            }
        }
    }

    // Fire and forget: a blocking unsubscribe would throw from Dispose when Redis is down.
    public void Dispose()
    {
        if (_subscriber is not null && _handler is not null)
        {
            _subscriber.Unsubscribe(_channel, _handler, CommandFlags.FireAndForget);
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Entry
    {
        public int Watchers;
        public TaskCompletionSource Next = NewSource();
    }

    /// <summary>One watcher's registration. Take <see cref="Next"/> before reading, then wait on it, so a change between the two is not missed.</summary>
    public sealed class Subscription(CaseChangeSignal signal, Guid complaintId) : IDisposable
    {
        private int _disposed;

        public Task Next() => signal.Waiter(complaintId);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                signal.Release(complaintId);
            }
        }
    }
}
