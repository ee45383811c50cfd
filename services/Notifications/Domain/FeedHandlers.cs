using System.Text.Json;
using Complaints.Common.V1;
using Complaints.Eventing;
using Complaints.Eventing.V1;
using Complaints.Insights.V1;
using Complaints.Notifications.Data;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Data;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Notifications.Domain;

/// <summary>
/// Turns one feed event into the messages it owes: to the complainant (per enabled channel), to staff (the handler
/// and the queue's supervisors) and to the partner CRM that submitted the complaint.
/// Messages are queued in the consumer's transaction with ids derived from the event; the worker sends them.
/// </summary>
public abstract class NotifyingHandler<T>(string source, DeliveryWakeup wakeup, TimeProvider clock)
    : FeedEventHandler<NotificationsDbContext, T>(source)
    where T : Google.Protobuf.IMessage<T>, new()
{
    private bool _queued;

    protected DateTimeOffset Now => clock.GetUtcNow();

    public override void AfterCommit()
    {
        if (_queued)
        {
            wakeup.Signal.Notify();
        }
    }

    protected static async Task<CaseContext?> CaseAsync(NotificationsDbContext db, string complaintId, CancellationToken ct)
    {
        var id = Guid.Parse(complaintId);
        return db.Cases.Tracked().FirstOrDefault(c => c.ComplaintId == id) ?? await db.Cases.FirstOrDefaultAsync(c => c.ComplaintId == id, ct);
    }

    protected async Task ToComplainantAsync(NotificationsDbContext db, EventEnvelope envelope, string complaintId, string reference,
        string? language, MessageKind kind, MessageData data, CancellationToken ct)
    {
        var c = await CaseAsync(db, complaintId, ct);
        if (c is { HasContact: false })
        {
            // Anonymous: nobody to write to. The acknowledgement alone is still recorded (NOT_APPLICABLE at send
            // time, nothing sent): Routing counts that as acknowledged, else its acknowledgement clocks would breach.
            if (kind == MessageKind.Acknowledgement)
            {
                await QueueAsync(db, envelope, complaintId, reference, language ?? c.Language, kind, Audience.Complainant, DeliveryChannel.Email, null, data, ct);
            }
            return;
        }
        var id = Guid.Parse(complaintId);
        var pref = db.Preferences.Tracked().FirstOrDefault(p => p.ComplaintId == id) ?? await db.Preferences.AsNoTracking().FirstOrDefaultAsync(p => p.ComplaintId == id, ct);
        // Email is the default channel; SMS and push only when the complainant chose them. Opt-outs are applied at
        // send time, so a message queued before an opt-out still respects it.
        await QueueAsync(db, envelope, complaintId, reference, language ?? c?.Language, kind, Audience.Complainant, DeliveryChannel.Email, null, data, ct);
        if (pref?.Sms == true)
        {
            await QueueAsync(db, envelope, complaintId, reference, language ?? c?.Language, kind, Audience.Complainant, DeliveryChannel.Sms, null, data, ct);
        }
        if (pref?.Push == true)
        {
            await QueueAsync(db, envelope, complaintId, reference, language ?? c?.Language, kind, Audience.Complainant, DeliveryChannel.Push, null, data, ct);
        }
    }

    /// <summary>
    /// A staff alert to the case's handler (when it has one) and to every supervisor of its queue, so an
    /// unassigned case's alerts still reach someone. The queue is the event's, else the one last seen for the case.
    /// </summary>
    protected async Task ToStaffAsync(NotificationsDbContext db, EventEnvelope envelope, string complaintId, string reference,
        MessageKind kind, string? assigneeId, string? queueId, MessageData data, CancellationToken ct)
    {
        var queue = string.IsNullOrEmpty(queueId) ? (await CaseAsync(db, complaintId, ct))?.QueueId : queueId;
        if (!string.IsNullOrEmpty(queue))
        {
            data.Values["queueId"] = queue;
        }
        var handler = string.IsNullOrEmpty(assigneeId) ? null : assigneeId;
        if (handler is not null)
        {
            data.Values["assigneeId"] = handler;
            await QueueAsync(db, envelope, complaintId, reference, null, kind, Audience.Staff, DeliveryChannel.Email, handler, data, ct);
        }
        // The same alert, worded for a supervisor ("assigned to h1", "waits unassigned"); a supervisor who is
        // also the handler gets the handler's.
        data.Values["toSupervisor"] = "yes";
        foreach (var supervisor in (await SupervisorsAsync(db, queue, ct)).Where(s => s != handler).Distinct())
        {
            await QueueAsync(db, envelope, complaintId, reference, null, kind, Audience.Staff, DeliveryChannel.Email, supervisor, data, ct);
        }
    }

    private static async Task<string[]> SupervisorsAsync(NotificationsDbContext db, string? queueId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(queueId))
        {
            return [];
        }
        var row = db.QueueSupervisors.Tracked().FirstOrDefault(q => q.QueueId == queueId)
            ?? await db.QueueSupervisors.FirstOrDefaultAsync(q => q.QueueId == queueId, ct);
        return row?.Ids ?? [];
    }

    /// <summary>A case event for the partner CRM that submitted the complaint (known from CaseOpened's channel).</summary>
    protected async Task ToPartnerAsync(NotificationsDbContext db, EventEnvelope envelope, string complaintId, string reference,
        string eventType, DateTimeOffset occurredAt, MessageData data, CancellationToken ct)
    {
        if ((await CaseAsync(db, complaintId, ct))?.Channel != (int)Channel.PartnerApi)
        {
            return;
        }
        data.EventType = eventType;
        data.OccurredAt = occurredAt;
        await QueueAsync(db, envelope, complaintId, reference, null, MessageKind.PartnerEvent, Audience.Partner, DeliveryChannel.Webhook, null, data, ct);
    }

    protected async Task QueueAsync(NotificationsDbContext db, EventEnvelope envelope, string complaintId, string reference, string? language,
        MessageKind kind, Audience audience, DeliveryChannel channel, string? recipient, MessageData data, CancellationToken ct)
    {
        var id = MessageIds.From(envelope.EventId, kind, channel, recipient);
        if (db.Messages.Tracked().Any(m => m.Id == id) || await db.Messages.AnyAsync(m => m.Id == id, ct))
        {
            return;
        }
        var now = clock.GetUtcNow();
        db.Messages.Add(new Message
        {
            Id = id,
            ComplaintId = Guid.Parse(complaintId),
            Reference = reference,
            Kind = (int)kind,
            Audience = (int)audience,
            Recipient = recipient,
            Channel = (int)channel,
            Status = (int)DeliveryStatus.Pending,
            Language = language ?? string.Empty,
            TemplateData = JsonSerializer.Serialize(data),
            CreatedAt = now,
            NextAttemptAt = now,
            TraceParent = System.Diagnostics.Activity.Current?.Id,
            TraceState = System.Diagnostics.Activity.Current?.TraceStateString,
        });
        _queued = true;
    }

    protected static DateTimeOffset At(Timestamp? t, EventEnvelope e) => (t ?? e.OccurredAt)?.ToDateTimeOffset() ?? DateTimeOffset.UnixEpoch;

    /// <summary>
    /// When the event itself happened (received, closed, answered), else when it was recorded: the message still
    /// goes if a producer left the time out. Deadlines have no such fallback; templates show them only when present.
    /// </summary>
    protected static Timestamp? OrOccurred(Timestamp? t, EventEnvelope e) => t ?? e.OccurredAt;

    protected static MessageData Dates(params (string Name, Timestamp? At)[] dates)
    {
        var data = new MessageData();
        foreach (var (name, at) in dates)
        {
            if (at is not null)
            {
                data.Dates[name] = at.ToDateTimeOffset();
            }
        }
        return data;
    }

    /// <summary>Adds the days of date-valued deadlines (Routing's <c>*_date</c> fields; empty when the deadline is a time).</summary>
    protected static MessageData Days(MessageData data, params (string Name, string Date)[] days)
    {
        foreach (var (name, date) in days)
        {
            if (!string.IsNullOrEmpty(date))
            {
                data.Days[name] = date;
            }
        }
        return data;
    }

    protected static string ClockName(ClockKind clock) => clock switch
    {
        ClockKind.SlaAcknowledge => "acknowledge",
        ClockKind.SlaFirstResponse => "first response",
        ClockKind.SlaResolve => "resolve",
        ClockKind.StatutoryAcknowledge => "statutory acknowledge",
        ClockKind.StatutoryFinalResponse => "statutory final response",
        _ => "",
    };
}

