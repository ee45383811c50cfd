using Complaints.Common.V1;
using Complaints.Routing.Data;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Errors;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Routing.Domain;

public sealed class CaseQueries(RoutingDbContext db)
{
    public async Task<GetPublicCaseViewResponse> PublicViewAsync(string complaintId, CancellationToken ct)
    {
        if (!Guid.TryParse(complaintId, out var id))
        {
            throw new ValidationException("complaintId", "must be a complaint id (UUID)");
        }
        var c = await db.Cases.AsNoTracking().Include(x => x.Timeline).FirstOrDefaultAsync(x => x.ComplaintId == id, ct)
            ?? throw new NotFoundException("No case for this complaint yet.");
        var view = new GetPublicCaseViewResponse
        {
            ComplaintId = c.ComplaintId.ToString(),
            Reference = c.Reference,
            Status = (CaseStatus)c.Status,
            AcknowledgeBy = Stamp(c.AcknowledgeBy),
            ResolveBy = Stamp(c.ResolveBy),
            AcknowledgedAt = Stamp(c.AcknowledgedAt),
        };
        view.Timeline.AddRange(c.Timeline.Where(t => t.IsPublic).OrderBy(t => t.At).ThenBy(t => t.Id)
            .Select(t => new PublicTimelineEntry { At = Timestamp.FromDateTimeOffset(t.At), Title = t.Title, Detail = t.Detail }));
        return view;
    }

    public async Task<GetCaseResponse> ByReferenceAsync(string? reference, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            throw new ValidationException("reference", "is required");
        }
        var normalized = reference.Trim().ToUpperInvariant();
        var c = await db.Cases.AsNoTracking().Include(x => x.Timeline).FirstOrDefaultAsync(x => x.Reference == normalized, ct)
            ?? throw new NotFoundException($"No case with reference {normalized}.");
        var response = new GetCaseResponse
        {
            ComplaintId = c.ComplaintId.ToString(),
            Reference = c.Reference,
            Status = (CaseStatus)c.Status,
            Category = c.Category,
            Channel = (Channel)c.Channel,
            Jurisdiction = (Jurisdiction)c.Jurisdiction,
            Confidential = c.Confidential,
            ReceivedAt = Timestamp.FromDateTimeOffset(c.ReceivedAt),
            AcknowledgeBy = Stamp(c.AcknowledgeBy),
            ResolveBy = Stamp(c.ResolveBy),
            AcknowledgedAt = Stamp(c.AcknowledgedAt),
        };
        response.Timeline.AddRange(c.Timeline.OrderBy(t => t.At).ThenBy(t => t.Id)
            .Select(t => new Complaints.Routing.V1.CaseTimelineEntry { At = Timestamp.FromDateTimeOffset(t.At), Title = t.Title, Detail = t.Detail, Public = t.IsPublic }));
        return response;
    }

    private static Timestamp? Stamp(DateTimeOffset? at) => at is { } value ? Timestamp.FromDateTimeOffset(value) : null;
}
