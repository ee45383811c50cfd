using System.Security.Claims;
using Complaints.Notifications.Data;
using Complaints.ServiceDefaults.Auth;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Notifications.Domain;

/// <summary>
/// The caller as the need-to-know rule (<see cref="NeedToKnow"/>) sees them in Notifications: the queues they supervise
/// are Routing's directory as its feed reports it (<see cref="QueueSupervisors"/>).
/// </summary>
public sealed class NotificationsAccess(NotificationsDbContext db, NeedToKnow rule)
{
    public async Task<Viewer> ViewerAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        var me = user.FindFirst("sub")?.Value;
        if (string.IsNullOrEmpty(me))
        {
            return rule.For(user, []);
        }
        // A cheap pre-filter in SQL; the exact match on the comma list is done here.
        var candidates = await db.QueueSupervisors.AsNoTracking().Where(q => q.SupervisorIds.Contains(me)).ToListAsync(ct);
        return rule.For(user, candidates.Where(q => q.Ids.Contains(me, StringComparer.Ordinal)).Select(q => q.QueueId));
    }
}
