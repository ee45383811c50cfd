using Complaints.Eventing.Tests.Infrastructure;
using Complaints.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Complaints.Eventing.Tests;

/// <summary>The consumer side end to end: checkpoint, inbox, restarts, a producer outage.</summary>
public sealed class EventSubscriberTests(ITestOutputHelper output) : IDisposable
{
    private readonly TestEnv _env = new(output);

    [Fact]
    public async Task Subscriber_200Events_AppliesEachExactlyOnceAndCheckpointsTheLast()
    {
        await using var producer = await ProducerHost.StartAsync(_env, settings: new Dictionary<string, string?> { ["EventFeed:BatchSize"] = "32" });
        var appended = await producer.AppendAsync(50, "backlog"); // Read in batches of 32 at start...
        await using var consumer = await ConsumerHost.StartAsync(_env, producer.Address);
        await WaitUntilAppliedAsync(appended);
        for (var i = 0; i < 6; i++)
        {
            appended.AddRange(await producer.AppendAsync(25, $"live{i}")); // ...then streamed as they commit.
        }
        Assert.Equal(200, appended.Count);

        await WaitUntilAppliedAsync(appended);

        var state = await _env.ReadConsumerAsync();
        AssertAppliedExactlyOnce(appended, state);
        Assert.Equal(200, consumer.Probe.Invocations);
    }

    [Fact]
    public async Task Subscriber_StoppedMidStreamAndRestarted_AppliesEveryEventExactlyOnce()
    {
        await using var producer = await ProducerHost.StartAsync(_env);
        var appended = new List<StoredEvent>();

        // The first consumer applies 10 events one by one (each its own transaction), then a burst
        // arrives and the consumer is stopped while the burst's first event is inside its transaction.
        var first = await ConsumerHost.StartAsync(_env, producer.Address, new ConsumerProbe { BlockAfter = 10 }, "consumer-1");
        for (var i = 0; i < 10; i++)
        {
            appended.AddRange(await producer.AppendAsync(1, "first"));
            await WaitUntilAppliedAsync(appended);
        }
        appended.AddRange(await producer.AppendAsync(20, "burst"));
        await Wait.WithinAsync(first.Probe.Blocked.Task, "the first consumer to reach its 11th event");
        await first.StopAsync();

        // The batch holding the 11th event rolled back as a whole; the 10 before it stay committed.
        var interrupted = await _env.ReadConsumerAsync();
        Assert.Equal(10, interrupted.AppliedCount);
        Assert.Equal(appended[9].Sequence, interrupted.Checkpoint);
        Assert.Equal(10, interrupted.Processed);

        appended.AddRange(await producer.AppendAsync(20, "while-stopped"));

        // A new host on the same SQLite file resumes from the checkpoint.
        await using var second = await ConsumerHost.StartAsync(_env, producer.Address, appName: "consumer-2");
        await WaitUntilAppliedAsync(appended);
        appended.AddRange(await producer.AppendAsync(5, "live")); // And it keeps streaming.
        await WaitUntilAppliedAsync(appended);

        AssertAppliedExactlyOnce(appended, await _env.ReadConsumerAsync());
        Assert.Equal(45, second.Probe.Invocations);
    }

    [Fact]
    public async Task Subscriber_ProducerDownThenBack_DeliversEverythingWithoutLoss()
    {
        var producer = await ProducerHost.StartAsync(_env, appName: "producer-1");
        var port = producer.Port;
        var appended = await producer.AppendAsync(10, "before");
        await using var consumer = await ConsumerHost.StartAsync(_env, producer.Address);
        await WaitUntilAppliedAsync(appended);

        var stopTook = await producer.StopAsync();
        Assert.True(stopTook < TimeSpan.FromSeconds(10), $"Stopping the producer with a subscriber attached took {stopTook.TotalSeconds:0.0} s.");
        // One stream, not a storm of re-subscriptions while the host was stopping.
        output.WriteLine($"Subscribe calls that reached the stopped producer: {producer.SubscribeCalls}");
        Assert.InRange(producer.SubscribeCalls, 1, 3);

        // Committed while the feed is down (e.g. by another replica or a job on the same database).
        await using (var db = _env.OpenProducerDb())
        {
            appended.AddRange(db.AddComplaints(10, "while-down"));
            await db.SaveChangesAsync();
        }

        // The consumer keeps trying to reconnect.
        var interruptions = () => _env.Log.Count(e => e.App == "consumer" && e.Level == LogLevel.Warning && e.Category.Contains("EventSubscriber"));
        var before = interruptions();
        await Eventually.True(() => Task.FromResult(interruptions() >= before + 2), "the consumer to retry at least twice while the producer is down");

        await using var restarted = await ProducerHost.StartAsync(_env, port: port, appName: "producer-2");
        await WaitUntilAppliedAsync(appended); // The consumer reconnected by itself and caught up...
        appended.AddRange(await restarted.AppendAsync(10, "after")); // ...and streams live again.

        await WaitUntilAppliedAsync(appended);
        AssertAppliedExactlyOnce(appended, await _env.ReadConsumerAsync());
    }

