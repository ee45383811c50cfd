using Complaints.Common.V1;
using Complaints.Eventing;
using Complaints.Eventing.V1;
using Complaints.Intake.V1;
using Complaints.Notifications.V1;
using Complaints.Routing.Clocks;
using Complaints.Routing.Data;
using Complaints.Routing.Directory;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Data;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Routing.Domain;

/// <summary>
/// Opens a case for each received complaint: triage, routing rules and assignment, the clocks of its
/// jurisdiction; announces it with <see cref="CaseOpened"/>.
/// </summary>
public sealed class OpenCaseOnComplaintReceived(CaseJournal journal, CaseClocks clocks, Triage triage, CaseRouter router,
    IComplaintTextSource texts, ILogger<OpenCaseOnComplaintReceived> logger)
    : FeedEventHandler<RoutingDbContext, ComplaintReceived>(Sources.Intake)
{
    protected override async Task HandleAsync(ComplaintReceived e, EventEnvelope envelope, RoutingDbContext db, CancellationToken ct)
    {
        var id = Guid.Parse(e.ComplaintId);
        // Already opened, possibly earlier in this same batch (not yet saved).
        if (db.Cases.Tracked().Any(c => c.ComplaintId == id) || await db.Cases.AnyAsync(c => c.ComplaintId == id, ct))
        {
            return;
        }
        var now = journal.Clock.GetUtcNow();
        var receivedAt = e.ReceivedAt.ToDateTimeOffset();
        var c = new Case
        {
            ComplaintId = id,
            Reference = e.Reference,
            Status = (int)(e.ImportedClosed ? CaseStatus.Closed : CaseStatus.Received),
            Category = e.Category,
            Subcategory = e.Subcategory is { Length: > 0 } sub ? sub : null,
            Channel = (int)e.Channel,
            Jurisdiction = (int)e.Jurisdiction,
            ComplainantKind = (int)e.ComplainantKind,
            PreferredLanguage = e.PreferredLanguage,
            Confidential = e.Confidential,
            HasContact = e.HasContact,
            AmountInDispute = decimal.TryParse(e.AmountInDispute, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var amount) ? amount : null,
            Currency = e.Currency is { Length: > 0 } currency ? currency : null,
            ReceivedAt = receivedAt,
            OpenedAt = now,
            SourceOutcome = e.Outcome is { Length: > 0 } outcome ? outcome : null,
        };
        journal.Text.Provision(c);
        db.Cases.Add(c);
        var calendar = clocks.Policies.CalendarFor(e.Jurisdiction);
        journal.Record(db, c, EntryKinds.System, "Complaint received", CaseJournal.System, "We have received your complaint.", isPublic: true, at: receivedAt,
            code: PublicCodes.CaseReceived);
        if (e.ImportedClosed)
        {
            // A historical record imported closed runs no clocks and goes to no queue.
            c.ClosedAt = receivedAt;
            journal.Record(db, c, EntryKinds.System, "Case closed", CaseJournal.System,
                c.SourceOutcome is null ? "This complaint was closed." : $"This complaint was closed: {c.SourceOutcome}.", isPublic: true, at: receivedAt,
                code: PublicCodes.CaseImportedClosed);
        }
        else
        {
            var assessed = triage.Explain(c, await texts.GetTextAsync(id, ct));
            c.Severity = (int)assessed.Severity;
            // Why, in the audit trail: the factors' points and the keyword groups that matched (never the words).
            journal.Record(db, c, EntryKinds.Severity, $"Severity assessed: {ProtoEnums.Name(assessed.Severity)}", CaseJournal.System,
                $"Points {assessed.Points}: category {assessed.CategoryPoints}, amount {assessed.AmountPoints}, complainant kind {assessed.ComplainantKindPoints}"
                + (assessed.KeywordGroups.Length > 0 ? $"; keyword groups: {string.Join(", ", assessed.KeywordGroups)}" : "") + ".", at: now);
            await clocks.StartAsync(db, c, ct);
            var opened = new Dictionary<string, string>();
            PublicCodes.AddDeadline(opened, PublicCodes.ResolveBy, c.ResolveBy, calendar);
            journal.Record(db, c, EntryKinds.System, "Case opened", CaseJournal.System,
                $"Your complaint is registered under {e.Reference}. We aim to resolve it by {DeadlineDates.Describe(c.ResolveBy, calendar)}.", isPublic: true, at: now,
                code: PublicCodes.CaseOpened, parameters: opened);
            // CaseOpened goes on the feed before CaseAssigned: consumers learn the case (its channel, its partner)
            // before its first assignment, or a partner would miss the first case.assigned webhook.
            await router.RouteAsync(db, c, now, ct, beforeRecord: () => journal.Append(db, c, Opened()));
        }
        if (e.ImportedClosed)
        {
            journal.Append(db, c, Opened());
        }
        logger.LogDebug("Case {Reference} opened", e.Reference);
        return;

        CaseOpened Opened() => new CaseOpened
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
            AcknowledgeBy = CaseJournal.Stamp(c.AcknowledgeBy),
            ResolveBy = CaseJournal.Stamp(c.ResolveBy),
            FirstResponseBy = CaseJournal.Stamp(c.FirstResponseBy),
            StatutoryAcknowledgeBy = CaseJournal.Stamp(c.StatutoryAcknowledgeBy),
            FinalResponseDue = CaseJournal.Stamp(c.FinalResponseDue),
            ResolveByDate = DeadlineDates.OrEmpty(c.ResolveBy, calendar),
            FirstResponseByDate = DeadlineDates.OrEmpty(c.FirstResponseBy, calendar),
            FinalResponseDueDate = DeadlineDates.OrEmpty(c.FinalResponseDue, calendar),
            ImportedClosed = e.ImportedClosed,
            Severity = (Severity)c.Severity,
            QueueId = c.QueueId ?? "",
        };
    }
}