public sealed class OnCaseOpened(DeliveryWakeup w, TimeProvider clock) : NotifyingHandler<CaseOpened>(Sources.Routing, w, clock)
{
    protected override async Task HandleAsync(CaseOpened e, EventEnvelope envelope, NotificationsDbContext db, CancellationToken ct)
    {
        var c = await CaseAsync(db, e.ComplaintId, ct);
        if (c is null)
        {
            c = new CaseContext { ComplaintId = Guid.Parse(e.ComplaintId), Reference = e.Reference, Language = e.PreferredLanguage };
            db.Cases.Add(c);
        }
        c.Channel = (int)e.Channel;
        c.Language = e.PreferredLanguage;
        c.HasContact = e.HasContact;
        c.Confidential = e.Confidential;
        if (e.QueueId.Length > 0)
        {
            c.QueueId = e.QueueId;
        }
        if (e.ImportedClosed)
        {
            // A historical record imported closed: nobody is waiting for an acknowledgement.
            return;
        }
        await ToComplainantAsync(db, envelope, e.ComplaintId, e.Reference, e.PreferredLanguage, MessageKind.Acknowledgement,
            Days(Dates(("receivedAt", OrOccurred(e.ReceivedAt, envelope)), ("acknowledgeBy", e.AcknowledgeBy), ("resolveBy", e.ResolveBy), ("finalResponseDue", e.FinalResponseDue)),
                ("resolveBy", e.ResolveByDate), ("finalResponseDue", e.FinalResponseDueDate)), ct);
        await ToPartnerAsync(db, envelope, e.ComplaintId, e.Reference, "case.opened", At(e.OpenedAt, envelope),
            Days(Dates(("resolveBy", e.ResolveBy), ("finalResponseDue", e.FinalResponseDue)), ("resolveBy", e.ResolveByDate), ("finalResponseDue", e.FinalResponseDueDate)), ct);
    }
}

