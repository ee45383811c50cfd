using Complaints.Common.V1;
using Complaints.Routing.V1;

namespace Complaints.Web.Console;

/// <summary>
/// A queue view as its address says it (the filter form is a GET, so a view can be bookmarked and reloaded), read into
/// Routing's <see cref="CaseFilter"/>: the page's list and its live stream use the same one. Values the contracts do
/// not know are dropped, never sent.
/// </summary>
public sealed record QueueQuery(
    string View,
    string? Assignee,
    IReadOnlyList<CaseStatus> Statuses,
    IReadOnlyList<Severity> Severities,
    IReadOnlyList<int> Tiers,
    IReadOnlyList<Channel> Channels,
    IReadOnlyList<Jurisdiction> Jurisdictions,
    int Breaching,
    string Confidential,
    bool IncludeClosed,
    bool AwaitingApproval,
    CaseOrder Order)
{
    public static readonly int[] BreachingChoices = [4, 24, 72];

    public static QueueQuery From(IQueryCollection query)
    {
        static List<T> Enums<T>(IQueryCollection q, string key) where T : struct, Enum =>
            [.. q[key].Select(v => Enum.TryParse<T>(v, out var e) && Convert.ToInt32(e, System.Globalization.CultureInfo.InvariantCulture) != 0 ? (T?)e : null)
                .OfType<T>().Distinct()];
        return new QueueQuery(
            query["view"].ToString() is "all" or "approvals" ? query["view"].ToString() : "mine",
            query["assignee"].ToString() is { Length: > 0 and <= 64 } assignee ? assignee : null,
            Enums<CaseStatus>(query, "status"),
            Enums<Severity>(query, "severity"),
            [.. query["tier"].Select(v => int.TryParse(v, out var t) && t is >= 0 and <= 10 ? (int?)t : null).OfType<int>().Distinct()],
            Enums<Channel>(query, "channel"),
            // "None" is a real choice here: complaints under no regime.
            [.. query["jurisdiction"].Select(v => Enum.TryParse<Jurisdiction>(v, out var j) ? (Jurisdiction?)j : null).OfType<Jurisdiction>().Distinct()],
            int.TryParse(query["breaching"], out var hours) && BreachingChoices.Contains(hours) ? hours : 0,
            query["confidential"].ToString() is "only" or "exclude" ? query["confidential"].ToString() : "",
            query["closed"] == "true",
            query["view"] == "approvals",
            Enum.TryParse<CaseOrder>(query["order"], out var order) ? order : CaseOrder.NearestDeadline);
    }

    public CaseFilter Filter()
    {
        var filter = new CaseFilter
        {
            Mine = View == "mine" && Assignee is null,
            AssigneeId = Assignee ?? "",
            BreachingWithinHours = Breaching,
            Confidential = Confidential switch
            {
                "only" => ConfidentialFilter.Only,
                "exclude" => ConfidentialFilter.Exclude,
                _ => ConfidentialFilter.Any,
            },
            IncludeClosed = IncludeClosed,
            AwaitingApproval = AwaitingApproval,
        };
        filter.Statuses.AddRange(Statuses);
        filter.Severities.AddRange(Severities);
        filter.EscalationTiers.AddRange(Tiers);
        filter.Channels.AddRange(Channels);
        filter.Jurisdictions.AddRange(Jurisdictions);
        return filter;
    }
}
