using Complaints.Routing.V1;
using Complaints.Routing.Watch;
using StackExchange.Redis;

namespace Complaints.Routing.Tests.Watch;

/// <summary>The cross-replica wake-up over a real redis-server.</summary>
[Collection(RedisCollection.Name)]
public sealed class CaseChangeSignalRedisTests(RedisFixture redis)
{
    [Fact]
    public async Task Notify_OnOneInstance_WakesWatcherOfThatComplaintOnAnother()
    {
        redis.EnsureRunning();
        await using var muxA = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await using var muxB = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        using var a = new CaseChangeSignal(muxA);
        using var b = new CaseChangeSignal(muxB);
        var changed = Guid.NewGuid();
        var other = Guid.NewGuid();
        using var watcher = b.Subscribe(changed);
        using var otherWatcher = b.Subscribe(other);
        var woken = watcher.Next();
        var notWoken = otherWatcher.Next();

        a.Notify(changed);

        await woken.WaitAsync(Eventually.DefaultTimeout);
        Assert.False(notWoken.IsCompleted, "A change of another complaint woke this watcher.");
    }

    [Fact]
    public async Task WatchPublicAsync_EntryWrittenOnOtherReplica_PushedThroughRedis()
    {
        redis.EnsureRunning();
        await using var replicaA = await WatchHost.StartAsync(redis.ConnectionString);
        await using var replicaB = await WatchHost.StartAsync(redis.ConnectionString, sharedWith: replicaA);
        var c = await replicaA.SeedCaseAsync(("Complaint received", true));
        using var call = new CancellationTokenSource();
        var stream = new StreamCapture<PublicCaseChange>();
        var running = replicaB.Watch.WatchPublicAsync(c.ComplaintId.ToString(), "1", stream, call.Token);
        await Eventually.True(() => Task.FromResult(replicaB.Signal.WatchedCount == 1), "replica B's watcher to subscribe");

        // B's fake clock never moves: only A's publish can wake B's watcher.
        await replicaA.AppendAsync(c.ComplaintId, "Update from replica A", isPublic: true);

        var change = Assert.Single(await stream.TakeAsync(1, "replica B's watcher to be woken through Redis"));
        Assert.Equal("Update from replica A", change.Entry.Title);
        await call.CancelAsync();
        await running;
    }
}
