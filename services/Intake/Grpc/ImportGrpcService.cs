using Complaints.Intake.Domain;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Intake.Grpc;

/// <summary>Bulk import of historical complaints, for administrators, supervisors and partner systems.</summary>
[Authorize(Roles = $"{Roles.Admin},{Roles.Supervisor},{Roles.Partner}")]
public sealed class ImportGrpcService(ComplaintImport import) : ImportService.ImportServiceBase
{
    public override Task<ImportComplaintsResponse> ImportComplaints(IAsyncStreamReader<ImportComplaintRequest> requestStream, ServerCallContext context)
    {
        var caller = context.GetHttpContext().User.FindFirst("sub")?.Value ?? "unknown";
        // Import keys are the source system's ids, scoped to the importer.
        return import.ImportAsync(requestStream, "import:" + caller, caller, context.CancellationToken);
    }
}
