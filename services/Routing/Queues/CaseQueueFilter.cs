using System.Globalization;
using System.Linq.Expressions;
using Complaints.Common.V1;
using Complaints.Routing.Data;
using Complaints.Routing.Directory;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Errors;

namespace Complaints.Routing.Queues;

/// <summary>The dimensions of a queue's filter; the counters leave out their own dimension's filter (faceted counts).</summary>
public enum CaseFacet
{
    /// <summary>Queue, "mine" and assignee: the scope, never left out.</summary>
    Scope,
    Status,
    Severity,
    EscalationTier,
    Channel,
    Jurisdiction,
    Confidential,
    BreachingSoon,
    AwaitingApproval,
}

/// <summary>
/// A validated <see cref="CaseFilter"/>, shared by ListCases and WatchCases: one predicate per filter, written once over
/// <see cref="ICaseFacts"/>, so the same expressions run in the database on cases (the list, its counters) and in memory
/// on revisions (the watch). Repeated values are alternatives; filters combine.
/// </summary>
public sealed class CaseQueueFilter
{
    public const int DefaultBreachingSoonHours = 24;
    private const int MaxValues = 50;
    private const int MaxHours = 24 * 366;

    private CaseQueueFilter()
    {
    }

    public string? QueueId { get; private init; }
    public bool Mine { get; private init; }
    public string? AssigneeId { get; private init; }
    public IReadOnlyList<int> Statuses { get; private init; } = [];
    public bool IncludeClosed { get; private init; }
    public IReadOnlyList<int> Severities { get; private init; } = [];
    public int MinSeverity { get; private init; }
    public IReadOnlyList<int> EscalationTiers { get; private init; } = [];
    public IReadOnlyList<int> Channels { get; private init; } = [];
    public IReadOnlyList<int> Jurisdictions { get; private init; } = [];
    public ConfidentialFilter Confidential { get; private init; }
    public int BreachingWithinHours { get; private init; }
    public bool AwaitingApproval { get; private init; }

    /// <summary>The window the "breaching soon" counter uses: the filter's, else a day.</summary>
    public int BreachingSoonHours => BreachingWithinHours > 0 ? BreachingWithinHours : DefaultBreachingSoonHours;

    /// <summary>The statuses the status counter counts: open ones (all with include_closed), plus any the filter names.</summary>
    public IReadOnlyList<int>? StatusCounterDomain => IncludeClosed ? null : [.. StaffDirectory.OpenStatusCodes.Union(Statuses).Order()];

    /// <summary>The filter in one canonical line (sorted, distinct values): equal filters give equal lines (page tokens).</summary>
    public string Canonical => string.Join('|',
        QueueId, Mine ? "m" : "", AssigneeId, Join(Statuses), IncludeClosed ? "c" : "", Join(Severities), MinSeverity, Join(EscalationTiers),
        Join(Channels), Join(Jurisdictions), (int)Confidential, BreachingWithinHours, AwaitingApproval ? "a" : "");

    /// <summary>Validates <paramref name="filter"/> into <paramref name="v"/>, naming fields "filter.…".</summary>
    public static CaseQueueFilter Parse(CaseFilter? filter, Validator v, int maxEscalationTier)
    {
        filter ??= new CaseFilter();
        const string P = "filter.";
        var queue = Id(v, P + "queueId", filter.QueueId, 64);
        var assignee = Id(v, P + "assigneeId", filter.AssigneeId, 200);
        if (filter.BreachingWithinHours is < 0 or > MaxHours)
        {
            v.Add(P + "breachingWithinHours", $"must be between 0 (no filter) and {MaxHours}");
        }
        if (!Enum.IsDefined(filter.MinSeverity))
        {
            v.Add(P + "minSeverity", "is not a severity");
        }
        if (!Enum.IsDefined(filter.Confidential))
        {
            v.Add(P + "confidential", "is not a confidential filter");
        }
        return new CaseQueueFilter
        {
            QueueId = queue == "mine" ? null : queue,
            Mine = filter.Mine || queue == "mine",
            AssigneeId = assignee,
            Statuses = Values(v, P + "statuses", filter.Statuses, s => Enum.IsDefined(s) && s != CaseStatus.Unspecified, "is not a case status"),
            IncludeClosed = filter.IncludeClosed,
            Severities = Values(v, P + "severities", filter.Severities, s => Enum.IsDefined(s) && s != Severity.Unspecified, "is not a severity"),
            MinSeverity = (int)filter.MinSeverity,
            EscalationTiers = Values(v, P + "escalationTiers", filter.EscalationTiers, t => t >= 0 && t <= maxEscalationTier,
                $"must be between 0 (not escalated) and {maxEscalationTier}"),
            Channels = Values(v, P + "channels", filter.Channels, c => Enum.IsDefined(c) && c != Channel.Unspecified, "is not a channel"),
            // UNSPECIFIED is a value here: the cases with no jurisdiction.
            Jurisdictions = Values(v, P + "jurisdictions", filter.Jurisdictions, Enum.IsDefined, "is not a jurisdiction"),
            Confidential = filter.Confidential,
            BreachingWithinHours = filter.BreachingWithinHours,
            AwaitingApproval = filter.AwaitingApproval,
        };
    }

