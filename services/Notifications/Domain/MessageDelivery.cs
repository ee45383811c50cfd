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
    Preferences preferences,
    IOptions<NotificationOptions> options,
    TimeProvider clock,
    ILogger<MessageDelivery> logger)
{
    public static readonly ActivitySource ActivitySource = new(Telemetry.SourcePrefix + "Notifications");

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<IReadOnlyList<Guid>> DueAsync(int max, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return await db.Messages.AsNoTracking()
            .Where(m => m.Status == (int)DeliveryStatus.Pending && m.NextAttemptAt <= now)
            .OrderBy(m => m.NextAttemptAt)
            .Select(m => m.Id)
            .Take(max)
            .ToListAsync(ct);
    }

    /// <summary>When the next pending message falls due, so the worker sleeps exactly until then.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken ct) =>
        (await db.Messages.AsNoTracking().Where(m => m.Status == (int)DeliveryStatus.Pending)
            .OrderBy(m => m.NextAttemptAt).Select(m => new { m.NextAttemptAt }).FirstOrDefaultAsync(ct))?.NextAttemptAt;

    public async Task DeliverAsync(Guid messageId, CancellationToken ct)
    {
        // Claim first, in one conditional UPDATE: of two workers (replicas) that picked the same due message, one
        // moves its next-attempt time into the future and sends; the other updates nothing and leaves it.
        var claimedAt = clock.GetUtcNow();
        var claimed = await db.Messages
            .Where(m => m.Id == messageId && m.Status == (int)DeliveryStatus.Pending && m.NextAttemptAt <= claimedAt)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.NextAttemptAt, claimedAt + options.Value.ClaimFor), ct);
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
        message.Attempts++;
        try
        {
            var status = (Audience)message.Audience switch
            {
                Audience.Staff => await ToStaffAsync(message, ct),
                Audience.Partner => await ToPartnerAsync(message, ct),
                _ => await ToComplainantAsync(message, ct),
            };
            Complete(message, status, clock.GetUtcNow());
            db.Attempts.Add(new DeliveryAttempt { MessageId = message.Id, At = now, Succeeded = true });
            activity?.SetTag("complaints.delivery.status", status.ToString());
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Only the error's kind is kept: provider messages can echo addresses.
            var error = ex switch
            {
                RpcException rpc => $"RpcException {rpc.StatusCode}",
                WebhookRejectedException w => $"HTTP {w.Status}",
                _ => ex.GetType().Name,
            };
            message.LastError = error;
            db.Attempts.Add(new DeliveryAttempt { MessageId = message.Id, At = now, Succeeded = false, Error = error });
            // A template that cannot be rendered will not render on a retry either: dead-letter it at once for staff.
            if (ex is MissingPlaceholderException || GivesUp(message.Attempts, now - message.CreatedAt, options.Value))
            {
                // A dead letter: listed for staff, who can replay it once the cause is fixed.
                message.Status = (int)DeliveryStatus.Failed;
                message.DeliveredAt = now;
                logger.LogError("Message {MessageId} failed after {Attempts} attempts ({Error}); dead-lettered", message.Id, message.Attempts, error);
            }
            else
            {
                message.NextAttemptAt = now + Backoff(message.Attempts, options.Value);
                logger.LogWarning("Message {MessageId} attempt {Attempts} failed ({Error}); retrying at {NextAttempt}", message.Id, message.Attempts, error, message.NextAttemptAt);
            }
            activity?.SetStatus(ActivityStatusCode.Error, error);
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Dead letter after <see cref="NotificationOptions.MaxAttempts"/> attempts and <see cref="NotificationOptions.GiveUpAfter"/> since queued.</summary>
    public static bool GivesUp(int attempts, TimeSpan age, NotificationOptions options) =>
        attempts >= options.MaxAttempts && age >= options.GiveUpAfter;

    private async Task<DeliveryStatus> ToComplainantAsync(Message message, CancellationToken ct)
    {
        var kind = (MessageKind)message.Kind;
        var channel = (DeliveryChannel)message.Channel;
        var contact = await Contact(message, ct);
        if (!contact.HasContact)
        {
            return DeliveryStatus.NotApplicable;
        }
        var statutory = TemplateKinds.IsStatutory(kind);
        var pref = await preferences.ForAsync(message.ComplaintId, ct);
        var channelOn = channel switch
        {
            DeliveryChannel.Email => pref?.Email ?? true,
            DeliveryChannel.Sms => pref?.Sms ?? false,
            DeliveryChannel.Push => pref?.Push ?? false,
            _ => false,
        };
        // What is owed (acknowledgement, information request, holding reply, final response) still goes by email.
        if (!(statutory && channel == DeliveryChannel.Email) && (pref?.OptedOut == true || !channelOn))
        {
            return DeliveryStatus.Suppressed;
        }
        var address = channel switch
        {
            DeliveryChannel.Email => contact.Email,
            DeliveryChannel.Sms => contact.Phone,
            // Push goes to the complaint's topic, which the complainant's app subscribed to with the tracking token.
            DeliveryChannel.Push => message.ComplaintId.ToString(),
            _ => "",
        };
        if (string.IsNullOrEmpty(address))
        {
            return DeliveryStatus.NotApplicable;
        }
        var data = Data(message);
        var language = contact.PreferredLanguage is { Length: > 0 } l ? l : message.Language;
        var culture = TemplateStore.CultureFor(language);
        var zone = Formatting.Zone(contact.TimeZone);
        var values = Values(data, culture, zone);
        values["reference"] = message.Reference;
        values["name"] = contact.Name;
        var unsubscribe = statutory ? null : preferences.UnsubscribeUrl(message.ComplaintId);
        if (unsubscribe is not null)
        {
            values["unsubscribeUrl"] = unsubscribe;
        }
        await AddFetchedAsync(message, data, values, culture, zone, ct);
        await SendAsync(message, channel, address, contact.Name, language, TemplateKinds.Of(kind).Name, values, unsubscribe, ct);
        return DeliveryStatus.Delivered;
    }

    private async Task<DeliveryStatus> ToStaffAsync(Message message, CancellationToken ct)
    {
        var address = (await staff.GetStaffContactAsync(new GetStaffContactRequest { AgentId = message.Recipient ?? "" },
            deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: ct)).Email;
        if (string.IsNullOrEmpty(address))
        {
            return DeliveryStatus.NotApplicable;
        }
        var o = options.Value;
        var language = o.StaffLanguage is { Length: > 0 } s ? s : o.DefaultLanguage;
        var values = Values(Data(message), TemplateStore.CultureFor(language), Formatting.Zone(o.StaffTimeZone));
        values["reference"] = message.Reference;
        await SendAsync(message, DeliveryChannel.Email, address, null, language, TemplateKinds.Of((MessageKind)message.Kind).Name, values, null, ct);
        return DeliveryStatus.Delivered;
    }

    private async Task<DeliveryStatus> ToPartnerAsync(Message message, CancellationToken ct)
    {
        var contact = await Contact(message, ct);
        if (webhooks.For(contact.PartnerId) is not { } partner)
        {
            return DeliveryStatus.NotApplicable;
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
        await webhooks.SendAsync(partner, message.Id, JsonSerializer.Serialize(payload, Json), clock.GetUtcNow(), ct);
        return DeliveryStatus.Delivered;
    }

    private async Task SendAsync(Message message, DeliveryChannel channel, string address, string? name, string language, string template,
        Dictionary<string, string> values, string? unsubscribe, CancellationToken ct)
    {
        var rendered = templates.Render(template, language, options.Value.DefaultLanguage, values);
        var sender = channels.FirstOrDefault(c => c.Channel == channel)
            ?? throw new InvalidOperationException($"No {channel} channel is registered.");
        await sender.SendAsync(new OutgoingMessage(message.Id, channel, address, name, rendered.Subject, rendered.Text, rendered.Html, unsubscribe), ct);
        message.Subject = rendered.Subject.Length > 400 ? rendered.Subject[..400] : rendered.Subject;
        message.RenderedLanguage = rendered.Language;
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
            values["title"] = entry.Title;
            values["detail"] = entry.Detail;
        }
        if (data.LatestPublicEntry)
        {
            var view = await cases.GetPublicCaseViewAsync(new GetPublicCaseViewRequest { ComplaintId = complaintId },
                deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: ct);
            values["detail"] = view.Timeline.LastOrDefault() is { } last ? string.Join("\n", new[] { last.Title, last.Detail }.Where(s => s.Length > 0)) : "";
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
        foreach (var (key, money) in data.Amounts)
        {
            values[key] = Formatting.Money(money, culture);
        }
        return values;
    }

    private void Complete(Message message, DeliveryStatus status, DateTimeOffset at)
    {
        message.Status = (int)status;
        message.DeliveredAt = at;
        message.LastError = null;
        db.AppendEvent(new NotificationDelivered
        {
            MessageId = message.Id.ToString(),
            ComplaintId = message.ComplaintId.ToString(),
            Kind = (MessageKind)message.Kind,
            Channel = (DeliveryChannel)message.Channel,
            Status = status,
            DeliveredAt = Timestamp.FromDateTimeOffset(at),
            Language = message.RenderedLanguage ?? message.Language,
        }, message.ComplaintId.ToString(), clock);
    }

    /// <summary>Base * 2^(n-1), capped, with up to 25 % jitter so retries of many messages do not march in step.</summary>
    public static TimeSpan Backoff(int attempt, NotificationOptions o)
    {
        var delay = Math.Min(o.RetryMaxDelay.TotalMilliseconds, o.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30)));
        return TimeSpan.FromMilliseconds(delay * (1 + Random.Shared.NextDouble() * 0.25));
    }
}
