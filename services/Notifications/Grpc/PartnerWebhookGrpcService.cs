using Complaints.Notifications.Data;
using Complaints.Notifications.Domain;
using Complaints.Notifications.V1;
using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Notifications.Grpc;

/// <summary>Admins: partners' webhooks (address, signing secret, disabled). The secret leaves only in a rotation's answer.</summary>
[Authorize(Policy = Policies.StaffTable)]
public sealed class PartnerWebhookGrpcService(PartnerWebhooks webhooks, NotificationsDbContext db) : PartnerWebhookService.PartnerWebhookServiceBase
{
    public override Task<Webhook> GetWebhook(GetWebhookRequest request, ServerCallContext context) =>
        webhooks.GetAsync(db, request.PartnerId, context.CancellationToken);

    public override Task<Webhook> SetWebhookUrl(SetWebhookUrlRequest request, ServerCallContext context) =>
        webhooks.SetUrlAsync(db, request, Actor(context), context.CancellationToken);

    public override Task<RotateWebhookSecretResponse> RotateWebhookSecret(RotateWebhookSecretRequest request, ServerCallContext context) =>
        webhooks.RotateAsync(db, request, Actor(context), context.CancellationToken);

    public override Task<Webhook> SetWebhookDisabled(SetWebhookDisabledRequest request, ServerCallContext context) =>
        webhooks.SetDisabledAsync(db, request, Actor(context), context.CancellationToken);

    private static string Actor(ServerCallContext context) => context.GetHttpContext().User.FindFirst("sub")?.Value ?? "unknown";
}
