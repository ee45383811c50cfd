using System.Security.Claims;
using Complaints.Routing.Data;
using Complaints.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Authentication;

namespace Complaints.Routing.Directory;

public static class StaffClaims
{
    /// <summary>Added by <see cref="QueueSupervisorClaims"/>: one per queue the caller supervises in the directory.</summary>
    public const string SupervisedQueue = "routing:supervised_queue";

    private const string Marker = "routing-directory";

    /// <summary>The caller's staff id: the token subject ("sub"; tokens are read without claim mapping).</summary>
    public static string? StaffId(this ClaimsPrincipal user) =>
        user.FindFirst("sub")?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value;

    public static IReadOnlyCollection<string> SupervisedQueues(this ClaimsPrincipal user) =>
        user.FindAll(SupervisedQueue).Select(c => c.Value).ToList();

    /// <summary>
    /// Adds the queues an agent supervises (the directory, not the token, says so), so the visibility rule can be
    /// checked from the principal alone. Supervisors and admins see everything and need no lookup.
    /// </summary>
    public sealed class QueueSupervisorClaims(RoutingDbContext db, TimeProvider clock) : IClaimsTransformation
    {
        public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
        {
            if (principal.Identity?.IsAuthenticated != true || principal.Identities.Any(i => i.AuthenticationType == Marker)
                || !principal.IsInRole(Roles.Agent) || principal.IsInRole(Roles.Supervisor) || principal.IsInRole(Roles.Admin))
            {
                return principal;
            }
            var queues = await new StaffDirectory(db, clock).QueuesSupervisedByAsync(principal.StaffId(), CancellationToken.None);
            // Transformation may run more than once per request: a marked identity says it was done.
            var clone = principal.Clone();
            clone.AddIdentity(new ClaimsIdentity(queues.Select(q => new Claim(SupervisedQueue, q)), Marker));
            return clone;
        }
    }
}
