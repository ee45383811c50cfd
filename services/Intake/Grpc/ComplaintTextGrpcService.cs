using Complaints.Intake.Data;
using Complaints.Intake.Security;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Errors;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Grpc;

/// <summary>
/// Internal: the complaint's subject, description and remedy sought, for Routing's triage and Insights' term counts,
/// to the service subjects in <c>Intake:ComplaintTextReaders</c> only (default routing, insights). Like the contact
/// lookup for deliveries, a service read is not written to the access audit (that records people).
/// </summary>
[Authorize(Policy = Policy)]
public sealed class ComplaintTextGrpcService(IntakeDbContext db, FieldProtector protector) : ComplaintTextService.ComplaintTextServiceBase
{
    public const string Policy = "complaint-text-readers";

    public override async Task<GetComplaintTextResponse> GetComplaintText(GetComplaintTextRequest request, ServerCallContext context)
    {
        if (!Guid.TryParse(request.ComplaintId, out var id))
        {
            throw new ValidationException("complaintId", "must be a complaint id (UUID)");
        }
        var c = await db.Complaints.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, context.CancellationToken)
            ?? throw new NotFoundException("No complaint with this id.");
        if (c.ErasedAt is not null)
        {
            return new GetComplaintTextResponse { Erased = true };
        }
        var fields = protector.Open(c);
        return new GetComplaintTextResponse
        {
            Subject = fields.Read(c.SubjectCipher, "subject") ?? "",
            Description = fields.Read(c.DescriptionCipher, "description") ?? "",
            RemedySought = fields.Read(c.RemedySoughtCipher, "remedySought") ?? "",
        };
    }
}
