using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Complaints.Common.V1;
using Complaints.Eventing;
using Complaints.Intake.V1;
using Complaints.Notifications.Data;
using Complaints.Notifications.V1;
using Complaints.ServiceDefaults;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Complaints.Notifications.Domain;

/// <summary>
/// Sends one due message: asks Intake for the address, renders the template in the recipient's
/// language, hands it to the channel, then records the attempt and appends NotificationDelivered.
/// A failure schedules a retry with exponential backoff and jitter; nothing is lost.
/// </summary>
public sealed class MessageDelivery(
    NotificationsDbContext db,
    ContactService.ContactServiceClient contacts,
    TemplateStore templates,
    IEmailSender email,
    IOptions<NotificationOptions> options,
    TimeProvider clock,
    ILogger<MessageDelivery> logger)
{
    public static readonly ActivitySource ActivitySource = new(Telemetry.SourcePrefix + "Notifications");

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

    public async Task DeliverAsync(Guid messageId, CancellationToken ct)
    {
        var message = await db.Messages.FirstAsync(m => m.Id == messageId, ct);
        using var activity = ActivitySource.StartLinkedActivity("deliver " + ((MessageKind)message.Kind).ToString().ToLowerInvariant(),
            ActivityKind.Producer, message.TraceParent, message.TraceState);
        activity?.SetTag("complaints.message.id", message.Id.ToString());
        activity?.SetTag("complaints.message.kind", ((MessageKind)message.Kind).ToString());
        var now = clock.GetUtcNow();
        message.Attempts++;
        try
        {
            var contact = await contacts.GetContactForDeliveryAsync(
                new GetContactForDeliveryRequest { ComplaintId = message.ComplaintId.ToString() },
                // A network deadline is wall-clock time, not the domain clock.
                deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: ct);

            if (!contact.HasContact || string.IsNullOrEmpty(contact.Email))
            {
                Complete(message, DeliveryStatus.NotApplicable, now);
            }
            else
            {
                var rendered = Render(message, contact);
                await email.SendAsync(new OutgoingEmail(message.Id, options.Value.From, contact.Name, contact.Email, rendered.Subject, rendered.Body), ct);
                message.Subject = rendered.Subject;
                message.RenderedLanguage = rendered.Language;
                Complete(message, DeliveryStatus.Delivered, clock.GetUtcNow());
            }
            db.Attempts.Add(new DeliveryAttempt { MessageId = message.Id, At = now, Succeeded = true });
            activity?.SetTag("complaints.delivery.status", ((DeliveryStatus)message.Status).ToString());
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Only the error's kind is kept: provider messages can echo addresses.
            var error = ex is RpcException rpc ? $"RpcException {rpc.StatusCode}" : ex.GetType().Name;
            message.LastError = error;
            db.Attempts.Add(new DeliveryAttempt { MessageId = message.Id, At = now, Succeeded = false, Error = error });
            if (message.Attempts >= options.Value.MaxAttempts)
            {
                Complete(message, DeliveryStatus.Failed, now);
                logger.LogError("Message {MessageId} failed after {Attempts} attempts ({Error})", message.Id, message.Attempts, error);
            }
            else
            {
                message.NextAttemptAt = now + Backoff(message.Attempts);
                logger.LogWarning("Message {MessageId} attempt {Attempts} failed ({Error}); retrying at {NextAttempt}", message.Id, message.Attempts, error, message.NextAttemptAt);
            }
            activity?.SetStatus(ActivityStatusCode.Error, error);
        }
        await db.SaveChangesAsync(ct);
    }

    private void Complete(Message message, DeliveryStatus status, DateTimeOffset at)
    {
        message.Status = (int)status;
        message.DeliveredAt = at;
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

    private RenderedMessage Render(Message message, GetContactForDeliveryResponse contact)
    {
        var language = contact.PreferredLanguage is { Length: > 0 } l ? l : message.Language;
        var culture = TemplateStore.CultureFor(language);
        var values = new Dictionary<string, string>
        {
            ["reference"] = message.Reference,
            ["name"] = contact.Name,
        };
        foreach (var (key, at) in JsonSerializer.Deserialize<Dictionary<string, DateTimeOffset>>(message.TemplateData) ?? [])
        {
            values[key] = FormatDate(at, culture);
        }
        return templates.Render(KindName((MessageKind)message.Kind), language, options.Value.DefaultLanguage, values);
    }

    public static string KindName(MessageKind kind) => kind switch
    {
        MessageKind.Acknowledgement => "acknowledgement",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public static string FormatDate(DateTimeOffset at, CultureInfo culture) =>
        at.UtcDateTime.ToString("D", culture) + " (UTC)";

    /// <summary>2^n seconds, capped at 10 minutes, with up to 25 % jitter so retries do not march in step.</summary>
    public static TimeSpan Backoff(int attempt)
    {
        var seconds = Math.Min(600, Math.Pow(2, Math.Min(attempt, 10)));
        return TimeSpan.FromSeconds(seconds * (1 + Random.Shared.NextDouble() * 0.25));
    }
}
