using Complaints.Identity.Partners;
using Complaints.Identity.V1;
using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Identity.Grpc;

[Authorize(Policy = Policies.StaffTable)]
public sealed class PartnerClientGrpcService(PartnerClients partners) : PartnerClientService.PartnerClientServiceBase
{
    public override Task<RegisterPartnerClientResponse> RegisterPartnerClient(RegisterPartnerClientRequest request, ServerCallContext context) =>
        partners.RegisterAsync(request, Actor(context), context.CancellationToken);

    public override Task<ListPartnerClientsResponse> ListPartnerClients(ListPartnerClientsRequest request, ServerCallContext context) =>
        partners.ListAsync(context.CancellationToken);

    public override Task<PartnerClient> GetPartnerClient(GetPartnerClientRequest request, ServerCallContext context) =>
        partners.GetAsync(request, context.CancellationToken);

    public override Task<RotatePartnerClientSecretResponse> RotatePartnerClientSecret(RotatePartnerClientSecretRequest request, ServerCallContext context) =>
        partners.RotateSecretAsync(request, Actor(context), context.CancellationToken);

    public override Task<PartnerClient> SetPartnerClientDisabled(SetPartnerClientDisabledRequest request, ServerCallContext context) =>
        partners.SetDisabledAsync(request, Actor(context), context.CancellationToken);

    public override Task<PartnerClient> SetPartnerWebhook(SetPartnerWebhookRequest request, ServerCallContext context) =>
        partners.SetWebhookAsync(request, Actor(context), context.CancellationToken);

    private static string Actor(ServerCallContext context) => context.GetHttpContext().User.FindFirst("sub")?.Value ?? "unknown";
}
