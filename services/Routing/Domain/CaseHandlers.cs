using Complaints.Common.V1;
using Complaints.Eventing;
using Complaints.Eventing.V1;
using Complaints.Intake.V1;
using Complaints.Notifications.V1;
using Complaints.Routing.Data;
using Complaints.Routing.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Complaints.Routing.Domain;

/// <summary>Opens a case with the default SLA for each received complaint and announces it.</summary>
public sealed class OpenCaseOnComplaintReceived(IOptions<SlaOptions> sla, TimeProvider clock, ILogger<OpenCaseOnComplaintReceived> logger)
    : FeedEventHandler<RoutingDbContext, ComplaintReceived>(Sources.Intake)
{
    protected override async Task HandleAsync(ComplaintReceived e, EventEnvelope envelope, RoutingDbContext db, CancellationToken ct)
    {
        var id = Guid.Parse(e.ComplaintId);
        if (await db.Cases.AnyAsync(c => c.ComplaintId == id, ct))
        {
            return;
        }
        var now = clock.GetUtcNow();
        var receivedAt = e.ReceivedAt.ToDateTimeOffset();
        var c = new Case
        {
            ComplaintId = id,
            Reference = e.Reference,
            Status = (int)(e.ImportedClosed ? CaseStatus.Closed : CaseStatus.Received),
            Category = e.Category,
            Channel = (int)e.Channel,
            Jurisdiction = (int)e.Jurisdiction,
            PreferredLanguage = e.PreferredLanguage,
            Confidential = e.Confidential,
            HasContact = e.HasContact,
            ReceivedAt = receivedAt,
            OpenedAt = now,
            // A historical record imported closed runs no clocks.
            AcknowledgeBy = e.ImportedClosed ? null : receivedAt + sla.Value.AcknowledgeWithin,
            ResolveBy = e.ImportedClosed ? null : receivedAt + sla.Value.ResolveWithin,
            Outcome = e.Outcome is { Length: > 0 } outcome ? outcome : null,
        };
        c.Timeline.Add(Entry(id, receivedAt, "Complaint received", "We have received your complaint.", isPublic: true));
        c.Timeline.Add(e.ImportedClosed
            ? Entry(id, receivedAt, "Case closed", c.Outcome is null ? "This complaint was closed." : $"This complaint was closed: {c.Outcome}.", isPublic: true)
            : Entry(id, now, "Case opened", $"Your complaint is registered under {e.Reference}. We aim to resolve it by {c.ResolveBy:yyyy-MM-dd}.", isPublic: true));
        db.Cases.Add(c);
        db.AppendEvent(new CaseOpened
        {
            ComplaintId = e.ComplaintId,
            Reference = e.Reference,
            Category = e.Category,
            Channel = e.Channel,
            Jurisdiction = e.Jurisdiction,
            PreferredLanguage = e.PreferredLanguage,
            Confidential = e.Confidential,
            HasContact = e.HasContact,
            ReceivedAt = e.ReceivedAt,
            OpenedAt = Timestamp.FromDateTimeOffset(now),
            AcknowledgeBy = c.AcknowledgeBy is { } ack ? Timestamp.FromDateTimeOffset(ack) : null,
            ResolveBy = c.ResolveBy is { } resolve ? Timestamp.FromDateTimeOffset(resolve) : null,
            ImportedClosed = e.ImportedClosed,
        }, e.ComplaintId, clock);
        logger.LogInformation("Case {Reference} opened", e.Reference);
    }

    internal static CaseHistoryEntry Entry(Guid id, DateTimeOffset at, string title, string detail, bool isPublic) =>
        new() { ComplaintId = id, At = at, Title = title, Detail = detail, IsPublic = isPublic, Actor = "system" };
}

/// <summary>Marks a case ACKNOWLEDGED when Notifications' feed shows the acknowledgement delivered.</summary>
public sealed class AcknowledgeOnNotificationDelivered(TimeProvider clock, ILogger<AcknowledgeOnNotificationDelivered> logger)
    : FeedEventHandler<RoutingDbContext, NotificationDelivered>(Sources.Notifications)
{
    protected override async Task HandleAsync(NotificationDelivered e, EventEnvelope envelope, RoutingDbContext db, CancellationToken ct)
    {
        if (e.Kind != MessageKind.Acknowledgement || e.Status != DeliveryStatus.Delivered || !Guid.TryParse(e.ComplaintId, out var id))
        {
            return;
        }
        var c = await db.Cases.FirstOrDefaultAsync(x => x.ComplaintId == id, ct);
        if (c is null || c.AcknowledgedAt is not null)
        {
            return;
        }
        var at = e.DeliveredAt.ToDateTimeOffset();
        c.AcknowledgedAt = at;
        if (c.Status == (int)CaseStatus.Received)
        {
            c.Status = (int)CaseStatus.Acknowledged;
        }
        db.Timeline.Add(OpenCaseOnComplaintReceived.Entry(id, at, "Acknowledgement sent", "We have sent you an acknowledgement with your reference and our timeline.", isPublic: true));
        db.AppendEvent(new CaseAcknowledged
        {
            ComplaintId = e.ComplaintId,
            Reference = c.Reference,
            AcknowledgedAt = e.DeliveredAt,
            ReceivedAt = Timestamp.FromDateTimeOffset(c.ReceivedAt),
        }, e.ComplaintId, clock);
        logger.LogInformation("Case {Reference} acknowledged", c.Reference);
    }
}
