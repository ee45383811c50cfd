using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Complaints.Common.V1;
using Complaints.Eventing;
using Complaints.Eventing.V1;
using Complaints.Notifications.Data;
using Complaints.Routing.V1;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Notifications.Domain;

/// <summary>Queues the acknowledgement for a newly opened case; the delivery worker sends it.</summary>
public sealed class AcknowledgeOnCaseOpened(DeliveryWakeup wakeup, TimeProvider clock)
    : FeedEventHandler<NotificationsDbContext, CaseOpened>(Sources.Routing)
{
    protected override async Task HandleAsync(CaseOpened e, EventEnvelope envelope, NotificationsDbContext db, CancellationToken ct)
    {
        if (e.ImportedClosed)
        {
            // A historical record imported closed: nobody is waiting for an acknowledgement.
            return;
        }
        var id = MessageIds.From(envelope.EventId, MessageKind.Acknowledgement);
        if (await db.Messages.AnyAsync(m => m.Id == id, ct))
        {
            return;
        }
        var now = clock.GetUtcNow();
        var data = new Dictionary<string, DateTimeOffset>
        {
            ["receivedAt"] = e.ReceivedAt.ToDateTimeOffset(),
            ["acknowledgeBy"] = e.AcknowledgeBy.ToDateTimeOffset(),
            ["resolveBy"] = e.ResolveBy.ToDateTimeOffset(),
        };
        db.Messages.Add(new Message
        {
            Id = id,
            ComplaintId = Guid.Parse(e.ComplaintId),
            Reference = e.Reference,
            Kind = (int)MessageKind.Acknowledgement,
            Channel = (int)DeliveryChannel.Email,
            Status = (int)DeliveryStatus.Pending,
            Language = e.PreferredLanguage,
            TemplateData = JsonSerializer.Serialize(data),
            CreatedAt = now,
            NextAttemptAt = now,
            TraceParent = System.Diagnostics.Activity.Current?.Id,
            TraceState = System.Diagnostics.Activity.Current?.TraceStateString,
        });
    }

    public override void AfterCommit() => wakeup.Signal.Notify();
}

public static class MessageIds
{
    /// <summary>A stable id per (event, kind): the same event always maps to the same message.</summary>
    public static Guid From(string eventId, MessageKind kind)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{eventId}/{kind}"));
        return new Guid(hash.AsSpan(0, 16));
    }
}
