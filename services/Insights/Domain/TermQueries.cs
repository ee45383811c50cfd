using Complaints.Insights.Data;
using Complaints.Insights.V1;
using Complaints.ServiceDefaults.Errors;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Insights.Domain;

public sealed class TermQueries(InsightsDbContext db)
{
    /// <summary>A term used by fewer documents in the period is not shown: rare words (a name, a street) identify.</summary>
    public const int MinDocuments = 3;

    public async Task<GetTopTermsResponse> TopTermsAsync(GetTopTermsRequest request, CancellationToken ct)
    {
        var v = new Validator();
        if (request.Source.Length > 0 && !TermSources.All.Contains(request.Source))
        {
            v.Add("source", "must be one of " + string.Join(", ", TermSources.All));
        }
        if (request.Limit is < 0 or > 500)
        {
            v.Add("limit", "must be from 1 to 500");
        }
        var period = Period.Parse(request.From, request.To, v);
        var query = db.TermCounts.AsNoTracking().Where(t => t.Day >= period.From && t.Day <= period.To);
        if (request.Source.Length > 0)
        {
            query = query.Where(t => t.Source == request.Source);
        }
        if (request.Category.Length > 0)
        {
            query = query.Where(t => t.Category == request.Category);
        }
        if (request.Language.Length > 0)
        {
            var language = TermCounting.LanguageOf(request.Language);
            query = query.Where(t => t.Language == language);
        }
        var top = await query.GroupBy(t => t.Term)
            .Select(g => new { Term = g.Key, Count = g.Sum(t => t.Count) })
            .Where(x => x.Count >= MinDocuments)
            .OrderByDescending(x => x.Count).ThenBy(x => x.Term)
            .Take(request.Limit > 0 ? request.Limit : 20)
            .ToListAsync(ct);
        var response = new GetTopTermsResponse();
        response.Terms.AddRange(top.Select(t => new TermEntry { Term = t.Term, Count = t.Count }));
        return response;
    }

    /// <summary>Term signals of the same source and category, overlapping in days and sharing an example complaint.</summary>
    private static IEnumerable<string> Related(Signal signal, List<Signal> all)
    {
        if (signal.Kind != Detector.TermKind || signal.Examples.Length == 0)
        {
            return [];
        }
        var examples = signal.Examples.Split(',').ToHashSet(StringComparer.Ordinal);
        return all.Where(o => o.Id != signal.Id && o.Kind == Detector.TermKind && o.Source == signal.Source && o.Category == signal.Category
                && o.SinceDay <= signal.LastDay && o.LastDay >= signal.SinceDay && o.Examples.Split(',').Any(examples.Contains))
            .Select(o => o.Term).Distinct().Order(StringComparer.Ordinal);
    }

    public async Task<GetEmergingIssuesResponse> EmergingAsync(GetEmergingIssuesRequest request, CancellationToken ct)
    {
        var period = Period.Parse(request.From, request.To, new Validator());
        var signals = await db.Signals.AsNoTracking()
            .Where(s => s.LastDay >= period.From && s.SinceDay <= period.To)
            .ToListAsync(ct);
        var response = new GetEmergingIssuesResponse();
        response.Issues.AddRange(signals.OrderByDescending(s => s.ZScore).Take(200).Select(s => new EmergingIssue
        {
            Kind = s.Kind,
            Source = s.Source,
            Category = s.Category,
            Term = s.Term,
            Since = Days.Format(s.SinceDay),
            LastDay = Days.Format(s.LastDay),
            Observed = s.Observed,
            Baseline = s.Baseline,
            Ratio = Math.Round(s.Observed / Math.Max(s.Baseline, 1.0 / 28), 2),
            ZScore = s.ZScore,
            ExampleReferences = { s.Examples.Split(',', StringSplitOptions.RemoveEmptyEntries) },
            DetectedAt = Timestamp.FromDateTimeOffset(s.DetectedAt),
            RelatedTerms = { Related(s, signals) },
        }));
        return response;
    }
}
