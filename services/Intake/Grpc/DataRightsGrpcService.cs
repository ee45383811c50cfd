using Complaints.Intake.Domain;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Intake.Grpc;

[Authorize(Policy = Policies.StaffTable)]
public sealed class DataRightsGrpcService(DataRights rights) : DataRightsService.DataRightsServiceBase
{
    public override Task<EraseComplainantResponse> EraseComplainant(EraseComplainantRequest request, ServerCallContext context) =>
        rights.EraseAsync(request.Subject, request.Reason, context.GetHttpContext().User, context.CancellationToken);

    public override Task<ExportComplainantDataResponse> ExportComplainantData(ExportComplainantDataRequest request, ServerCallContext context) =>
        rights.ExportAsync(request.Subject, request.Reason, context.GetHttpContext().User, context.CancellationToken);

    public override Task<SetLegalHoldResponse> SetLegalHold(SetLegalHoldRequest request, ServerCallContext context) =>
        rights.SetLegalHoldAsync(request.Reference, request.Hold, request.Reason, context.GetHttpContext().User, context.CancellationToken);
}
