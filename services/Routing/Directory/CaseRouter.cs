using System.Security.Claims;
using Complaints.Common.V1;
using Complaints.Routing.Data;
using Complaints.Routing.Domain;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Auth;
using Complaints.ServiceDefaults.Errors;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Routing.Directory;

/// <summary>Applies the ordered routing rules, then assigns the least-loaded available agent with the needed skills.</summary>
public sealed class CaseRouter(CaseJournal journal, TimeProvider clock, ILogger<CaseRouter> logger)
{
    /// <summary>
    /// Sets QueueId, DesignatedContactId and (when one is available) AssigneeId on the case and records the
    /// assignment entry and the CaseAssigned event. Callers save the context.
    /// <paramref name="beforeRecord"/> appends what must precede the assignment on the feed, once the queue is known.
    /// </summary>
    public async Task RouteAsync(RoutingDbContext db, Case c, DateTimeOffset at, CancellationToken ct, Action? beforeRecord = null)
    {
        var directory = new StaffDirectory(db, clock);
        var rules = await directory.RulesAsync(ct);
        var rule = RoutingRuleMatcher.FirstMatch(rules, c);
        var queue = await directory.FindQueueAsync(rule?.QueueId ?? rules.DefaultQueueId, ct)
            // The rules were valid when saved; a queue cannot be deleted, but stay safe.
            ?? await directory.FindQueueAsync(StaffDirectory.DefaultQueueId, ct);
        c.QueueId = queue!.Id;
        c.DesignatedContactId = rule?.DesignatedContactId is { Length: > 0 } contact ? contact : queue.DesignatedContactId;
        var assignee = await PickAgentAsync(db, c, queue.Id, at, ct);
        c.AssigneeId = assignee;
        var why = rule is null ? "no routing rule matched: default queue" : $"routing rule \"{rule.Name}\"";
        beforeRecord?.Invoke();
        Record(db, c, queue, previous: null, CaseJournal.System, at,
            assignee is null ? $"No agent of queue {queue.Id} is available; the case waits in the queue unassigned ({why})." : $"Routed by {why}.",
            reason: null);
        logger.LogDebug("Case {Reference} routed to {Queue}, assignee {Assignee}", c.Reference, queue.Id, assignee ?? "(none)");
    }

    /// <summary>
    /// Manual assign or reassign: a supervisor may assign anyone and reassign; an agent may only take an
    /// unassigned case for themselves. An empty assignee picks the least-loaded agent of the queue.
    /// </summary>
    public async Task AssignAsync(RoutingDbContext db, Case c, string? queueId, string? assigneeId, string actor, Viewer viewer, string? reason, DateTimeOffset at, CancellationToken ct)
    {
        if (!CaseStateMachine.IsOpen((CaseStatus)c.Status))
        {
            throw new PreconditionException($"Case {c.Reference} is {(CaseStatus)c.Status}: only an open case can be assigned.");
        }
        var directory = new StaffDirectory(db, clock);
        var targetQueueId = string.IsNullOrWhiteSpace(queueId) ? c.QueueId ?? StaffDirectory.DefaultQueueId : queueId.Trim();
        var queue = await directory.FindQueueAsync(targetQueueId, ct) ?? throw new ValidationException("queueId", $"no queue {targetQueueId}");
        var queueChanges = queue.Id != c.QueueId;
        // StaffOperations.AssignCase: a supervisor of the case (moving it, of the target queue too); otherwise the agent's own take below.
        var supervised = viewer.SupervisedQueues;
        var supervisor = viewer.IsAdmin || viewer.IsSupervisor
            || (c.QueueId is null || supervised.Contains(c.QueueId)) && supervised.Contains(queue.Id);
        var wanted = string.IsNullOrWhiteSpace(assigneeId) ? null : assigneeId.Trim();

        if (!supervisor)
        {
            // An agent takes an unassigned case of the same queue, for themselves only.
            if (c.AssigneeId is not null)
            {
                throw new ForbiddenException("The case is assigned: only a supervisor can reassign it.");
            }
            if (queueChanges)
            {
                throw new ForbiddenException("Only a supervisor can move a case to another queue.");
            }
            if (wanted is not null && wanted != actor)
            {
                throw new ForbiddenException("An agent can only take a case for themselves.");
            }
            wanted = actor;
        }
        if (wanted is not null && !await db.Set<StaffAgent>().AnyAsync(a => a.Id == wanted, ct))
        {
            throw new ValidationException("assigneeId", $"no agent {wanted} in the directory");
        }
        wanted ??= await PickAgentAsync(db, c, queue.Id, at, ct);
        if (wanted is null && !queueChanges)
        {
            throw new PreconditionException($"No agent of queue {queue.Id} is available with the skills this case needs.");
        }
        if (wanted == c.AssigneeId && !queueChanges)
        {
            return; // Already so: nothing to record.
        }
        var previous = c.AssigneeId;
        if (queueChanges)
        {
            c.QueueId = queue.Id;
            c.DesignatedContactId = queue.DesignatedContactId;
        }
        c.AssigneeId = wanted;
        // Status is left alone: starting the investigation is its own action.
        Record(db, c, queue, previous, actor, at,
            wanted is null ? $"Moved to queue {queue.Id}; no agent is available, the case waits unassigned." : null, reason);
    }

