using Complaints.Common.V1;
using Complaints.Routing.Clocks;
using Complaints.Routing.V1;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Complaints.Routing.Tests.Clocks;

/// <summary>The timer's Redis lease against a real redis-server (a missing redis-server fails the test, never skips it).</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisLeaseTests(RedisFixture redis)
{
    [Fact]
    public async Task ScanOnceAsync_LeaseHeldByAnotherReplica_ScansNothingUntilReleased()
    {
        redis.EnsureRunning();
        await using var muxA = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await using var muxB = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var leaseA = new RedisClockTimerLease(muxA, TimeSpan.FromSeconds(30), NullLogger<RedisClockTimerLease>.Instance);
        var leaseB = new RedisClockTimerLease(muxB, TimeSpan.FromSeconds(30), NullLogger<RedisClockTimerLease>.Instance);
        var received = new DateTimeOffset(2025, 6, 2, 0, 0, 0, TimeSpan.Zero);
        using var h = new ClockHarness(received);
        var c = await h.OpenCaseAsync(Jurisdiction.AuAsic, received);
        await h.OnlyAsync(c.ComplaintId, ClockKind.StatutoryAcknowledge);
        var timerA = h.NewTimer(leaseA);
        var timerB = h.NewTimer(leaseB);

        // Replica A takes the lease with its first scan and keeps it between scans.
        Assert.Equal(0, await timerA.ScanOnceAsync(CancellationToken.None));
        Assert.Equal(leaseA.Token, (string?)await muxB.GetDatabase().StringGetAsync(RedisClockTimerLease.Key));
        Assert.True(await muxB.GetDatabase().KeyTimeToLiveAsync(RedisClockTimerLease.Key) > TimeSpan.Zero);

        h.Time.SetUtcNow(received.AddHours(13));
        Assert.Equal(0, await timerB.ScanOnceAsync(CancellationToken.None));
        Assert.Empty(await h.EventsAsync(ClockWarning.Parser));
        Assert.Equal(1, await timerA.ScanOnceAsync(CancellationToken.None));

        // A shuts down and releases: B takes over at once.
        await timerA.StopAsync(CancellationToken.None);
        h.Time.SetUtcNow(received.AddHours(19));
        Assert.Equal(1, await timerB.ScanOnceAsync(CancellationToken.None));
        Assert.Equal(leaseB.Token, (string?)await muxA.GetDatabase().StringGetAsync(RedisClockTimerLease.Key));
        Assert.Equal([50, 75], (await h.EventsAsync(ClockWarning.Parser)).Select(w => w.Percent));
    }
}
