using System.Threading.RateLimiting;
using RedisRateLimiting;
using StackExchange.Redis;

namespace Complaints.Gateway;

/// <summary>
/// The budgets in Redis, shared by every replica (RedisRateLimiting's fixed window: one Lua script per request and
/// policy, keys <c>rl:fw:{gateway:&lt;policy&gt;:&lt;client IP&gt;}</c>, expiring with their window). While the
/// multiplexer is not connected, or a call fails, Redis is not waited for: the policy's <see cref="WhenRedisDown"/>
/// answers instead, and one warning is logged per outage.
/// </summary>
public sealed partial class RedisRateLimitStore(IConnectionMultiplexer redis, ILogger<RedisRateLimitStore> logger) : IRateLimitStore
{
    /// <summary>On a lease refused because Redis could not be asked (the client gets 503, not 429).</summary>
    public static readonly MetadataName<bool> Unavailable = MetadataName.Create<bool>("COMPLAINTS_RATE_LIMIT_STORE_UNAVAILABLE");

    private int _down;

    private bool IsConnected => redis.IsConnected;

    public RateLimitPartition<string> Partition(RateLimitPolicy policy, string client) =>
        RateLimitPartition.Get("gateway:" + policy.Name + ":" + client, key => new SharedLimiter(this, policy, new RedisFixedWindowRateLimiter<string>(key, new RedisFixedWindowRateLimiterOptions
        {
            ConnectionMultiplexerFactory = () => redis,
            PermitLimit = policy.Permits,
            Window = policy.Window,
        })));

    private void Answered()
    {
        if (Interlocked.Exchange(ref _down, 0) == 1)
        {
            LogBack(logger);
        }
    }

    private void Failed(Exception? error)
    {
        if (Interlocked.Exchange(ref _down, 1) == 0)
        {
            LogDown(logger, error);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis cannot be asked for rate-limit permits: until it answers, the general, submit and follow budgets count per replica and credential attempts are refused with 503.")]
    private static partial void LogDown(ILogger logger, Exception? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis answers again: the rate limits are shared across replicas.")]
    private static partial void LogBack(ILogger logger);

    /// <summary>One policy's budget for one client: asks Redis, or applies the policy's <see cref="WhenRedisDown"/>.</summary>
    private sealed class SharedLimiter(RedisRateLimitStore store, RateLimitPolicy policy, RateLimiter shared) : RateLimiter
    {
        private readonly Lock _gate = new();
        private RateLimiter? _local;

        // While the fallback counts, this partition must not be dropped (its count would be lost).
        public override TimeSpan? IdleDuration => _local is { IdleDuration: null } ? null : shared.IdleDuration;

        /// <summary>Not reported: RedisRateLimiting would ask Redis synchronously.</summary>
        public override RateLimiterStatistics? GetStatistics() => null;

        /// <summary>Never decided synchronously: the middleware then asks <see cref="AcquireAsyncCore"/>, once.</summary>
        protected override RateLimitLease AttemptAcquireCore(int permitCount) => NotAskedLease.Instance;

        protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
        {
            if (store.IsConnected)
            {
                try
                {
                    var lease = await shared.AcquireAsync(permitCount, cancellationToken);
                    store.Answered();
                    // RedisRateLimiting gives the wait in whole seconds under a name of its own; the middleware reads the standard one.
                    if (!lease.IsAcquired && !lease.TryGetMetadata(MetadataName.RetryAfter, out _)
                        && lease.TryGetMetadata(RateLimitMetadataName.RetryAfter, out var seconds))
                    {
                        lease.Dispose();
                        return new RefusedLease(TimeSpan.FromSeconds(seconds), unavailable: false);
                    }
                    return lease;
                }
                catch (Exception e) when (e is RedisException or RedisTimeoutException)
                {
                    store.Failed(e);
                }
            }
            else
            {
                store.Failed(null);
            }
            return policy.RedisDown == WhenRedisDown.CountPerReplica
                ? Local().AttemptAcquire(permitCount)
                : new RefusedLease(RateLimitingExtensions.RedisDownRetryAfter, unavailable: true);
        }

        private RateLimiter Local()
        {
            lock (_gate)
            {
                return _local ??= new FixedWindowRateLimiter(InProcessRateLimitStore.Options(policy));
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                shared.Dispose();
                _local?.Dispose();
            }
            base.Dispose(disposing);
        }
    }

    private sealed class NotAskedLease : RateLimitLease
    {
        public static readonly NotAskedLease Instance = new();

        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }

    /// <summary>A refusal with the standard Retry-After, and whether it was for want of Redis.</summary>
    private sealed class RefusedLease(TimeSpan retryAfter, bool unavailable) : RateLimitLease
    {
        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames =>
            unavailable ? [MetadataName.RetryAfter.Name, Unavailable.Name] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter
                : unavailable && metadataName == Unavailable.Name ? true
                : null;
            return metadata is not null;
        }
    }
}