    /// <summary>"mine" with someone else's id selects nothing useful: refused, naming the field.</summary>
    public void EnsureConsistent(string? me, Validator v)
    {
        if (Mine && AssigneeId is not null && AssigneeId != me)
        {
            v.Add("filter.assigneeId", "must be empty or the caller's own id when mine is set");
        }
    }

    /// <summary>
    /// The filter's predicates with their dimension. <paramref name="me"/> is the caller's staff id ("mine");
    /// <paramref name="now"/> places the breaching window.
    /// </summary>
    public List<(CaseFacet Facet, Expression<Func<T, bool>> Predicate)> Parts<T>(string? me, DateTimeOffset now) where T : class, ICaseFacts
    {
        var parts = new List<(CaseFacet, Expression<Func<T, bool>>)>();
        void Add(CaseFacet facet, Expression<Func<T, bool>> predicate) => parts.Add((facet, predicate));
        if (Mine)
        {
            var mine = me ?? "";
            Add(CaseFacet.Scope, c => c.AssigneeId == mine);
        }
        if (AssigneeId is { } assignee)
        {
            Add(CaseFacet.Scope, c => c.AssigneeId == assignee);
        }
        if (QueueId is { } queue)
        {
            Add(CaseFacet.Scope, c => c.QueueId == queue);
        }
        if (Statuses.Count > 0)
        {
            var statuses = Statuses.ToList();
            Add(CaseFacet.Status, c => statuses.Contains(c.Status));
        }
        else if (!IncludeClosed)
        {
            var open = StaffDirectory.OpenStatusCodes.ToList();
            Add(CaseFacet.Status, c => open.Contains(c.Status));
        }
        if (Severities.Count > 0)
        {
            var severities = Severities.ToList();
            Add(CaseFacet.Severity, c => severities.Contains(c.Severity));
        }
        if (MinSeverity > 0)
        {
            var min = MinSeverity;
            Add(CaseFacet.Severity, c => c.Severity >= min);
        }
        if (EscalationTiers.Count > 0)
        {
            var tiers = EscalationTiers.ToList();
            Add(CaseFacet.EscalationTier, c => tiers.Contains(c.EscalationTier));
        }
        if (Channels.Count > 0)
        {
            var channels = Channels.ToList();
            Add(CaseFacet.Channel, c => channels.Contains(c.Channel));
        }
        if (Jurisdictions.Count > 0)
        {
            var jurisdictions = Jurisdictions.ToList();
            Add(CaseFacet.Jurisdiction, c => jurisdictions.Contains(c.Jurisdiction));
        }
        if (Confidential == ConfidentialFilter.Only)
        {
            Add(CaseFacet.Confidential, c => c.Confidential);
        }
        else if (Confidential == ConfidentialFilter.Exclude)
        {
            Add(CaseFacet.Confidential, c => !c.Confidential);
        }
        if (BreachingWithinHours > 0)
        {
            Add(CaseFacet.BreachingSoon, BreachingBy<T>(now.AddHours(BreachingWithinHours)));
        }
        if (AwaitingApproval)
        {
            Add(CaseFacet.AwaitingApproval, c => c.AwaitingApproval);
        }
        return parts;
    }

    /// <summary>A running deadline due by <paramref name="until"/> (overdue ones included).</summary>
    public static Expression<Func<T, bool>> BreachingBy<T>(DateTimeOffset until) where T : class, ICaseFacts =>
        c => c.NextDeadline != null && c.NextDeadline <= until;

    /// <summary>The rows every filter selects but <paramref name="except"/>'s (in the database).</summary>
    public IQueryable<T> Apply<T>(IQueryable<T> rows, string? me, DateTimeOffset now, CaseFacet? except = null) where T : class, ICaseFacts
    {
        foreach (var (facet, predicate) in Parts<T>(me, now))
        {
            if (facet != except)
            {
                rows = rows.Where(predicate);
            }
        }
        return rows;
    }

    /// <summary>The same test in memory (a watch's revisions).</summary>
    public Func<T, bool> Compile<T>(string? me, DateTimeOffset now) where T : class, ICaseFacts
    {
        var tests = Parts<T>(me, now).Select(p => p.Predicate.Compile()).ToList();
        return row => tests.TrueForAll(test => test(row));
    }

    private static string? Id(Validator v, string field, string value, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var text = v.Text(field, value.Trim(), 1, max, allowNewlines: false);
        return text;
    }

    private static List<int> Values<TValue>(Validator v, string field, IList<TValue> values, Func<TValue, bool> valid, string problem) where TValue : notnull
    {
        if (values.Count > MaxValues)
        {
            v.Add(field, $"must have at most {MaxValues} values");
            return [];
        }
        for (var i = 0; i < values.Count; i++)
        {
            if (!valid(values[i]))
            {
                v.Add($"{field}[{i}]", problem);
            }
        }
        return [.. values.Select(x => Convert.ToInt32(x, CultureInfo.InvariantCulture)).Distinct().Order()];
    }

    private static string Join(IEnumerable<int> values) => string.Join(',', values.Select(x => x.ToString(CultureInfo.InvariantCulture)));
}
