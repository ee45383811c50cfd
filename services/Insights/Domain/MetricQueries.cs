using Complaints.Insights.Data;
using Complaints.Insights.V1;
using Complaints.ServiceDefaults.Errors;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Insights.Domain;

/// <summary>Reads the day-bucketed aggregates: cost grows with days × keys × metrics, never with complaints.</summary>
public sealed class MetricQueries(InsightsDbContext db)
{
    public async Task<GetMetricsResponse> MetricsAsync(GetMetricsRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var dimension = request.Dimension.Trim();
        if (dimension.Length > 0 && !Metric.Queryable.Contains(dimension))
        {
            v.Add("dimension", "must be one of " + string.Join(", ", Metric.Queryable));
        }
        var period = Period.Parse(request.From, request.To, v);
        var response = new GetMetricsResponse { From = request.From, To = request.To };
        response.Totals = (await ComputeAsync(Metric.All, period, ct)).FirstOrDefault() ?? Empty(Metric.All, string.Empty);
        if (dimension.Length > 0)
        {
            response.Rows.AddRange((await ComputeAsync(dimension, period, ct))
                .OrderByDescending(r => r.Received).ThenBy(r => r.Key, StringComparer.Ordinal));
        }
        return response;
    }

    /// <summary>Every metric for every key of one dimension over the period.</summary>
    public async Task<List<V1.Metrics>> ComputeAsync(string dimension, Period period, CancellationToken ct)
    {
        var rows = await db.DailyMetrics.AsNoTracking()
            .Where(m => m.Dimension == dimension && m.Day >= period.From && m.Day <= period.To)
            .GroupBy(m => new { m.Key, m.Metric })
            .Select(g => new { g.Key.Key, g.Key.Metric, Value = g.Sum(m => m.Value) })
            .ToListAsync(ct);
        var backlog = await BacklogAsync(dimension, period.To, ct);
        var keys = rows.Select(r => r.Key).Union(backlog.Where(b => b.Value != 0).Select(b => b.Key)).Distinct();
        return keys.Select(key =>
        {
            var values = rows.Where(r => r.Key == key).ToDictionary(r => r.Metric, r => r.Value, StringComparer.Ordinal);
            return Build(dimension, key, values, backlog.GetValueOrDefault(key));
        }).ToList();
    }

    /// <summary>Open cases per key at the end of <paramref name="day"/>: the running sum of the backlog rows.</summary>
    public Task<Dictionary<string, long>> BacklogAsync(string dimension, int day, CancellationToken ct) =>
        db.DailyMetrics.AsNoTracking()
            .Where(m => m.Dimension == dimension && m.Metric == Metric.Backlog && m.Day <= day)
            .GroupBy(m => m.Key)
            .Select(g => new { g.Key, Value = g.Sum(m => m.Value) })
            .ToDictionaryAsync(x => x.Key, x => x.Value, ct);

    private static V1.Metrics Empty(string dimension, string key) => Build(dimension, key, new Dictionary<string, long>(), 0);

