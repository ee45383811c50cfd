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
    public Task<Viewer> ViewerAsync(ClaimsPrincipal user, CancellationToken ct) => rule.ForAsync(user, (me, token) =>
        db.RoutingQueues.AsNoTracking().Where(q => q.SupervisorIds.Contains(me)).Select(q => ValueTuple.Create(q.Id, q.SupervisorIds)).ToListAsync(token), ct);

    /// <summary>The complaint by reference if the caller may see it; otherwise the same NotFound as an unknown reference.</summary>
    public static ComplaintRecord Visible(ComplaintRecord? complaint, Viewer viewer, string reference) =>
        complaint is not null && viewer.MaySee(complaint) ? complaint : throw new NotFoundException($"No complaint with reference {reference}.");
}