    /// <summary>
    /// The least-loaded agent of the queue (open cases over capacity, then fewest open cases, then id) who is
    /// active, present at <paramref name="at"/>, below capacity, speaks the case's language and handles its category.
    /// </summary>
    public static async Task<string?> PickAgentAsync(RoutingDbContext db, Case c, string queueId, DateTimeOffset at, CancellationToken ct)
    {
        var agents = (await db.Set<StaffAgent>().AsNoTracking()
                .Where(a => a.Active && a.Capacity > 0 && a.QueueIds.Contains(queueId))
                .Where(a => !a.Absences.Any(x => x.From <= at && x.Until > at))
                .ToListAsync(ct))
            .Where(a => StaffDirectory.Split(a.QueueIds).Contains(queueId))
            .Where(a => Speaks(a, c.PreferredLanguage) && Handles(a, c.Category))
            .ToList();
        if (agents.Count == 0)
        {
            return null;
        }
        var load = await StaffDirectory.OpenCasesAsync(db, agents.Select(a => a.Id).ToList(), ct);
        return agents
            .Select(a => (Agent: a, Open: load.GetValueOrDefault(a.Id)))
            .Where(x => x.Open < x.Agent.Capacity)
            .OrderBy(x => (double)x.Open / x.Agent.Capacity)
            .ThenBy(x => x.Open)
            .ThenBy(x => x.Agent.Id, StringComparer.Ordinal)
            .Select(x => x.Agent.Id)
            .FirstOrDefault();
    }

    private static bool Speaks(StaffAgent a, string? language) =>
        string.IsNullOrWhiteSpace(language)
        || StaffDirectory.Split(a.Languages).Any(l => RoutingRuleMatcher.LanguagePrefix(l, language) || RoutingRuleMatcher.LanguagePrefix(language, l));

    private static bool Handles(StaffAgent a, string category)
    {
        var categories = StaffDirectory.Split(a.Categories);
        return categories.Length == 0 || categories.Contains(category, StringComparer.OrdinalIgnoreCase);
    }

    private void Record(RoutingDbContext db, Case c, CaseQueue queue, string? previous, string actor, DateTimeOffset at, string? detail, string? reason)
    {
        var title = c.AssigneeId is null ? $"Queued in {queue.Id}, unassigned"
            : previous is null ? $"Assigned to {c.AssigneeId} ({queue.Id})"
            : $"Reassigned from {previous} to {c.AssigneeId} ({queue.Id})";
        journal.Record(db, c, EntryKinds.Assignment, title, actor, detail, isPublic: false, reason: reason, at: at);
        var e = new CaseAssigned
        {
            ComplaintId = c.ComplaintId.ToString(),
            Reference = c.Reference,
            QueueId = queue.Id,
            AssigneeId = c.AssigneeId ?? "",
            PreviousAssigneeId = previous ?? "",
            DesignatedContactId = c.DesignatedContactId ?? "",
            Confidential = c.Confidential,
            At = Timestamp.FromDateTimeOffset(at),
            Actor = actor,
            Category = c.Category,
            Jurisdiction = (Jurisdiction)c.Jurisdiction,
        };
        e.SupervisorIds.AddRange(StaffDirectory.Split(queue.SupervisorIds));
        journal.Append(db, c, e);
    }
}

/// <summary>
/// The caller as the need-to-know rule (<see cref="NeedToKnow"/>) sees them in Routing: the queues they supervise come
/// from the directory, read once per call.
/// </summary>
public sealed class CaseAccess(RoutingDbContext db, NeedToKnow rule, TimeProvider clock)
{
    public async Task<Viewer> ViewerAsync(ClaimsPrincipal user, CancellationToken ct) =>
        rule.For(user, await new StaffDirectory(db, clock).QueuesSupervisedByAsync(user.StaffId(), ct));
}

/// <summary>The complaint's words for triage, fetched from Intake when a case opens; scanned, never stored.</summary>
public interface IComplaintTextSource
{
    Task<string?> GetTextAsync(Guid complaintId, CancellationToken ct);
}