    [Fact]
    public async Task Subscriber_CheckpointResetToZero_AppliesNoRedeliveredEventTwice()
    {
        await using var producer = await ProducerHost.StartAsync(_env);
        var appended = await producer.AppendAsync(25);
        await using (var first = await ConsumerHost.StartAsync(_env, producer.Address, appName: "consumer-1"))
        {
            await WaitUntilAppliedAsync(appended);
        }

        await using (var db = _env.OpenConsumerDb())
        {
            // A replay: the checkpoint forgets everything; only the inbox remembers.
            Assert.Equal(1, await db.FeedCheckpoints.ExecuteUpdateAsync(s => s.SetProperty(c => c.Sequence, 0L)));
        }
        Assert.Equal(0, (await _env.ReadConsumerAsync()).Checkpoint);

        await using var second = await ConsumerHost.StartAsync(_env, producer.Address, appName: "consumer-2");
        // The checkpoint only climbs back as the redelivered events are read and skipped.
        await Eventually.Get(
            _env.ReadConsumerAsync,
            state => state.Checkpoint == appended[^1].Sequence,
            "the replayed feed to be read up to the last event again",
            describe: state => state.ToString());

        AssertAppliedExactlyOnce(appended, await _env.ReadConsumerAsync());
        Assert.Equal(0, second.Probe.Invocations);
    }

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task Subscriber_EventsOfUnhandledTypes_NeitherSentNorRecorded()
    {
        await using var producer = await ProducerHost.StartAsync(_env);
        var handled = await producer.AppendAsync(3, "before");
        await using (var scope = producer.App.Services.CreateAsyncScope())
        {
            // A type the consumer has no handler for, between handled ones.
            var db = scope.ServiceProvider.GetRequiredService<ProducerDb>();
            db.AppendEvent(new Complaints.Intake.V1.ComplaintMerged { ComplaintId = "m-1" }, "m-1", TimeProvider.System);
            await db.SaveChangesAsync();
        }
        handled.AddRange(await producer.AppendAsync(2, "after"));
        await using var consumer = await ConsumerHost.StartAsync(_env, producer.Address);

        await WaitUntilAppliedAsync(handled);

        // No inbox row and no transaction for the merge: only the handled events were sent.
        AssertAppliedExactlyOnce(handled, await _env.ReadConsumerAsync());
    }

    [Fact]
    public async Task Subscriber_ManyEventsOfUnhandledTypes_CheckpointMovesPastThemWithoutInboxRows()
    {
        await using var producer = await ProducerHost.StartAsync(_env);
        var handled = await producer.AppendAsync(2, "handled");
        long lastSkipped;
        await using (var scope = producer.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProducerDb>();
            var skipped = Enumerable.Range(0, 2 * (int)EventSubscriber<ConsumerDb>.PositionStride + 10)
                .Select(i => db.AppendEvent(new Complaints.Intake.V1.ComplaintMerged { ComplaintId = $"m-{i}" }, $"m-{i}", TimeProvider.System))
                .ToList();
            await db.SaveChangesAsync();
            lastSkipped = skipped[^1].Sequence;
        }
        await using var consumer = await ConsumerHost.StartAsync(_env, producer.Address);

        // The feed tells the position; once it runs a stride past the stored checkpoint the consumer stores it, so a
        // restart rereads less than a stride. Where the last save falls depends on how the positions were batched on
        // arrival, so the test asks only for that bound.
        var state = await Eventually.Get(_env.ReadConsumerAsync, s => s.Checkpoint > lastSkipped - EventSubscriber<ConsumerDb>.PositionStride,
            $"the checkpoint to come within a stride of {lastSkipped}", describe: s => s.ToString());
        Assert.True(state.Checkpoint <= lastSkipped, $"checkpoint {state.Checkpoint} past the last event {lastSkipped}");
        Assert.Equal(handled.Select(e => e.EventId).Order(), state.Applied.Select(a => a.EventId).Order());
        Assert.Equal(2, state.Processed);
    }

    private Task WaitUntilAppliedAsync(IReadOnlyCollection<StoredEvent> appended) =>
        Eventually.Get(
            _env.ReadConsumerAsync,
            state => state.AppliedCount >= appended.Count && state.Checkpoint == appended.Max(e => e.Sequence),
            $"the consumer to apply {appended.Count} events and checkpoint sequence {appended.Max(e => e.Sequence)}",
            describe: state => state.ToString());

    private static void AssertAppliedExactlyOnce(IReadOnlyCollection<StoredEvent> appended, ConsumerState state)
    {
        Assert.Equal(appended.Select(e => e.EventId).Order(), state.Applied.Select(a => a.EventId).Order());
        var duplicates = state.Applied.Where(a => a.Count != 1).ToList();
        Assert.True(duplicates.Count == 0, $"Applied more than once: {string.Join(", ", duplicates.Select(d => $"#{d.Sequence} x{d.Count}"))}");
        Assert.Equal(appended.Select(e => e.Sequence).Order(), state.Applied.Select(a => a.Sequence).Order());
        Assert.Equal(appended.Max(e => e.Sequence), state.Checkpoint);
        Assert.Equal(appended.Count, state.Processed);
    }
}
