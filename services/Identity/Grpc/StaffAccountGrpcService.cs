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

/// <summary>The signed-in staff member's own profile: the subject is the token's, never a request field.</summary>
[Authorize(Policy = Policies.StaffTable)]
public sealed class StaffProfileGrpcService(StaffAccounts accounts) : StaffProfileService.StaffProfileServiceBase
{
    public override Task<V1.StaffAccount> GetMyProfile(GetMyProfileRequest request, ServerCallContext context) =>
        accounts.GetMineAsync(Subject(context), context.CancellationToken);

    public override Task<V1.StaffAccount> SetMyLanguage(SetMyLanguageRequest request, ServerCallContext context) =>
        accounts.SetMyLanguageAsync(Subject(context), request, context.CancellationToken);

    private static string Subject(ServerCallContext context) =>
        context.GetHttpContext().User.FindFirst("sub")?.Value ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "No subject in the token."));
}
