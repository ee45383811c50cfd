using Complaints.Identity.Accounts;
using Complaints.Identity.V1;
using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Identity.Grpc;

[Authorize(Policy = Policies.StaffTable)]
public sealed class StaffAccountGrpcService(StaffAccounts accounts) : StaffAccountService.StaffAccountServiceBase
{
    public override Task<CreateAccountResponse> CreateAccount(CreateAccountRequest request, ServerCallContext context) =>
        accounts.CreateAsync(request, context.CancellationToken);

    public override Task<ListAccountsResponse> ListAccounts(ListAccountsRequest request, ServerCallContext context) =>
        accounts.ListAsync(context.CancellationToken);

    public override Task<V1.StaffAccount> SetRoles(SetRolesRequest request, ServerCallContext context) =>
        accounts.SetRolesAsync(request, Actor(context), context.CancellationToken);

    public override Task<V1.StaffAccount> SetDisabled(SetDisabledRequest request, ServerCallContext context) =>
        accounts.SetDisabledAsync(request, Actor(context), context.CancellationToken);

    public override Task<ForceSignOutResponse> ForceSignOut(ForceSignOutRequest request, ServerCallContext context) =>
        accounts.ForceSignOutAsync(request, Actor(context), context.CancellationToken);

    private static string Actor(ServerCallContext context) => context.GetHttpContext().User.FindFirst("sub")?.Value ?? "unknown";
}
