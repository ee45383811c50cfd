using Complaints.Common.V1;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Errors;

namespace Complaints.Routing.Domain;

/// <summary>The kinds of audit-trail entries.</summary>
public static class EntryKinds
{
    public const string Transition = "transition";
    public const string Assignment = "assignment";
    public const string Note = "note";
    public const string PublicUpdate = "public_update";
    public const string InformationRequest = "information_request";
    public const string Deadline = "deadline";
    public const string Escalation = "escalation";
    public const string Severity = "severity";
    public const string Complainant = "complainant";
    public const string Investigation = "investigation";
    public const string Resolution = "resolution";
    public const string FinalResponse = "final_response";
    public const string System = "system";
}

/// <summary>
/// The case lifecycle as an explicit table: each status lists the statuses it may move to. An illegal
/// move is FailedPrecondition naming the statuses from which it is allowed. Escalation is a flag with a
/// tier, not a state.
/// </summary>
public static class CaseStateMachine
{
    private static readonly CaseStatus[] Open =
    [
        CaseStatus.Received, CaseStatus.Acknowledged, CaseStatus.InInvestigation, CaseStatus.AwaitingComplainant,
        CaseStatus.ResolutionProposed, CaseStatus.Reopened,
    ];

    private static readonly Dictionary<CaseStatus, CaseStatus[]> Allowed = new()
    {
        [CaseStatus.Received] = [CaseStatus.Acknowledged, CaseStatus.InInvestigation, CaseStatus.AwaitingComplainant, CaseStatus.Closed],
        [CaseStatus.Acknowledged] = [CaseStatus.InInvestigation, CaseStatus.AwaitingComplainant, CaseStatus.ResolutionProposed, CaseStatus.Closed],
        [CaseStatus.InInvestigation] = [CaseStatus.AwaitingComplainant, CaseStatus.ResolutionProposed, CaseStatus.Closed],
        [CaseStatus.AwaitingComplainant] = [CaseStatus.InInvestigation, CaseStatus.Closed],
        // A rejected proposal goes back to investigation; the final response resolves the case.
        [CaseStatus.ResolutionProposed] = [CaseStatus.InInvestigation, CaseStatus.AwaitingComplainant, CaseStatus.ResolutionProposed, CaseStatus.Resolved, CaseStatus.Closed],
        [CaseStatus.Resolved] = [CaseStatus.Closed, CaseStatus.Reopened],
        [CaseStatus.Closed] = [CaseStatus.Reopened],
        [CaseStatus.Reopened] = [CaseStatus.InInvestigation, CaseStatus.AwaitingComplainant, CaseStatus.ResolutionProposed, CaseStatus.Closed],
    };

    public static bool IsOpen(CaseStatus status) => Open.Contains(status);

    public static bool CanMove(CaseStatus from, CaseStatus to) => Allowed.TryGetValue(from, out var targets) && targets.Contains(to);

    /// <summary>The statuses from which <paramref name="to"/> can be reached.</summary>
    public static IReadOnlyList<CaseStatus> SourcesOf(CaseStatus to) =>
        Allowed.Where(kv => kv.Value.Contains(to)).Select(kv => kv.Key).ToList();

    /// <summary>Throws FailedPrecondition unless <paramref name="from"/> may move to <paramref name="to"/>.</summary>
    public static void Ensure(CaseStatus from, CaseStatus to, string action)
    {
        if (!CanMove(from, to))
        {
            throw new PreconditionException(
                $"Cannot {action} a case that is {ProtoEnums.Name(from)}; allowed only from {string.Join(", ", SourcesOf(to).Select(s => ProtoEnums.Name(s)))}.");
        }
    }

    /// <summary>Throws FailedPrecondition unless the case is in one of <paramref name="states"/>.</summary>
    public static void EnsureIn(CaseStatus current, string action, params CaseStatus[] states)
    {
        if (!states.Contains(current))
        {
            throw new PreconditionException(
                $"Cannot {action} a case that is {ProtoEnums.Name(current)}; allowed only in {string.Join(", ", states.Select(s => ProtoEnums.Name(s)))}.");
        }
    }

    public static CaseStatus[] OpenStatuses => Open;
}