public sealed class OnCaseAssigned(DeliveryWakeup w, TimeProvider clock) : NotifyingHandler<CaseAssigned>(Sources.Routing, w, clock)
{
    protected override async Task HandleAsync(CaseAssigned e, EventEnvelope envelope, NotificationsDbContext db, CancellationToken ct)
    {
        // Routing appends CaseOpened before a new case's first CaseAssigned; a feed written before that order
        // (or replayed from it) can still bring the assignment first.
        var c = await CaseAsync(db, e.ComplaintId, ct);
        if (c is null)
        {
            // Contact unknown until CaseOpened: assume one (delivery asks Intake anyway).
            c = new CaseContext { ComplaintId = Guid.Parse(e.ComplaintId), Reference = e.Reference, Language = "", HasContact = true };
            db.Cases.Add(c);
        }
        c.AssigneeId = string.IsNullOrEmpty(e.AssigneeId) ? null : e.AssigneeId;
        c.QueueId = e.QueueId;
        c.Confidential = e.Confidential;
        await LearnSupervisorsAsync(db, e.QueueId, e.SupervisorIds, Now, ct);
        // The complainant hears of the first handler only; a reassignment is internal.
        if (!string.IsNullOrEmpty(e.AssigneeId) && string.IsNullOrEmpty(e.PreviousAssigneeId))
        {
            await ToComplainantAsync(db, envelope, e.ComplaintId, e.Reference, null, MessageKind.Assignment, new MessageData(), ct);
            await ToPartnerAsync(db, envelope, e.ComplaintId, e.Reference, "case.assigned", At(e.At, envelope), new MessageData(), ct);
        }
        // The new handler, and the queue's supervisors (for an unassigned case: "waits unassigned").
        await ToStaffAsync(db, envelope, e.ComplaintId, e.Reference, MessageKind.StaffAssigned, e.AssigneeId, e.QueueId, new MessageData(), ct);
    }

