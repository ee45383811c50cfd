using System.Security.Claims;
using Complaints.Intake.Data;
using Complaints.ServiceDefaults.Auth;
using Complaints.ServiceDefaults.Errors;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Domain;

/// <summary>
/// The caller as the need-to-know rule (<see cref="NeedToKnow"/>) sees them in Intake: the queues they supervise are
/// Routing's directory as its feed reports it (<see cref="RoutingQueue"/>).
/// </summary>
public sealed class IntakeAccess(IntakeDbContext db, NeedToKnow rule)
{
    public async Task<Viewer> ViewerAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        var me = user.FindFirst("sub")?.Value;
        if (string.IsNullOrEmpty(me))
        {
            return rule.For(user, []);
        }
        // A cheap pre-filter in SQL; the exact match on the comma list is done here.
        var candidates = await db.RoutingQueues.AsNoTracking().Where(q => q.SupervisorIds.Contains(me)).ToListAsync(ct);
        return rule.For(user, candidates.Where(q => q.Supervisors.Contains(me, StringComparer.Ordinal)).Select(q => q.Id));
    }

    /// <summary>The complaint by reference if the caller may see it; otherwise the same NotFound as an unknown reference.</summary>
    public static ComplaintRecord Visible(ComplaintRecord? complaint, Viewer viewer, string reference) =>
        complaint is not null && viewer.MaySee(complaint) ? complaint : throw new NotFoundException($"No complaint with reference {reference}.");
}