    public static V1.Metrics Build(string dimension, string key, IReadOnlyDictionary<string, long> values, long backlog)
    {
        long Get(string metric) => values.GetValueOrDefault(metric);
        var resolved = Get(Metric.ResolvedCohort);
        var answers = Get(Metric.SurveyAnswers);
        var metrics = new V1.Metrics
        {
            Dimension = dimension,
            Key = key,
            Received = Get(Metric.Received),
            Closed = Get(Metric.Closed),
            Merged = Get(Metric.Merged),
            FinalResponses = Get(Metric.FinalResponses),
            Backlog = backlog,
            TimeToAcknowledge = Durations(values, Metric.AcknowledgePrefix),
            TimeToResolve = Durations(values, Metric.ResolvePrefix),
            SlaCompliance = Rate(Get(Metric.SlaMet), Get(Metric.FinalResponses)),
            StatutoryCompliance = Rate(Get(Metric.StatutoryMet), Get(Metric.StatutoryDue)),
            EscalationRate = Rate(Get(Metric.EscalatedCohort), Get(Metric.Received)),
            ReopenRate = Rate(Get(Metric.ReopenedCohort), resolved),
            Csat = Rate(Get(Metric.SurveySatisfied), answers),
            SurveyResolutionRate = Rate(Get(Metric.SurveyResolved), answers),
            AverageEffort = answers == 0 ? 0 : Math.Round((double)Get(Metric.SurveyEffortSum) / answers, 2),
        };
        metrics.RemedyTotals.AddRange(values.Where(v => v.Key.StartsWith(Metric.RemedyPrefix, StringComparison.Ordinal))
            .OrderBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => Money(v.Key[Metric.RemedyPrefix.Length..], v.Value)));
        return metrics;
    }

    public static MoneyTotal Money(string currency, long minor) => new() { Currency = currency, Amount = Remedies.Format(currency, minor) };

    public static Rate Rate(long numerator, long denominator) => new()
    {
        Numerator = numerator,
        Denominator = denominator,
        Percent = denominator == 0 ? 0 : Math.Round(100.0 * numerator / denominator, 2),
    };

    private static DurationStats Durations(IReadOnlyDictionary<string, long> values, string prefix)
    {
        var buckets = values.Where(v => v.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(v => int.Parse(v.Key[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture), v => v.Value);
        return new DurationStats
        {
            Count = buckets.Values.Sum(),
            MedianHours = Math.Round(Histogram.Quantile(buckets, 0.5), 3),
            P90Hours = Math.Round(Histogram.Quantile(buckets, 0.9), 3),
        };
    }

    /// <summary>
    /// Root causes of the final responses sent in the period, largest first: overall, for one key of a dimension, or
    /// one Pareto per key of a dimension (each final response goes to the queue the case was in when it was sent).
    /// </summary>
    public async Task<GetRootCausesResponse> RootCausesAsync(GetRootCausesRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var dimension = request.Dimension.Trim();
        var key = request.Key;
        if (request.Category.Length > 0)
        {
            if (dimension.Length > 0 && dimension != Metric.Category)
            {
                v.Add("category", "cannot be combined with another dimension (use dimension and key)");
            }
            (dimension, key) = (Metric.Category, request.Category);
        }
        if (dimension.Length > 0 && !Metric.Queryable.Contains(dimension))
        {
            v.Add("dimension", "must be one of " + string.Join(", ", Metric.Queryable));
        }
        if (dimension.Length == 0 && key.Length > 0)
        {
            v.Add("key", "needs a dimension");
        }
        var period = Period.Parse(request.From, request.To, v);
        var query = db.DailyMetrics.AsNoTracking()
            .Where(m => m.Day >= period.From && m.Day <= period.To && m.Metric.StartsWith(Metric.RootCausePrefix));
        query = dimension.Length == 0 ? query.Where(m => m.Dimension == Metric.All)
            : key.Length > 0 ? query.Where(m => m.Dimension == dimension && m.Key == key)
            : query.Where(m => m.Dimension == dimension || m.Dimension == Metric.All);
        var counts = await query
            .GroupBy(m => new { m.Dimension, m.Key, m.Metric })
            .Select(g => new { g.Key.Dimension, g.Key.Key, g.Key.Metric, Count = g.Sum(m => m.Value) })
            .ToListAsync(ct);
        var overall = counts.Where(c => dimension.Length == 0 || key.Length > 0 || c.Dimension == Metric.All)
            .Select(c => (Cause(c.Metric), c.Count)).ToList();
        var response = new GetRootCausesResponse();
        response.Entries.AddRange(Pareto(overall, out var total));
        response.Total = total;
        if (dimension.Length > 0 && key.Length == 0)
        {
            foreach (var group in counts.Where(c => c.Dimension == dimension).GroupBy(c => c.Key))
            {
                var entries = Pareto(group.Select(c => (Cause(c.Metric), c.Count)).ToList(), out var groupTotal);
                if (groupTotal > 0)
                {
                    response.Groups.Add(new RootCauseGroup { Key = group.Key, Total = groupTotal, Entries = { entries } });
                }
            }
            var ordered = response.Groups.OrderByDescending(g => g.Total).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
            response.Groups.Clear();
            response.Groups.AddRange(ordered);
        }
        return response;
    }

    private static string Cause(string metric) => metric[Metric.RootCausePrefix.Length..];

    /// <summary>Root causes largest first (ties by name), with share and cumulative share of the total.</summary>
    public static List<RootCauseEntry> Pareto(List<(string Cause, long Count)> counts, out long total)
    {
        total = counts.Sum(c => c.Count);
        var entries = new List<RootCauseEntry>();
        long cumulative = 0;
        foreach (var c in counts.Where(c => c.Count > 0).OrderByDescending(c => c.Count).ThenBy(c => c.Cause, StringComparer.Ordinal))
        {
            cumulative += c.Count;
            entries.Add(new RootCauseEntry
            {
                RootCause = c.Cause,
                Count = c.Count,
                Percent = Math.Round(100.0 * c.Count / total, 2),
                CumulativePercent = Math.Round(100.0 * cumulative / total, 2),
            });
        }
        return entries;
    }
}
