using Complaints.Eventing;
using Complaints.Eventing.V1;
using Complaints.Identity.V1;
using Complaints.Notifications.Data;
using PartnerWebhook = Complaints.Notifications.Data.PartnerWebhook;

namespace Complaints.Notifications.Domain;

/// <summary>
/// A partner client registered in Identity: its webhook is created (or, when one exists already, linked) keyed by the
/// partner id, with the address given at registration and a signing secret made here; the admin gets the secret by
/// rotating it through <c>PartnerWebhookService</c>. A registration without an address leaves an existing one as it is.
/// </summary>
public sealed class LinkWebhookOnPartnerRegistered(PartnerWebhooks webhooks, ILogger<LinkWebhookOnPartnerRegistered> logger)
    : FeedEventHandler<NotificationsDbContext, PartnerClientRegistered>(Sources.Identity)
{
    protected override Task HandleAsync(PartnerClientRegistered e, EventEnvelope envelope, NotificationsDbContext db, CancellationToken ct) =>
        PartnerFeed.ApplyAsync(webhooks, db, e.PartnerId, "registered", envelope, logger, w =>
        {
            var changed = w.PartnerDisabled;
            w.PartnerDisabled = false;
            if (e.WebhookUrl.Length > 0 && w.Url != e.WebhookUrl)
            {
                w.Url = e.WebhookUrl;
                changed = true;
            }
            return changed;
        }, ct);
}

/// <summary>A partner's webhook address set or removed in Identity: the same in Notifications (the row made if none).</summary>
public sealed class SetWebhookUrlOnPartnerWebhookChanged(PartnerWebhooks webhooks, ILogger<SetWebhookUrlOnPartnerWebhookChanged> logger)
    : FeedEventHandler<NotificationsDbContext, PartnerWebhookChanged>(Sources.Identity)
{
    protected override Task HandleAsync(PartnerWebhookChanged e, EventEnvelope envelope, NotificationsDbContext db, CancellationToken ct) =>
        PartnerFeed.ApplyAsync(webhooks, db, e.PartnerId, e.WebhookUrl.Length > 0 ? "webhook set" : "webhook removed", envelope, logger, w =>
        {
            var changed = w.Url != e.WebhookUrl;
            w.Url = e.WebhookUrl;
            return changed;
        }, ct);
}

/// <summary>A partner client disabled in Identity: its webhook gets no deliveries (messages are recorded SUPPRESSED).</summary>
public sealed class StopWebhookOnPartnerDisabled(PartnerWebhooks webhooks, ILogger<StopWebhookOnPartnerDisabled> logger)
    : FeedEventHandler<NotificationsDbContext, PartnerClientDisabled>(Sources.Identity)
{
    protected override Task HandleAsync(PartnerClientDisabled e, EventEnvelope envelope, NotificationsDbContext db, CancellationToken ct) =>
        PartnerFeed.ApplyAsync(webhooks, db, e.PartnerId, "disabled", envelope, logger, w => PartnerFeed.SetPartnerDisabled(w, true), ct);
}

/// <summary>A partner client enabled again in Identity: its webhook delivers again (unless an admin disabled it here).</summary>
public sealed class ResumeWebhookOnPartnerEnabled(PartnerWebhooks webhooks, ILogger<ResumeWebhookOnPartnerEnabled> logger)
    : FeedEventHandler<NotificationsDbContext, PartnerClientEnabled>(Sources.Identity)
{
    protected override Task HandleAsync(PartnerClientEnabled e, EventEnvelope envelope, NotificationsDbContext db, CancellationToken ct) =>
        PartnerFeed.ApplyAsync(webhooks, db, e.PartnerId, "enabled", envelope, logger, w => PartnerFeed.SetPartnerDisabled(w, false), ct);
}

internal static class PartnerFeed
{
    public static async Task ApplyAsync(PartnerWebhooks webhooks, NotificationsDbContext db, string partnerId, string change, EventEnvelope envelope,
        ILogger logger, Func<PartnerWebhook, bool> apply, CancellationToken ct)
    {
        if (partnerId.Length is 0 or > 200)
        {
            // Identity validates client ids: this is a malformed event, and it must not hold up the feed.
            logger.LogWarning("Partner event {EventId} ({Change}) without a usable partner id: skipped", envelope.EventId, change);
            return;
        }
        var (created, changed) = await webhooks.LinkAsync(db, partnerId, apply, ct);
        // Never the address (it may carry the partner's own token) nor a secret.
        logger.LogInformation("Partner {Partner} {Change} in Identity (event {EventId}): webhook {Outcome}", partnerId, change, envelope.EventId,
            created ? "created" : changed ? "updated" : "unchanged");
    }

    public static bool SetPartnerDisabled(PartnerWebhook w, bool disabled)
    {
        var changed = w.PartnerDisabled != disabled;
        w.PartnerDisabled = disabled;
        return changed;
    }
}
