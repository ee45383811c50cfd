using System.Diagnostics;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Complaints.Eventing;

public static class EventLog
{
    /// <summary>
    /// Adds an event to the context; it commits with the caller's SaveChanges, in the same
    /// transaction as the state change. The current trace context travels with it.
    /// </summary>
    public static StoredEvent AppendEvent(this IEventLogContext db, IMessage payload, string aggregateId, TimeProvider clock)
    {
        var activity = Activity.Current;
        var stored = new StoredEvent
        {
            EventId = Guid.CreateVersion7(clock.GetUtcNow()),
            Type = payload.Descriptor.FullName,
            OccurredAt = clock.GetUtcNow(),
            TraceParent = activity?.Id is { } id && activity.IdFormat == ActivityIdFormat.W3C ? id : null,
            TraceState = activity?.TraceStateString,
            AggregateId = aggregateId,
            Payload = payload.ToByteArray(),
        };
        db.Events.Add(stored);
        return stored;
    }

    /// <summary>A position-only envelope (no id, no type, no payload): the feed has passed <paramref name="sequence"/>.</summary>
    public static V1.EventEnvelope Position(long sequence, string source) => new() { Sequence = sequence, Source = source };

    public static bool IsPosition(this V1.EventEnvelope e) => e.EventId.Length == 0;

    public static V1.EventEnvelope ToEnvelope(this StoredEvent e, string source) => new()
    {
        Sequence = e.Sequence,
        EventId = e.EventId.ToString(),
        Type = e.Type,
        OccurredAt = Timestamp.FromDateTimeOffset(e.OccurredAt),
        Traceparent = e.TraceParent ?? string.Empty,
        Tracestate = e.TraceState ?? string.Empty,
        AggregateId = e.AggregateId,
        Payload = new Any { TypeUrl = "type.googleapis.com/" + e.Type, Value = ByteString.CopyFrom(e.Payload) },
        Source = source,
    };
}
