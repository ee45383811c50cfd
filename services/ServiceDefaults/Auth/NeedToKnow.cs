using System.Security.Claims;
using Complaints.ServiceDefaults.Errors;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Complaints.ServiceDefaults.Auth;

/// <summary>Configuration section "Confidentiality".</summary>
public sealed class ConfidentialityOptions
{
    public const string Section = "Confidentiality";

    /// <summary>Roles the organisation adds to every confidential complaint's circle (e.g. "compliance"): they see, they do not supervise.</summary>
    public List<string> ReaderRoles { get; set; } = [];
}

/// <summary>What the need-to-know rule reads of a case (Routing) or a complaint (Intake, from Routing's feed).</summary>
public interface IConfidentialCase
{
    bool Confidential { get; }

    /// <summary>The assigned handler's staff id.</summary>
    string? AssigneeId { get; }

    string? QueueId { get; }
}

/// <summary>
/// The caller as the need-to-know rule sees them. A confidential complaint exists only for its assigned handler, the
/// supervisors of its case's queue (in the directory), admins and the configured reader roles; to everyone else it
/// does not exist (NotFound, absent from every list). Each context builds a viewer with the queues the caller
/// supervises as it knows them (Routing: its directory; Intake: the directory as Routing's feed reports it).
/// </summary>
public sealed record Viewer(string? StaffId, bool IsAdmin, bool IsSupervisor, bool ReadsEveryConfidential, IReadOnlySet<string> SupervisedQueues)
{
    public bool IsQueueSupervisor(IConfidentialCase c) => c.QueueId is { } queue && SupervisedQueues.Contains(queue);

    public bool IsHandler(IConfidentialCase c) => StaffId is { } me && me == c.AssigneeId;

    public bool MaySee(IConfidentialCase c) =>
        !c.Confidential || IsAdmin || ReadsEveryConfidential || IsHandler(c) || IsQueueSupervisor(c);

    /// <summary>Supervises the case: a supervisor of its queue, or anyone with the supervisor or admin role (who must see it first).</summary>
    public bool IsSupervisorOf(IConfidentialCase c) => IsAdmin || IsSupervisor || IsQueueSupervisor(c);

    /// <summary>
    /// The case scope of <paramref name="operation"/> (<see cref="StaffOperations"/>), for a case the caller may see:
    /// PermissionDenied naming who may act when the caller is not one of them.
    /// </summary>
    public void EnsureMayAct(StaffOperation operation, IConfidentialCase c)
    {
        switch (operation.Scope)
        {
            case CaseScope.Handler when c.AssigneeId is { } handler && !IsHandler(c) && !IsSupervisorOf(c):
                throw new ForbiddenException($"This case is assigned to {handler}: only its handler or a supervisor can {operation.Action}; ask a supervisor to reassign it.");
            case CaseScope.Supervisor when !IsSupervisorOf(c):
                throw new ForbiddenException($"Only a supervisor (of this case's queue, or with the supervisor or admin role) can {operation.Action}.");
        }
    }
}

/// <summary>Builds <see cref="Viewer"/>s: the one place the rule's roles are read.</summary>
public sealed class NeedToKnow(IOptions<ConfidentialityOptions> options)
{
    public Viewer For(ClaimsPrincipal user, IEnumerable<string> supervisedQueues) => new(
        user.FindFirst("sub")?.Value,
        user.IsInRole(Roles.Admin),
        user.IsInRole(Roles.Supervisor),
        options.Value.ReaderRoles.Any(user.IsInRole),
        supervisedQueues.ToHashSet(StringComparer.Ordinal));

    /// <summary>
    /// The viewer, from a context's copy of the directory's queues: <paramref name="candidates"/> gives the rows
    /// (queue, comma-separated supervisor ids) whose ids may hold the caller's (a cheap pre-filter in SQL); the exact
    /// match on the comma list is done here.
    /// </summary>
    public async Task<Viewer> ForAsync(ClaimsPrincipal user, Func<string, CancellationToken, Task<List<(string Queue, string SupervisorIds)>>> candidates, CancellationToken ct)
    {
        var me = user.FindFirst("sub")?.Value;
        if (string.IsNullOrEmpty(me))
        {
            return For(user, []);
        }
        var rows = await candidates(me, ct);
        return For(user, rows.Where(r => r.SupervisorIds.Split(',', StringSplitOptions.RemoveEmptyEntries).Contains(me, StringComparer.Ordinal)).Select(r => r.Queue));
    }
}

public static class NeedToKnowQueries
{
    /// <summary>The rule as a query filter: the rows <paramref name="viewer"/> may see (the same test as <see cref="Viewer.MaySee"/>).</summary>
    public static IQueryable<T> VisibleTo<T>(this IQueryable<T> rows, Viewer viewer) where T : class, IConfidentialCase
    {
        if (viewer.IsAdmin || viewer.ReadsEveryConfidential)
        {
            return rows;
        }
        var me = viewer.StaffId ?? "";
        var queues = viewer.SupervisedQueues.ToList();
        // EF.Property names the mapped columns, whatever the entity type: the one filter serves both contexts.
        return rows.Where(c => !EF.Property<bool>(c, nameof(IConfidentialCase.Confidential))
            || EF.Property<string?>(c, nameof(IConfidentialCase.AssigneeId)) == me
            || queues.Contains(EF.Property<string?>(c, nameof(IConfidentialCase.QueueId))!));
    }
}
