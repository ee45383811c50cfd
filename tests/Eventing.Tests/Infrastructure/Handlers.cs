using System.Diagnostics;
using Complaints.Eventing.V1;
using Complaints.Intake.V1;

namespace Complaints.Eventing.Tests.Infrastructure;

/// <summary>What one consumer host's handler saw; optionally blocks (inside the transaction) after a number of events.</summary>
public sealed class ConsumerProbe
{
    private int _invocations;

    /// <summary>Invocations beyond this number block until the host stops (the transaction is then rolled back).</summary>
    public int? BlockAfter { get; init; }

    public TaskCompletionSource Blocked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Invocations => Volatile.Read(ref _invocations);

    internal int Enter() => Interlocked.Increment(ref _invocations);
}

/// <summary>Records each applied event in the consumer's own table, in the subscriber's transaction.</summary>
public sealed class RecordingHandler(ConsumerProbe probe) : FeedEventHandler<ConsumerDb, ComplaintReceived>("producer")
{
    protected override async Task HandleAsync(ComplaintReceived payload, EventEnvelope envelope, ConsumerDb db, CancellationToken ct)
    {
        var n = probe.Enter();
        if (probe.BlockAfter is { } limit && n > limit)
        {
            probe.Blocked.TrySetResult();
            // Hold the transaction open until the host stops: a crash in the middle of applying.
            await new TaskCompletionSource().Task.WaitAsync(ct);
        }

        var eventId = Guid.Parse(envelope.EventId);
        var row = await db.Applied.FindAsync([eventId], ct);
        if (row is null)
        {
            db.Applied.Add(new AppliedEvent
            {
                EventId = eventId,
                Sequence = envelope.Sequence,
                ComplaintId = payload.ComplaintId,
                Count = 1,
                TraceId = Activity.Current?.TraceId.ToHexString(),
                ActivitySourceName = Activity.Current?.Source.Name,
            });
        }
        else
        {
            row.Count++;
        }
    }
}
