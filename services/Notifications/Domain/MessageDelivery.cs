using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Complaints.Common.V1;
using Complaints.Eventing;
using Complaints.Insights.V1;
using Complaints.Intake.V1;
using Complaints.Notifications.Data;
using Complaints.Notifications.V1;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Complaints.Notifications.Domain;

/// <summary>
/// Sends one due message: finds the recipient at send time (Intake for complainants and partners, Routing for
/// staff), renders it in the recipient's language and time zone, hands it to the channel, then records the
/// attempt and appends NotificationDelivered. A failure schedules a retry with exponential backoff and jitter;
/// after MaxAttempts the message is a dead letter until staff replay it. Nothing is lost.
/// </summary>
public sealed class MessageDelivery(
    NotificationsDbContext db,
    ContactService.ContactServiceClient contacts,
    CaseViewService.CaseViewServiceClient cases,
    StaffContactService.StaffContactServiceClient staff,
    SurveyLinkService.SurveyLinkServiceClient surveys,
    TemplateStore templates,
    IEnumerable<IMessageChannel> channels,
    WebhookSender webhooks,
    PartnerWebhooks partnerWebhooks,
    Preferences preferences,
    IOptions<NotificationOptions> options,
    TimeProvider clock,
    ILogger<MessageDelivery> logger)
{
    /// <summary>Routing's code of the "we need more time" entry (docs/routing.md), whose text is the handler's reason.</summary>
    private const string HoldingReplyCode = "deadline.extended";

    public static readonly ActivitySource ActivitySource = new(Telemetry.SourcePrefix + "Notifications");

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The earliest due messages of one channel, leaving out those this process is sending already.</summary>
    public async Task<IReadOnlyList<(Guid Id, DeliveryChannel Channel)>> DueAsync(IReadOnlyCollection<DeliveryChannel> channels, int max,
        IReadOnlyCollection<Guid> sending, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var ids = channels.Select(c => (int)c).ToList();
        return (await db.Messages.AsNoTracking()
                .Where(m => m.Status == (int)DeliveryStatus.Pending && ids.Contains(m.Channel) && m.NextAttemptAt <= now && !sending.Contains(m.Id))
                .OrderBy(m => m.NextAttemptAt)
                .Select(m => new { m.Id, m.Channel })
                .Take(max)
                .ToListAsync(ct))
            .Select(m => (m.Id, (DeliveryChannel)m.Channel))
            .ToList();
    }

    /// <summary>When the next pending message of these channels falls due (not counting those being sent), so the worker sleeps exactly until then.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(IReadOnlyCollection<DeliveryChannel> channels, IReadOnlyCollection<Guid> sending, CancellationToken ct)
    {
        var ids = channels.Select(c => (int)c).ToList();
        return (await db.Messages.AsNoTracking()
            .Where(m => m.Status == (int)DeliveryStatus.Pending && ids.Contains(m.Channel) && !sending.Contains(m.Id))
            .OrderBy(m => m.NextAttemptAt).Select(m => new { m.NextAttemptAt }).FirstOrDefaultAsync(ct))?.NextAttemptAt;
    }

    /// <summary>What one send came to, recorded after it whatever happens to the host meanwhile.</summary>
    private sealed record Outcome(DeliveryStatus? Status, RenderedMessage? Rendered, string? Error, bool DeadNow);

    public async Task DeliverAsync(Guid messageId, CancellationToken ct)
    {
        // Claim first, in one conditional UPDATE: of two workers (replicas) that picked the same due message, one
        // moves its next-attempt time into the future and sends; the other updates nothing and leaves it.
        var o = options.Value;
        var claimedAt = clock.GetUtcNow();
        var claimed = await db.Messages
            .Where(m => m.Id == messageId && m.Status == (int)DeliveryStatus.Pending && m.NextAttemptAt <= claimedAt)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.NextAttemptAt, claimedAt + o.ClaimFor), ct);
        if (claimed == 0)
        {
            return;
        }
        var message = await db.Messages.FirstAsync(m => m.Id == messageId, ct);
        var kind = (MessageKind)message.Kind;
        using var activity = ActivitySource.StartLinkedActivity("deliver " + kind.ToString().ToLowerInvariant(),
            ActivityKind.Producer, message.TraceParent, message.TraceState);
        activity?.SetTag("complaints.message.id", message.Id.ToString());
        activity?.SetTag("complaints.message.kind", kind.ToString());
        activity?.SetTag("complaints.message.channel", ((DeliveryChannel)message.Channel).ToString());
        var now = clock.GetUtcNow();
        Outcome outcome;
        // Bounded well inside the claim: a send still running when the claim expires would be sent again by another worker.
        using (var timeout = new CancellationTokenSource(o.EffectiveSendTimeout, clock))
        using (var send = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token))
        {
            try
            {
                var (status, rendered) = (Audience)message.Audience switch
                {
                    Audience.Staff => await ToStaffAsync(message, send.Token),
                    Audience.Partner => await ToPartnerAsync(message, send.Token),
                    Audience.Submitter => await ToSubmitterAsync(message, send.Token),
                    _ => await ToComplainantAsync(message, send.Token),
                };
                outcome = new Outcome(status, rendered, null, false);
                activity?.SetTag("complaints.delivery.status", status.ToString());
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // Only the error's kind is kept: provider messages can echo addresses.
                var error = ex switch
                {
                    OperationCanceledException when timeout.IsCancellationRequested => "Timeout",
                    RpcException { StatusCode: StatusCode.Cancelled } when timeout.IsCancellationRequested => "Timeout",
                    RpcException rpc => $"RpcException {rpc.StatusCode}",
                    WebhookRejectedException w => $"HTTP {w.Status}",
                    _ => ex.GetType().Name,
                };
                // A template that cannot be rendered will not render on a retry either: dead-letter it at once for staff.
                outcome = new Outcome(null, null, error, ex is MissingPlaceholderException);
                activity?.SetStatus(ActivityStatusCode.Error, error);
            }
        }
        // The provider has the message (or refused it): record that even if the host is stopping now, or the
        // message would be sent again when its claim expires.
        await RecordAsync(message, outcome, now);
    }

    /// <summary>
    /// Records the attempt and its outcome. The row's version guards it: when erasure (or a replay) changed the
    /// message while it was being sent, the stored row is read again and the outcome applied to it, so an
    /// erased message never gets its subject back.
    /// </summary>
    private async Task RecordAsync(Message message, Outcome outcome, DateTimeOffset at)
    {
        var settledAt = clock.GetUtcNow();
        db.Attempts.Add(new DeliveryAttempt { MessageId = message.Id, At = at, Succeeded = outcome.Error is null, Error = outcome.Error });
        if (outcome.Status is { } status)
        {
            Announce(message, status, settledAt, outcome.Rendered?.Language ?? message.RenderedLanguage ?? message.Language);
        }
        for (var tries = 1; ; tries++)
        {
            Apply(message, outcome, at, settledAt);
            try
            {
                await db.SaveChangesAsync(CancellationToken.None);
                break;
            }
            catch (DbUpdateConcurrencyException) when (tries < 5)
            {
                await db.Entry(message).ReloadAsync(CancellationToken.None);
            }
        }
        if (outcome.Error is null)
        {
            return;
        }
        if (message.Status == (int)DeliveryStatus.Failed)
        {
            logger.LogError("Message {MessageId} failed after {Attempts} attempts ({Error}); dead-lettered", message.Id, message.Attempts, outcome.Error);
        }
        else
        {
            logger.LogWarning("Message {MessageId} attempt {Attempts} failed ({Error}); retrying at {NextAttempt}", message.Id, message.Attempts, outcome.Error, message.NextAttemptAt);
        }
    }

    private void Apply(Message message, Outcome outcome, DateTimeOffset at, DateTimeOffset settledAt)
    {
        message.Attempts++;
        message.Version++;
        if (outcome.Status is { } status)
        {
            message.RenderedLanguage = outcome.Rendered?.Language ?? message.RenderedLanguage;
            if (outcome.Rendered is { } rendered && !message.Erased)
            {
                message.Subject = rendered.Subject.Length > 400 ? rendered.Subject[..400] : rendered.Subject;
            }
            // Sent is sent, even when erasure dropped the message meanwhile: the record says what happened.
            message.Status = (int)status;
            message.DeliveredAt = settledAt;
            message.LastError = null;
            return;
        }
        message.LastError = outcome.Error;
        if (message.Status != (int)DeliveryStatus.Pending)
        {
            // Erasure dropped it while it was being sent: it stays dropped.
            return;
        }
        if (outcome.DeadNow || GivesUp(message.Attempts, at - message.CreatedAt, options.Value))
        {
            // A dead letter: listed for staff, who can replay it once the cause is fixed.
            message.Status = (int)DeliveryStatus.Failed;
            message.DeliveredAt = at;
        }
        else
        {
            message.NextAttemptAt = at + Backoff(message.Attempts, options.Value);
        }
    }

    /// <summary>Dead letter after <see cref="NotificationOptions.MaxAttempts"/> attempts and <see cref="NotificationOptions.GiveUpAfter"/> since queued.</summary>
    public static bool GivesUp(int attempts, TimeSpan age, NotificationOptions options) =>
        attempts >= options.MaxAttempts && age >= options.GiveUpAfter;

    private async Task<(DeliveryStatus, RenderedMessage?)> ToComplainantAsync(Message message, CancellationToken ct)
    {
        var kind = (MessageKind)message.Kind;
        var channel = (DeliveryChannel)message.Channel;
        var contact = await Contact(message, ct);
        if (!contact.HasContact)
        {
            return (DeliveryStatus.NotApplicable, null);
        }
        var info = TemplateKinds.Of(kind);
        var statutory = info.Statutory;
        // What was asked for goes whatever the choices say: no need to read them.
        if (!info.OnRequest && !Preferences.Sends(info, channel, await preferences.ForAsync(message.ComplaintId, ct)))
        {
            return (DeliveryStatus.Suppressed, null);
        }
        var data = Data(message);
        var address = channel switch
        {
            DeliveryChannel.Email => contact.Email,
            DeliveryChannel.Sms => contact.Phone,
            // Push goes to the complaint's topic, which the complainant's app subscribed to with the tracking token.
            DeliveryChannel.Push => message.ComplaintId.ToString(),
            _ => "",
        };
        string? token = null;
        if (data.GrantId is { } grantId)
        {
            // A new tracking token goes to the address that matched the request, as Intake says now; never stored here.
            var access = await contacts.GetTrackingAccessTokenAsync(new GetTrackingAccessTokenRequest
            {
                ComplaintId = message.ComplaintId.ToString(),
                GrantId = grantId,
                MessageId = message.Id.ToString(),
            }, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: ct);
            (address, token) = access.Token.Length > 0 && access.Channel == channel ? (access.Address, access.Token) : ("", null);
        }
        if (string.IsNullOrEmpty(address))
        {
            return (DeliveryStatus.NotApplicable, null);
        }
        var template = info.Name;
        var requested = contact.PreferredLanguage is { Length: > 0 } l ? l : message.Language;
        // Values are formatted for the language the template is actually in, after any fallback.
        var language = templates.LanguageFor(template, requested, options.Value.DefaultLanguage);
        var culture = TemplateStore.CultureFor(requested, language);
        var zone = Formatting.Zone(contact.TimeZone);
        var values = Values(data, culture, zone);
        values["reference"] = message.Reference;
        values["name"] = contact.Name;
        values["followUrl"] = PortalLinks.Follow(options.Value.PublicBaseUrl, message.Reference);
        if (token is not null)
        {
            // In the body only (the template check keeps it out of the subject); the follow link carries the reference alone.
            values["token"] = token;
        }
        // What may be stopped links to the portal's preferences page; mail clients get the one-click address. What was
        // owed or asked for has neither.
        var stoppable = !statutory && !info.OnRequest;
        var unsubscribe = stoppable ? preferences.OneClickUrl(message.ComplaintId) : null;
        if (stoppable)
        {
            values["unsubscribeUrl"] = preferences.PageUrl(message.ComplaintId);
        }
        await AddFetchedAsync(message, data, values, culture, zone, ct);
        var rendered = await SendAsync(message, channel, address, contact.Name, language, template, values, unsubscribe, ct);
        return (DeliveryStatus.Delivered, rendered);
    }

    /// <summary>
    /// A suggestion's submitter: the address Intake keeps for the contact, asked for now and for this message (whose
    /// delivery makes Intake forget it). Nothing to send to (forgotten, erased, unknown): not applicable.
    /// </summary>
    private async Task<(DeliveryStatus, RenderedMessage?)> ToSubmitterAsync(Message message, CancellationToken ct)
    {
        var info = TemplateKinds.Of((MessageKind)message.Kind);
        if (Data(message).SuggestionContactId is not { Length: > 0 } contactId || (DeliveryChannel)message.Channel != DeliveryChannel.Email)
        {
            return (DeliveryStatus.NotApplicable, null);
        }
        var contact = await contacts.GetSuggestionContactForDeliveryAsync(new GetSuggestionContactForDeliveryRequest
        {
            ContactId = contactId,
            MessageId = message.Id.ToString(),
        }, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: ct);
        if (contact.Email.Length == 0)
        {
            return (DeliveryStatus.NotApplicable, null);
        }
        var requested = message.Language is { Length: > 0 } l ? l : contact.Language;
        var language = templates.LanguageFor(info.Name, requested, options.Value.DefaultLanguage);
        var values = new Dictionary<string, string>
        {
            ["reference"] = message.Reference,
            ["viewUrl"] = PortalLinks.SuggestionView(options.Value.PublicBaseUrl, message.Reference),
        };
        return (DeliveryStatus.Delivered, await SendAsync(message, DeliveryChannel.Email, contact.Email, null, language, info.Name, values, null, ct));
    }

    private async Task<(DeliveryStatus, RenderedMessage?)> ToStaffAsync(Message message, CancellationToken ct)
    {
        var address = (await staff.GetStaffContactAsync(new GetStaffContactRequest { AgentId = message.Recipient ?? "" },
            deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: ct)).Email;
        if (string.IsNullOrEmpty(address))
        {
            return (DeliveryStatus.NotApplicable, null);
        }
        var o = options.Value;
        var template = TemplateKinds.Of((MessageKind)message.Kind).Name;
        var requested = o.StaffLanguage is { Length: > 0 } s ? s : o.DefaultLanguage;
        var language = templates.LanguageFor(template, requested, o.DefaultLanguage);
        var values = Values(Data(message), TemplateStore.CultureFor(requested, language), Formatting.Zone(o.StaffTimeZone));
        values["reference"] = message.Reference;
        return (DeliveryStatus.Delivered, await SendAsync(message, DeliveryChannel.Email, address, null, language, template, values, null, ct));
    }

    private async Task<(DeliveryStatus, RenderedMessage?)> ToPartnerAsync(Message message, CancellationToken ct)
    {
        var contact = await Contact(message, ct);
        var target = await partnerWebhooks.ForDeliveryAsync(db, contact.PartnerId, ct);
        if (target.State != WebhookTargetState.Active)
        {
            // No address: nothing to send to. Disabled (here, or the partner client in Identity): not sent.
            return (target.State == WebhookTargetState.Disabled ? DeliveryStatus.Suppressed : DeliveryStatus.NotApplicable, null);
        }
        var data = Data(message);
        var payload = new Dictionary<string, object?>
        {
            ["id"] = message.Id,
            ["type"] = data.EventType,
            ["occurredAt"] = data.OccurredAt,
            ["complaintId"] = message.ComplaintId,
            ["reference"] = message.Reference,
        };
        foreach (var (key, at) in data.Dates)
        {
            payload[key] = at;
        }
        foreach (var (key, day) in data.Days)
        {
            payload[key + "Date"] = day;
        }
        foreach (var (key, money) in data.Amounts)
        {
            payload[key] = new { amount = money.Amount, currency = money.Currency };
        }
        foreach (var (key, value) in data.Values)
        {
            payload[key] = value;
        }
        if (data.EntryId is { } entryId)
        {
            // The partner submitted the complaint: it gets the words the complainant gets.
            var entry = await cases.GetPublicEntryAsync(new GetPublicEntryRequest { ComplaintId = message.ComplaintId.ToString(), EntryId = entryId },
                deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: ct);
            payload["entry"] = new { id = entryId, title = entry.Title, text = entry.Detail, at = entry.At?.ToDateTimeOffset() };
        }
        await webhooks.SendAsync(target, message.Id, JsonSerializer.Serialize(payload, Json), clock.GetUtcNow(), ct);
        return (DeliveryStatus.Delivered, null);
    }

    private async Task<RenderedMessage> SendAsync(Message message, DeliveryChannel channel, string address, string? name, string language, string template,
        Dictionary<string, string> values, string? unsubscribe, CancellationToken ct)
    {
        var rendered = templates.Render(template, language, options.Value.DefaultLanguage, values);
        var sender = channels.FirstOrDefault(c => c.Channel == channel)
            ?? throw new InvalidOperationException($"No {channel} channel is registered.");
        await sender.SendAsync(new OutgoingMessage(message.Id, channel, address, name, rendered.Subject, rendered.Text, rendered.Html, unsubscribe), ct);
        return rendered;
    }

    private Task<GetContactForDeliveryResponse> Contact(Message message, CancellationToken ct) =>
        contacts.GetContactForDeliveryAsync(new GetContactForDeliveryRequest { ComplaintId = message.ComplaintId.ToString() },
            // A network deadline is wall-clock time, not the domain clock.
            deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: ct).ResponseAsync;

    /// <summary>The words held elsewhere: a public entry's text (Routing), the survey link (Insights).</summary>
    private async Task AddFetchedAsync(Message message, MessageData data, Dictionary<string, string> values, CultureInfo culture, TimeZoneInfo zone, CancellationToken ct)
    {
        var complaintId = message.ComplaintId.ToString();
        if (data.EntryId is { } entryId)
        {
            var entry = await cases.GetPublicEntryAsync(new GetPublicEntryRequest { ComplaintId = complaintId, EntryId = entryId },
                deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: ct);
            values["detail"] = entry.Detail;
        }
        if (data.LatestPublicEntry)
        {
            var view = await cases.GetPublicCaseViewAsync(new GetPublicCaseViewRequest { ComplaintId = complaintId },
                deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: ct);
            // The handler's reason for the delay, as written (the template says the rest in the message's language);
            // before Routing gave codes, the latest entry's English title and detail.
            values["detail"] = view.Timeline.LastOrDefault(t => t.Code == HoldingReplyCode) is { Text.Length: > 0 } extended
                ? extended.Text
                : view.Timeline.LastOrDefault() is { } last ? string.Join("\n", new[] { last.Title, last.Detail }.Where(s => s.Length > 0)) : "";
        }
        if (data.SurveyId is { } surveyId)
        {
            var link = await surveys.GetSurveyLinkAsync(new GetSurveyLinkRequest { SurveyId = surveyId },
                deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: ct);
            values["surveyUrl"] = link.Url;
            if (link.ExpiresAt is not null)
            {
                values["expiresAt"] = Formatting.Date(link.ExpiresAt.ToDateTimeOffset(), culture, zone);
            }
        }
    }

    private static MessageData Data(Message message) => JsonSerializer.Deserialize<MessageData>(message.TemplateData) ?? new MessageData();

    public static Dictionary<string, string> Values(MessageData data, CultureInfo culture, TimeZoneInfo zone)
    {
        var values = new Dictionary<string, string>(data.Values);
        foreach (var (key, at) in data.Dates)
        {
            values[key] = Formatting.Date(at, culture, zone);
        }
        // A date-valued deadline is that day, not the midnight after it in the reader's zone.
        foreach (var (key, day) in data.Days)
        {
            if (DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                values[key] = Formatting.Day(date, culture);
            }
        }
        foreach (var (key, money) in data.Amounts)
        {
            values[key] = Formatting.Money(money, culture);
        }
        return values;
    }

    private void Announce(Message message, DeliveryStatus status, DateTimeOffset at, string language)
    {
        db.AppendEvent(new NotificationDelivered
        {
            MessageId = message.Id.ToString(),
            ComplaintId = message.ComplaintId.ToString(),
            Kind = (MessageKind)message.Kind,
            Channel = (DeliveryChannel)message.Channel,
            Status = status,
            DeliveredAt = Timestamp.FromDateTimeOffset(at),
            Language = language,
        }, message.ComplaintId.ToString(), clock);
    }

    /// <summary>Base * 2^(n-1), capped, with up to 25 % jitter so retries of many messages do not march in step.</summary>
    public static TimeSpan Backoff(int attempt, NotificationOptions o)
    {
        var delay = Math.Min(o.RetryMaxDelay.TotalMilliseconds, o.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30)));
        return TimeSpan.FromMilliseconds(delay * (1 + Random.Shared.NextDouble() * 0.25));
    }
}
