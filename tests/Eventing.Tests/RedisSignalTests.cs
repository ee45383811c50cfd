using Complaints.Eventing.Tests.Infrastructure;
using Complaints.ServiceDefaults;
using Complaints.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Complaints.Eventing.Tests;

/// <summary>The cross-replica signal against a real redis-server.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisSignalTests(RedisFixture redis, ITestOutputHelper output) : IDisposable
{
    private readonly TestEnv _env = new(output);

    [Fact]
    public async Task RedisEventSignal_NotifyOnOneInstance_ReleasesWaiterOfAnother()
    {
        redis.EnsureRunning();
        var identity = new ServiceIdentity("signal-" + Guid.NewGuid().ToString("N"));
        await using var muxA = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await using var muxB = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        using var a = new RedisEventSignal(muxA, identity, NullLogger<RedisEventSignal>.Instance);
        using var b = new RedisEventSignal(muxB, identity, NullLogger<RedisEventSignal>.Instance);
        using var other = new RedisEventSignal(muxB, new ServiceIdentity(identity.Name + "-other"), NullLogger<RedisEventSignal>.Instance);
        var waiterB = b.Waiter();
        var waiterOther = other.Waiter();

        a.Notify();

        await Wait.WithinAsync(waiterB, "replica B to be woken through Redis by replica A's notification");
        Assert.False(waiterOther.IsCompleted, "A signal for another service's feed woke this one.");
    }

    [Fact]
    public async Task Feed_EventAppendedThroughReplicaA_ReachesConsumerOfReplicaB()
    {
        redis.EnsureRunning();
        // Both replicas share the SQLite file and the service name; they only look at the log
        // every 5 minutes, so within this test only a signal can make replica B look.
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["EventFeed:PollInterval"] = "00:05:00",
        };
        var serviceName = "producer-" + Guid.NewGuid().ToString("N")[..8];
        await using var replicaA = await ProducerHost.StartAsync(_env, serviceName: serviceName, settings: settings, appName: "replica-a");
        await using var replicaB = await ProducerHost.StartAsync(_env, serviceName: serviceName, settings: settings, appName: "replica-b");
        await using var consumer = await ConsumerHost.StartAsync(_env, replicaB.Address);

        // Through B first: the consumer's stream on B is established and has read the log.
        var appended = await replicaB.AppendAsync(1, "via-b");
        await WaitUntilAppliedAsync(appended);

        // Then through A, twice: each one has to wake B's waiting stream through Redis.
        for (var i = 0; i < 2; i++)
        {
            appended.AddRange(await replicaA.AppendAsync(1, $"via-a-{i}"));
            await WaitUntilAppliedAsync(appended);
        }

        var state = await _env.ReadConsumerAsync();
        Assert.Equal(appended.Select(e => e.EventId).Order(), state.Applied.Select(a => a.EventId).Order());
        Assert.All(state.Applied, a => Assert.Equal(1, a.Count));
    }

    [Fact]
    public async Task Replicas_RedisDownAtStartThenUp_StreamLocallyThenSignalAcross()
    {
        redis.EnsureRunning(); // The binary is there; this test runs a server of its own, started late.
        var port = TestKeys.FreePort();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = $"127.0.0.1:{port},connectTimeout=500,syncTimeout=500",
            ["EventFeed:PollInterval"] = "00:05:00",
        };
        var serviceName = "producer-" + Guid.NewGuid().ToString("N")[..8];
        await using var replicaA = await ProducerHost.StartAsync(_env, serviceName: serviceName, settings: settings, appName: "replica-a");
        await using var replicaB = await ProducerHost.StartAsync(_env, serviceName: serviceName, settings: settings, appName: "replica-b");
        await using var consumer = await ConsumerHost.StartAsync(_env, replicaB.Address);

        // Redis is down: the replicas started anyway, and B streams its own events on its local signal.
        var appended = await replicaB.AppendAsync(1, "via-b");
        await WaitUntilAppliedAsync(appended);

        await using var late = await RedisServer.StartAsync(port);
        await using var probe = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{late.Port}");
        var channel = RedisChannel.Literal($"complaints:feed:{serviceName}");
        await Eventually.Get(
            () => probe.GetServer(probe.GetEndPoints().Single()).SubscriptionSubscriberCountAsync(channel),
            subscribers => subscribers == 2,
            "both replicas to subscribe to the feed channel once Redis is up",
            describe: subscribers => $"{subscribers} subscribers");

        appended.AddRange(await replicaA.AppendAsync(1, "via-a"));
        await WaitUntilAppliedAsync(appended);
        Assert.All((await _env.ReadConsumerAsync()).Applied, a => Assert.Equal(1, a.Count));
    }

    public void Dispose() => _env.Dispose();

    private Task WaitUntilAppliedAsync(List<StoredEvent> appended) =>
        Eventually.Get(
            _env.ReadConsumerAsync,
            state => state.Checkpoint == appended[^1].Sequence,
            $"the consumer of replica B to apply {appended.Count} events (up to sequence {appended[^1].Sequence})",
            describe: state => state.ToString());
}

