using System.Security.Claims;
using Complaints.Routing.Data;
using Complaints.Routing.V1;

namespace Complaints.Routing.Directory;

/// <summary>Initial assessment: severity from category, amount in dispute and vulnerability or safety keywords (multilingual, configurable).</summary>
public sealed class Triage
{
    /// <summary>The severity for a new case; <paramref name="text"/> is the complaint's words, scanned and not kept.</summary>
    public Severity Assess(Case c, string? text) => throw new NotImplementedException();
}

/// <summary>Applies the ordered routing rules, then assigns the least-loaded available agent with the needed skills.</summary>
public sealed class CaseRouter
{
    /// <summary>
    /// Sets QueueId, DesignatedContactId and (when one is available) AssigneeId on the case and records the
    /// assignment entry and the CaseAssigned event. Callers save the context.
    /// </summary>
    public Task RouteAsync(RoutingDbContext db, Case c, DateTimeOffset at, CancellationToken ct) => throw new NotImplementedException();

    /// <summary>
    /// Manual assign or reassign: a supervisor may assign anyone and reassign; an agent may only take an
    /// unassigned case for themselves. An empty assignee picks the least-loaded agent of the queue.
    /// </summary>
    public Task AssignAsync(RoutingDbContext db, Case c, string? queueId, string? assigneeId, string actor, ClaimsPrincipal user, string? reason, DateTimeOffset at, CancellationToken ct) => throw new NotImplementedException();
}

/// <summary>Confidential cases are visible only to the assigned handler, the queue's supervisors, supervisors and admins.</summary>
public static class CaseVisibility
{
    public static bool CanSee(ClaimsPrincipal user, Case c) => throw new NotImplementedException();

    /// <summary>The same rule as a query filter.</summary>
    public static IQueryable<Case> Visible(this IQueryable<Case> cases, ClaimsPrincipal user) => throw new NotImplementedException();
}

/// <summary>The complaint's words for triage, fetched from Intake when a case opens; scanned, never stored.</summary>
public interface IComplaintTextSource
{
    Task<string?> GetTextAsync(Guid complaintId, CancellationToken ct);
}
