using Complaints.Intake.Domain;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Intake.Grpc;

/// <summary>A partner's own complaints; the table admits partner tokens with the read scope only (<see cref="StaffOperations.ListPartnerComplaints"/>).</summary>
[Authorize(Policy = Policies.StaffTable)]
public sealed class PartnerComplaintGrpcService(PartnerComplaints partners) : PartnerComplaintService.PartnerComplaintServiceBase
{
    public override Task<ListPartnerComplaintsResponse> ListPartnerComplaints(ListPartnerComplaintsRequest request, ServerCallContext context) =>
        partners.ListAsync(request, PartnerOf(context), context.CancellationToken);

    public override Task<GetPartnerComplaintResponse> GetPartnerComplaint(GetPartnerComplaintRequest request, ServerCallContext context) =>
        partners.GetAsync(request.Reference, PartnerOf(context), context.CancellationToken);

    private static string PartnerOf(ServerCallContext context) =>
        IntakeCaller.PartnerOf(context.GetHttpContext().User) ?? throw new InvalidOperationException("The authorisation table admits partner tokens only here.");
}