    /// <summary>CaseAssigned and QueueUpdated carry the queue's supervisors as Routing's directory has them now: the latest wins.</summary>
    internal static async Task LearnSupervisorsAsync(NotificationsDbContext db, string queueId, IEnumerable<string> supervisorIds, DateTimeOffset now, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(queueId))
        {
            return;
        }
        var row = db.QueueSupervisors.Tracked().FirstOrDefault(q => q.QueueId == queueId)
            ?? await db.QueueSupervisors.FirstOrDefaultAsync(q => q.QueueId == queueId, ct);
        if (row is null)
        {
            row = new QueueSupervisors { QueueId = queueId };
            db.QueueSupervisors.Add(row);
        }
        row.SupervisorIds = string.Join(',', supervisorIds.Where(s => s.Length > 0).Distinct());
        row.UpdatedAt = now;
    }
}

/// <summary>A queue's supervisors changed in the directory: its staff alerts and its confidential cases' circle follow.</summary>
public sealed class OnQueueUpdated(TimeProvider clock) : FeedEventHandler<NotificationsDbContext, QueueUpdated>(Sources.Routing)
{
    protected override Task HandleAsync(QueueUpdated e, EventEnvelope envelope, NotificationsDbContext db, CancellationToken ct) =>
        OnCaseAssigned.LearnSupervisorsAsync(db, e.QueueId, e.SupervisorIds, clock.GetUtcNow(), ct);
}

public sealed class OnPublicUpdatePosted(DeliveryWakeup w, TimeProvider clock) : NotifyingHandler<PublicUpdatePosted>(Sources.Routing, w, clock)
{
    protected override async Task HandleAsync(PublicUpdatePosted e, EventEnvelope envelope, NotificationsDbContext db, CancellationToken ct)
    {
        var data = Dates(("at", OrOccurred(e.At, envelope)));
        data.EntryId = e.EntryId;
        await ToComplainantAsync(db, envelope, e.ComplaintId, e.Reference, null, MessageKind.PublicUpdate, data, ct);
        await ToPartnerAsync(db, envelope, e.ComplaintId, e.Reference, "case.public_update", At(e.At, envelope), new MessageData { EntryId = e.EntryId }, ct);
    }
}

public sealed class OnInformationRequested(DeliveryWakeup w, TimeProvider clock) : NotifyingHandler<InformationRequested>(Sources.Routing, w, clock)
{
    protected override async Task HandleAsync(InformationRequested e, EventEnvelope envelope, NotificationsDbContext db, CancellationToken ct)
    {
        // Each recipient gets its own data: the partner's is given an event type and time.
        MessageData Due()
        {
            var data = Days(Dates(("dueBy", e.DueBy)), ("dueBy", e.DueByDate));
            data.EntryId = e.EntryId;
            return data;
        }
        await ToComplainantAsync(db, envelope, e.ComplaintId, e.Reference, null, MessageKind.InformationRequest, Due(), ct);
        await ToPartnerAsync(db, envelope, e.ComplaintId, e.Reference, "case.information_requested", At(e.At, envelope), Due(), ct);
    }
}

