using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Routing.Directory;

/// <summary>Internal: a staff member's alert address for Notifications; nothing else about the agent.</summary>
[Authorize(Policy = Policies.Internal)]
public sealed class StaffContactGrpcService(StaffDirectory directory) : StaffContactService.StaffContactServiceBase
{
    public override async Task<GetStaffContactResponse> GetStaffContact(GetStaffContactRequest request, ServerCallContext context) =>
        new() { Email = await directory.AlertAddressAsync(request.AgentId, context.CancellationToken) };
}
