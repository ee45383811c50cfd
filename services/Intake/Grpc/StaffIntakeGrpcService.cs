using Complaints.Intake.Domain;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Intake.Grpc;

[Authorize(Policy = Policies.StaffTable)]
public sealed class StaffIntakeGrpcService(StaffAccess staff, AccessAuditLog audit, ComplaintMerge merge) : StaffIntakeService.StaffIntakeServiceBase
{
    public override Task<SearchComplaintsResponse> SearchComplaints(SearchComplaintsRequest request, ServerCallContext context) =>
        staff.SearchAsync(request.Email, request.Phone, context.GetHttpContext().User, context.CancellationToken);

    public override Task<GetComplaintContactResponse> GetComplaintContact(GetComplaintContactRequest request, ServerCallContext context) =>
        staff.ContactAsync(request.Reference, request.Purpose, context.GetHttpContext().User, context.CancellationToken);

    public override Task<GetComplaintForStaffResponse> GetComplaintForStaff(GetComplaintForStaffRequest request, ServerCallContext context) =>
        staff.ReadAsync(request.Reference, request.Purpose, context.GetHttpContext().User, context.CancellationToken);

    public override Task<ListAccessAuditResponse> ListAccessAudit(ListAccessAuditRequest request, ServerCallContext context) =>
        audit.ListAsync(request, context.GetHttpContext().User, context.CancellationToken);

    public override Task<MergeComplaintsResponse> MergeComplaints(MergeComplaintsRequest request, ServerCallContext context) =>
        merge.MergeAsync(request, context.GetHttpContext().User, context.CancellationToken);
}