public sealed class OnStatutoryDeadlineExtended(DeliveryWakeup w, TimeProvider clock) : NotifyingHandler<StatutoryDeadlineExtended>(Sources.Routing, w, clock)
{
    protected override async Task HandleAsync(StatutoryDeadlineExtended e, EventEnvelope envelope, NotificationsDbContext db, CancellationToken ct)
    {
        MessageData Deadlines() => Days(Dates(("previousDue", e.PreviousDue), ("finalResponseDue", e.FinalResponseDue)),
            ("previousDue", e.PreviousDueDate), ("finalResponseDue", e.FinalResponseDueDate));
        var data = Deadlines();
        data.LatestPublicEntry = true;
        await ToComplainantAsync(db, envelope, e.ComplaintId, e.Reference, null, MessageKind.HoldingReply, data, ct);
        await ToPartnerAsync(db, envelope, e.ComplaintId, e.Reference, "case.deadline_extended", At(e.At, envelope), Deadlines(), ct);
    }
}

public sealed class OnFinalResponseSent(DeliveryWakeup w, TimeProvider clock) : NotifyingHandler<FinalResponseSent>(Sources.Routing, w, clock)
{
    protected override async Task HandleAsync(FinalResponseSent e, EventEnvelope envelope, NotificationsDbContext db, CancellationToken ct)
    {
        var data = new MessageData { EntryId = e.EntryId };
        if (e.Remedy?.Refund is { Amount.Length: > 0 } refund)
        {
            data.Amounts["refund"] = new MoneyValue(refund.Amount, refund.Currency);
        }
        if (e.Remedy?.Compensation is { Amount.Length: > 0 } compensation)
        {
            data.Amounts["compensation"] = new MoneyValue(compensation.Amount, compensation.Currency);
        }
        await ToComplainantAsync(db, envelope, e.ComplaintId, e.Reference, null, MessageKind.FinalResponse, data, ct);
        await ToPartnerAsync(db, envelope, e.ComplaintId, e.Reference, "case.final_response", At(e.At, envelope),
            new MessageData { EntryId = e.EntryId, Amounts = new(data.Amounts) }, ct);
    }
}

public sealed class OnCaseClosed(DeliveryWakeup w, TimeProvider clock) : NotifyingHandler<CaseClosed>(Sources.Routing, w, clock)
{
    protected override async Task HandleAsync(CaseClosed e, EventEnvelope envelope, NotificationsDbContext db, CancellationToken ct)
    {
        await ToComplainantAsync(db, envelope, e.ComplaintId, e.Reference, null, MessageKind.CaseClosed, Dates(("closedAt", OrOccurred(e.ClosedAt, envelope))), ct);
        var partner = new MessageData();
        if (e.Withdrawn)
        {
            partner.Values["withdrawn"] = "true";
        }
        await ToPartnerAsync(db, envelope, e.ComplaintId, e.Reference, "case.closed", At(e.ClosedAt, envelope), partner, ct);
    }
}

public sealed class OnCaseReopened(DeliveryWakeup w, TimeProvider clock) : NotifyingHandler<CaseReopened>(Sources.Routing, w, clock)
{
    protected override async Task HandleAsync(CaseReopened e, EventEnvelope envelope, NotificationsDbContext db, CancellationToken ct)
    {
        MessageData ResolveBy() => Days(Dates(("resolveBy", e.ResolveBy)), ("resolveBy", e.ResolveByDate));
        await ToComplainantAsync(db, envelope, e.ComplaintId, e.Reference, null, MessageKind.Reopened, ResolveBy(), ct);
        await ToPartnerAsync(db, envelope, e.ComplaintId, e.Reference, "case.reopened", At(e.At, envelope), ResolveBy(), ct);
    }
}

