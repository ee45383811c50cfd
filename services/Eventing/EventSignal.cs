using Complaints.ServiceDefaults;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Complaints.Eventing;

/// <summary>
/// "New events were committed": wakes feed streams at once instead of at their next poll.
/// Take a waiter before reading, then wait on it, so a notification between the two is not lost.
/// </summary>
public interface IEventSignal
{
    void Notify();
    Task WaitNextAsync(TimeSpan timeout, CancellationToken cancellationToken) => Waiter().WaitAsync(timeout, cancellationToken);
    Task Waiter();
}

/// <summary>In-process signal: enough for one replica, because the feed is served by the producing process.</summary>
public sealed class LocalEventSignal : IEventSignal
{
    private TaskCompletionSource _next = NewSource();

    public void Notify() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    public Task Waiter() => Volatile.Read(ref _next).Task;

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// Across replicas: a commit on one replica publishes on a Redis channel and every replica's
/// feed wakes. A lost publish only delays a stream until its next poll.
/// </summary>
public sealed class RedisEventSignal : IEventSignal, IDisposable
{
    private readonly LocalEventSignal _local = new();
    private readonly ISubscriber _subscriber;
    private readonly RedisChannel _channel;
    private readonly ILogger<RedisEventSignal> _logger;
    private readonly Action<RedisChannel, RedisValue> _handler;

    public RedisEventSignal(IConnectionMultiplexer redis, ServiceIdentity identity, ILogger<RedisEventSignal> logger)
    {
        _subscriber = redis.GetSubscriber();
        _channel = RedisChannel.Literal($"complaints:feed:{identity.Name}");
        _logger = logger;
        _handler = (_, _) => _local.Notify();
        try
        {
            _subscriber.Subscribe(_channel, _handler);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // This signal is built with the first DbContext: throwing here would keep the service
            // from starting while Redis is down. The multiplexer keeps the subscription and makes
            // it when it connects; until then, streams poll.
            _logger.LogWarning(ex, "Could not subscribe to the new-events signal yet; streams poll until Redis is back");
        }
    }

    public void Notify()
    {
        _local.Notify();
        try
        {
            _subscriber.Publish(_channel, "1", CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _logger.LogWarning(ex, "Could not publish the new-events signal; replicas will poll");
        }
    }

    public Task Waiter() => _local.Waiter();

    // Fire and forget: a blocking unsubscribe would throw from Dispose when Redis is down.
    public void Dispose() => _subscriber.Unsubscribe(_channel, _handler, CommandFlags.FireAndForget);
}
