using System.Collections.Concurrent;
using System.Diagnostics;
using Complaints.Eventing.Tests.Infrastructure;
using Complaints.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Complaints.Eventing.Tests;

/// <summary>The trace of the producing operation continues in the consumer's handler.</summary>
public sealed class TraceContextTests(ITestOutputHelper output) : IDisposable
{
    private static readonly ActivitySource ProducerSource = new("Complaints.Eventing.Tests.Producer");
    private readonly TestEnv _env = new(output);
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private ActivityListener? _listener;

    [Fact]
    public async Task AppendEvent_InsideActivity_StoresItsTraceParent()
    {
        Listen();
        await using var producer = await ProducerHost.StartAsync(_env);
        await using var scope = producer.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProducerDb>();

        StoredEvent traced;
        string expected;
        using (var activity = ProducerSource.StartActivity("submit complaint", ActivityKind.Server))
        {
            Assert.NotNull(activity);
            activity.TraceStateString = "vendor=value";
            traced = db.AddComplaints(1, "traced").Single();
            expected = activity.Id!;
        }
        var untraced = db.AddComplaints(1, "untraced").Single();
        await db.SaveChangesAsync();

        var stored = (await _env.ReadProducerEventsAsync()).ToDictionary(e => e.EventId);
        Assert.Equal(expected, stored[traced.EventId].TraceParent);
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", stored[traced.EventId].TraceParent!);
        Assert.Equal("vendor=value", stored[traced.EventId].TraceState);
        Assert.Null(stored[untraced.EventId].TraceParent);
    }

    [Fact]
    public async Task Subscriber_Handler_RunsUnderTheProducersTrace()
    {
        Listen();
        await using var producer = await ProducerHost.StartAsync(_env);
        await using var consumer = await ConsumerHost.StartAsync(_env, producer.Address);
        var warmUp = Assert.Single(await producer.AppendAsync(1, "untraced"));
        await Eventually.Get(
            _env.ReadConsumerAsync,
            state => state.Checkpoint == warmUp.Sequence,
            "the consumer to apply the first (untraced) event",
            describe: state => state.ToString());

        ActivityTraceId traceId;
        ActivitySpanId spanId;
        StoredEvent appended;
        using (var activity = ProducerSource.StartActivity("submit complaint", ActivityKind.Server))
        {
            Assert.NotNull(activity);
            traceId = activity.TraceId;
            spanId = activity.SpanId;
            appended = Assert.Single(await producer.AppendAsync(1, "traced"));
        }

        await Eventually.Get(
            _env.ReadConsumerAsync,
            state => state.Applied.Any(a => a.EventId == appended.EventId),
            "the consumer to apply the traced event",
            describe: state => state.ToString());

        var applied = (await _env.ReadConsumerAsync()).Applied.Single(a => a.EventId == appended.EventId);
        Assert.Equal(traceId.ToHexString(), applied.TraceId);
        Assert.Equal("Complaints.Eventing", applied.ActivitySourceName);

        await Eventually.True(() => Task.FromResult(ConsumeActivities(traceId).Count != 0), "the consume activity to be recorded");
        var consume = Assert.Single(ConsumeActivities(traceId));
        Assert.Equal(ActivityKind.Consumer, consume.Kind);
        Assert.Equal(spanId, consume.ParentSpanId);
        Assert.Equal(appended.EventId.ToString(), consume.GetTagItem("messaging.message.id"));
        Assert.Equal(false, consume.GetTagItem("complaints.event.duplicate"));
    }

    public void Dispose()
    {
        _listener?.Dispose();
        _env.Dispose();
    }

    private List<Activity> ConsumeActivities(ActivityTraceId traceId) =>
        _stopped.Where(a => a.Source.Name == "Complaints.Eventing" && a.TraceId == traceId && a.OperationName.StartsWith("consume ", StringComparison.Ordinal)).ToList();

    private void Listen()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Complaints.Eventing" || s == ProducerSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }
}