public sealed class OnComplainantResponded(DeliveryWakeup w, TimeProvider clock) : NotifyingHandler<ComplainantResponded>(Sources.Routing, w, clock)
{
    protected override Task HandleAsync(ComplainantResponded e, EventEnvelope envelope, NotificationsDbContext db, CancellationToken ct)
    {
        var data = Dates(("at", OrOccurred(e.At, envelope)));
        data.Values["responseKind"] = e.Kind;
        data.Values["attachmentCount"] = e.AttachmentCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ToStaffAsync(db, envelope, e.ComplaintId, e.Reference, MessageKind.StaffAnswerReceived, e.AssigneeId, null, data, ct);
    }
}

public sealed class OnReopenRequested(DeliveryWakeup w, TimeProvider clock) : NotifyingHandler<ReopenRequested>(Sources.Routing, w, clock)
{
    protected override Task HandleAsync(ReopenRequested e, EventEnvelope envelope, NotificationsDbContext db, CancellationToken ct)
    {
        var data = Dates(("at", OrOccurred(e.At, envelope)));
        data.Values["responseKind"] = "reopen_request";
        data.Values["attachmentCount"] = "0";
        return ToStaffAsync(db, envelope, e.ComplaintId, e.Reference, MessageKind.StaffAnswerReceived, e.AssigneeId, null, data, ct);
    }
}

public sealed class OnClockWarning(DeliveryWakeup w, TimeProvider clock) : NotifyingHandler<ClockWarning>(Sources.Routing, w, clock)
{
    protected override Task HandleAsync(ClockWarning e, EventEnvelope envelope, NotificationsDbContext db, CancellationToken ct)
    {
        var data = Dates(("dueAt", e.DueAt));
        data.Values["clock"] = ClockName(e.Clock);
        data.Values["percent"] = e.Percent.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ToStaffAsync(db, envelope, e.ComplaintId, e.Reference, MessageKind.StaffSlaWarning, e.AssigneeId, e.QueueId, data, ct);
    }
}

public sealed class OnClockBreached(DeliveryWakeup w, TimeProvider clock) : NotifyingHandler<ClockBreached>(Sources.Routing, w, clock)
{
    protected override Task HandleAsync(ClockBreached e, EventEnvelope envelope, NotificationsDbContext db, CancellationToken ct)
    {
        var data = Dates(("dueAt", e.DueAt));
        data.Values["clock"] = ClockName(e.Clock);
        return ToStaffAsync(db, envelope, e.ComplaintId, e.Reference, MessageKind.StaffSlaBreach, e.AssigneeId, e.QueueId, data, ct);
    }
}

public sealed class OnCaseEscalated(DeliveryWakeup w, TimeProvider clock) : NotifyingHandler<CaseEscalated>(Sources.Routing, w, clock)
{
    protected override Task HandleAsync(CaseEscalated e, EventEnvelope envelope, NotificationsDbContext db, CancellationToken ct)
    {
        var data = new MessageData();
        data.Values["tier"] = e.Tier.ToString(System.Globalization.CultureInfo.InvariantCulture);
        data.Values["clock"] = ClockName(e.Clock);
        return ToStaffAsync(db, envelope, e.ComplaintId, e.Reference, MessageKind.StaffEscalation, e.AssigneeId, e.QueueId, data, ct);
    }
}

public sealed class OnSurveyRequested(DeliveryWakeup w, TimeProvider clock) : NotifyingHandler<SurveyRequested>(Sources.Insights, w, clock)
{
    protected override Task HandleAsync(SurveyRequested e, EventEnvelope envelope, NotificationsDbContext db, CancellationToken ct)
    {
        var data = Dates(("expiresAt", e.ExpiresAt));
        data.SurveyId = e.SurveyId;
        return ToComplainantAsync(db, envelope, e.ComplaintId, e.Reference, e.Language, MessageKind.SurveyInvitation, data, ct);
    }
}

