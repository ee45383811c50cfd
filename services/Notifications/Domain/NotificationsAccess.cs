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
    public Task<Viewer> ViewerAsync(ClaimsPrincipal user, CancellationToken ct) => rule.ForAsync(user, (me, token) =>
        db.QueueSupervisors.AsNoTracking().Where(q => q.SupervisorIds.Contains(me)).Select(q => ValueTuple.Create(q.QueueId, q.SupervisorIds)).ToListAsync(token), ct);
}
