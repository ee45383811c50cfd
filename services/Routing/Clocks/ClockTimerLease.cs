using StackExchange.Redis;

namespace Complaints.Routing.Clocks;

/// <summary>Lets one <see cref="ClockTimer"/> scan at a time. The database still guarantees no double firing without it.</summary>
public interface IClockTimerLease
{
    /// <summary>True when this instance may scan now; pair with <see cref="ExitAsync"/>.</summary>
    Task<bool> TryEnterAsync(CancellationToken ct);

    Task ExitAsync();

    /// <summary>Gives the lease up (shutdown), so another replica takes over without waiting for the TTL.</summary>
    Task ReleaseAsync();
}

/// <summary>Without Redis: one scan at a time within this process.</summary>
public sealed class InProcessClockTimerLease : IClockTimerLease
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<bool> TryEnterAsync(CancellationToken ct) => await _gate.WaitAsync(TimeSpan.Zero, ct);

    public Task ExitAsync()
    {
        _gate.Release();
        return Task.CompletedTask;
    }

    public Task ReleaseAsync() => Task.CompletedTask;
}

/// <summary>
/// With Redis: a lock with a TTL (key <see cref="Key"/>) held across scans and extended by each one, so one replica
/// runs the timer; when it dies, the lock expires and another takes over.
/// </summary>
public sealed class RedisClockTimerLease(IConnectionMultiplexer redis, TimeSpan ttl, ILogger<RedisClockTimerLease> logger) : IClockTimerLease
{
    public const string Key = "routing:clock-timer";

    private readonly InProcessClockTimerLease _local = new();
    private bool _held;

    /// <summary>Identifies this process's holder; another replica cannot extend or release it.</summary>
    public string Token { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    public async Task<bool> TryEnterAsync(CancellationToken ct)
    {
        if (!await _local.TryEnterAsync(ct))
        {
            return false;
        }
        try
        {
            var db = redis.GetDatabase();
            if (_held && await db.LockExtendAsync(Key, Token, ttl))
            {
                return true;
            }
            _held = await db.LockTakeAsync(Key, Token, ttl);
            if (!_held)
            {
                await _local.ExitAsync();
            }
            return _held;
        }
        catch (RedisException e)
        {
            // Redis unreachable: scan anyway. Clocks must not go unannounced during an outage, and the unique
            // ClockFiring index keeps a concurrent scan on another replica from firing anything twice.
            logger.LogWarning(e, "Redis lock {Key} unavailable; scanning without it", Key);
            _held = false;
            return true;
        }
    }

    public Task ExitAsync() => _local.ExitAsync();

    public async Task ReleaseAsync()
    {
        if (!_held)
        {
            return;
        }
        _held = false;
        try
        {
            await redis.GetDatabase().LockReleaseAsync(Key, Token);
        }
        catch (RedisException e)
        {
            logger.LogWarning(e, "Could not release Redis lock {Key}; it expires by itself", Key);
        }
    }
}