/// <summary>
/// A new tracking token a complainant asked for: one message, on the channel of the address that matched (email or SMS),
/// whatever the channel preferences. It carries only the grant's id; the token and the address are Intake's, asked for
/// at send time.
/// </summary>
public sealed class OnTrackingAccessGranted(DeliveryWakeup w, TimeProvider clock, ILogger<OnTrackingAccessGranted> logger)
    : NotifyingHandler<Complaints.Intake.V1.TrackingAccessGranted>(Sources.Intake, w, clock)
{
    protected override async Task HandleAsync(Complaints.Intake.V1.TrackingAccessGranted e, EventEnvelope envelope, NotificationsDbContext db, CancellationToken ct)
    {
        if (e.Channel is not (DeliveryChannel.Email or DeliveryChannel.Sms) || e.GrantId.Length == 0)
        {
            logger.LogWarning("TrackingAccessGranted {EventId} names channel {Channel}: only email and SMS carry a tracking token; nothing queued",
                envelope.EventId, e.Channel);
            return;
        }
        var language = (await CaseAsync(db, e.ComplaintId, ct))?.Language;
        await QueueAsync(db, envelope, e.ComplaintId, e.Reference, language, MessageKind.TrackingAccess, Audience.Complainant, e.Channel, null,
            new MessageData { GrantId = e.GrantId }, ct);
    }
}

/// <summary>
/// Staff responded to a suggestion whose submitter left an address with Intake: one email saying the response is ready
/// on the portal, asked for, so whatever any preferences say. It carries the contact's id only; the address is Intake's,
/// asked for at send time, and neither the response nor the access code is ever in it.
/// </summary>
public sealed class OnSuggestionResponded(DeliveryWakeup w, TimeProvider clock, ILogger<OnSuggestionResponded> logger)
    : NotifyingHandler<SuggestionResponded>(Sources.Insights, w, clock)
{
    protected override Task HandleAsync(SuggestionResponded e, EventEnvelope envelope, NotificationsDbContext db, CancellationToken ct)
    {
        if (e.ContactId.Length == 0 || !Guid.TryParse(e.SuggestionId, out _))
        {
            logger.LogWarning("SuggestionResponded {EventId} has no contact or no suggestion id; nothing queued", envelope.EventId);
            return Task.CompletedTask;
        }
        return QueueAsync(db, envelope, e.SuggestionId, e.Reference, e.Language, MessageKind.SuggestionResponse, Audience.Submitter, DeliveryChannel.Email, null,
            new MessageData { SuggestionContactId = e.ContactId }, ct);
    }
}

/// <summary>
/// Erasure (GDPR Art. 17): rendered subjects can hold staff-written words about the complainant, so they go;
/// pending complainant messages are dropped as NOT_APPLICABLE (Intake no longer has an address) and the
/// preferences row is removed. Each message is marked erased with its version raised, so a send running now
/// cannot write its subject back and a dead letter cannot be replayed. Ids, kinds, channels, statuses and
/// times stay for the statistics.
/// </summary>
public sealed class OnComplainantErased(DeliveryWakeup w, TimeProvider clock) : NotifyingHandler<Complaints.Intake.V1.ComplainantErased>(Sources.Intake, w, clock)
{
    protected override async Task HandleAsync(Complaints.Intake.V1.ComplainantErased e, EventEnvelope envelope, NotificationsDbContext db, CancellationToken ct)
    {
        var id = Guid.Parse(e.ComplaintId);
        var stored = await db.Messages.Where(m => m.ComplaintId == id).ToListAsync(ct);
        // Also those queued earlier in the same batch, not saved yet.
        foreach (var m in stored.Union(db.Messages.Tracked().Where(m => m.ComplaintId == id)))
        {
            m.Subject = null;
            m.Erased = true;
            m.Version++;
            if (m.Status == (int)DeliveryStatus.Pending && m.Audience == (int)Audience.Complainant && m.Kind != (int)MessageKind.Acknowledgement)
            {
                m.Status = (int)DeliveryStatus.NotApplicable;
            }
        }
        db.Preferences.RemoveRange(await db.Preferences.Where(p => p.ComplaintId == id).ToListAsync(ct));
    }
}
