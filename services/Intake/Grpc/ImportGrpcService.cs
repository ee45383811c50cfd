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
        var user = context.GetHttpContext().User;
        var caller = user.FindFirst("sub")?.Value ?? "unknown";
        // Source ids are unique per source system: staff imports share one scope (any admin re-running a
        // file creates nothing new); each partner system has its own.
        var source = user.IsInRole(Roles.Partner) && !user.IsInRole(Roles.Admin) && !user.IsInRole(Roles.Supervisor)
            ? "import:partner:" + caller
            : "import:staff";
        return import.ImportAsync(requestStream, source, caller, context.CancellationToken);
    }
}