/// <summary>Marks a case ACKNOWLEDGED when Notifications' feed shows the acknowledgement delivered; stops the acknowledgement clocks.</summary>
public sealed class AcknowledgeOnNotificationDelivered(CaseJournal journal, CaseClocks clocks, ILogger<AcknowledgeOnNotificationDelivered> logger)
    : FeedEventHandler<RoutingDbContext, NotificationDelivered>(Sources.Notifications)
{
    protected override async Task HandleAsync(NotificationDelivered e, EventEnvelope envelope, RoutingDbContext db, CancellationToken ct)
    {
        // NOT_APPLICABLE: an anonymous complaint (or one without an address) got its reference and timeline on
        // submission, which is its acknowledgement; without this its acknowledgement clocks would always breach.
        if (e.Kind != MessageKind.Acknowledgement || e.Status is not (DeliveryStatus.Delivered or DeliveryStatus.NotApplicable)
            || !Guid.TryParse(e.ComplaintId, out var id))
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
        await clocks.StopAsync(db, c, ClockKind.SlaAcknowledge, at, ct);
        await clocks.StopAsync(db, c, ClockKind.StatutoryAcknowledge, at, ct);
        var delivered = e.Status == DeliveryStatus.Delivered;
        var detail = delivered
            ? "We have sent you an acknowledgement with your reference and our timeline."
            : "Your reference and our timeline were given to you when you submitted your complaint.";
        var parameters = new Dictionary<string, string> { [PublicCodes.Via] = delivered ? "message" : "submission" };
        if (c.Status == (int)CaseStatus.Received)
        {
            journal.Transition(db, c, CaseStatus.Acknowledged, "acknowledge", CaseJournal.System, "Acknowledgement sent", detail, at: at,
                code: PublicCodes.CaseAcknowledged, parameters: parameters);
        }
        else
        {
            journal.Record(db, c, EntryKinds.System, "Acknowledgement sent", CaseJournal.System, detail, isPublic: true, at: at,
                code: PublicCodes.CaseAcknowledged, parameters: parameters);
        }
        journal.Append(db, c, new CaseAcknowledged
        {
            ComplaintId = e.ComplaintId,
            Reference = c.Reference,
            AcknowledgedAt = e.DeliveredAt,
            ReceivedAt = Timestamp.FromDateTimeOffset(c.ReceivedAt),
        });
        logger.LogDebug("Case {Reference} acknowledged", c.Reference);
    }
}
