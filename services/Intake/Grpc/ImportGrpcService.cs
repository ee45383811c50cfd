using Complaints.Intake.Domain;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Intake.Grpc;

/// <summary>Bulk import of historical complaints, for supervisors, administrators and partners with the import scope (<see cref="StaffOperations.ImportComplaints"/>).</summary>
[Authorize(Policy = Policies.StaffTable)]
public sealed class ImportGrpcService(ComplaintImport import) : ImportService.ImportServiceBase
{
    public override Task<ImportComplaintsResponse> ImportComplaints(IAsyncStreamReader<ImportComplaintRequest> requestStream, ServerCallContext context) =>
        import.ImportAsync(requestStream, IntakeCaller.Importing(context.GetHttpContext().User), context.CancellationToken);
}
