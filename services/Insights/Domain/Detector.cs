using Complaints.Insights.Data;
using Complaints.ServiceDefaults.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Complaints.Insights.Domain;

/// <summary>Configuration <c>Insights:Detector</c>; the defaults are the ones evaluated in docs/insights.md.</summary>
public sealed class DetectorOptions
{
    /// <summary>Days of history forming the baseline (the day itself excluded).</summary>
    public int WindowDays { get; set; } = 28;
    /// <summary>A category or source needs this many days of history before anything is flagged.</summary>
    public int WarmUpDays { get; set; } = 14;
    public double ZThreshold { get; set; } = 4.5;
    /// <summary>At least this many documents on the day...</summary>
    public long MinCount { get; set; } = 5;
    /// <summary>...and at least this multiple of the baseline mean.</summary>
    public double MinRatio { get; set; } = 2.0;
}

public readonly record struct Score(bool Fires, double Mean, double ZScore, double Ratio);

/// <summary>
/// A rise above a moving baseline: mean μ and variance s² of the previous <c>WindowDays</c> daily counts
/// (missing days are zeros); z = (x − μ) / √max(s², μ, 1), so a count never judges against less than Poisson
/// noise. A day fires when z ≥ ZThreshold, x ≥ MinCount and x ≥ MinRatio·μ: the z threshold bounds the false-alarm
/// rate of the bulk, the count and ratio floors stop rare terms (tiny μ) and large steady ones from firing on noise.
/// </summary>
public static class SpikeTest
{
    public static Score Evaluate(IReadOnlyList<long> baseline, long observed, DetectorOptions o)
    {
        var n = baseline.Count;
        var mean = n == 0 ? 0 : baseline.Average();
        var variance = n < 2 ? 0 : baseline.Sum(b => (b - mean) * (b - mean)) / (n - 1);
        var z = (observed - mean) / Math.Sqrt(Math.Max(Math.Max(variance, mean), 1));
        var ratio = observed / Math.Max(mean, 1.0 / Math.Max(n, 1));
        return new Score(z >= o.ZThreshold && observed >= o.MinCount && observed >= o.MinRatio * mean, mean, z, ratio);
    }
}

/// <summary>Runs <see cref="SpikeTest"/> as documents arrive and keeps one signal per continuing rise.</summary>
public sealed class Detector(IOptions<DetectorOptions> options, TimeProvider clock)
{
    public const string CategoryKind = "category";
    public const string TermKind = "term";
    public const int MaxExamples = 5;

    private DetectorOptions O => options.Value;

    /// <summary>
    /// Records the first day seen for a source and category and returns it once the warm-up has passed (null before):
    /// days before it are not zeros of the baseline, they are unknown.
    /// </summary>
    public async Task<int?> WarmAsync(InsightsDbContext db, string source, string category, int day, CancellationToken ct)
    {
        var dimension = "first_day/" + source;
        await db.UpsertAsync("counter", [nameof(Counter.Dimension), nameof(Counter.Key)], nameof(Counter.Value), Combine.Min, [[dimension, category, (long)day]], ct);
        var first = await db.Counters.AsNoTracking().Where(c => c.Dimension == dimension && c.Key == category).Select(c => c.Value).FirstAsync(ct);
        return day - first >= O.WarmUpDays ? (int)first : null;
    }

    /// <summary>
    /// A volume series of day aggregates (a category's complaints received, a suggestion topic's suggestions) on the day
    /// against its baseline. Without <paramref name="record"/> (a rebuild's replay) it only warms up.
    /// </summary>
    public async Task CheckCategoryAsync(InsightsDbContext db, string source, string dimension, string key, string metric, int day, string reference,
        bool record, CancellationToken ct)
    {
        if (await WarmAsync(db, source, key, day, ct) is not { } firstDay || !record)
        {
            return;
        }
        var from = day - O.WindowDays;
        // The unit of work's own increments are in the database already (upserts in its transaction).
        var byDay = await db.DailyMetrics.AsNoTracking()
            .Where(m => m.Dimension == dimension && m.Key == key && m.Metric == metric && m.Day >= from && m.Day <= day)
            .ToDictionaryAsync(m => m.Day, m => m.Value, ct);
        await RecordAsync(db, CategoryKind, source, key, string.Empty, day, firstDay, byDay, reference, ct);
    }

    /// <summary>Each term of a document on the day against the term's baseline in that source and category.</summary>
    public async Task CheckTermsAsync(InsightsDbContext db, string source, string category, int day, IReadOnlyCollection<string> terms, string reference,
        bool record, CancellationToken ct)
    {
        if (terms.Count == 0 || await WarmAsync(db, source, category, day, ct) is not { } firstDay || !record)
        {
            return;
        }
        var from = day - O.WindowDays;
        var all = await db.TermCounts.AsNoTracking()
            .Where(t => t.Source == source && t.Category == category && terms.Contains(t.Term) && t.Day >= from && t.Day <= day)
            .Select(t => new { t.Term, t.Day, t.Count })
            .ToListAsync(ct);
        foreach (var term in terms)
        {
            var byDay = all.Where(t => t.Term == term).GroupBy(t => t.Day).ToDictionary(g => g.Key, g => g.Sum(t => t.Count));
            await RecordAsync(db, TermKind, source, category, term, day, firstDay, byDay, reference, ct);
        }
    }

    private async Task RecordAsync(InsightsDbContext db, string kind, string source, string category, string term, int day, int firstDay,
        Dictionary<int, long> byDay, string reference, CancellationToken ct)
    {
        var start = Math.Max(day - O.WindowDays, firstDay);
        var baseline = Enumerable.Range(start, day - start).Select(d => byDay.GetValueOrDefault(d)).ToList();
        var observed = byDay.GetValueOrDefault(day);
        var score = SpikeTest.Evaluate(baseline, observed, O);
        if (!score.Fires)
        {
            return;
        }
        var signal = db.Signals.Tracked().FirstOrDefault(s => s.Kind == kind && s.Source == source && s.Category == category && s.Term == term && s.LastDay >= day - 1)
            ?? await db.Signals.Where(s => s.Kind == kind && s.Source == source && s.Category == category && s.Term == term && s.LastDay >= day - 1)
                .OrderByDescending(s => s.LastDay).FirstOrDefaultAsync(ct);
        if (signal is null)
        {
            signal = new Signal { Kind = kind, Source = source, Category = category, Term = term, SinceDay = day, DetectedAt = clock.GetUtcNow() };
            db.Signals.Add(signal);
        }
        signal.LastDay = Math.Max(signal.LastDay, day);
        if (observed >= signal.Observed)
        {
            (signal.PeakDay, signal.Observed, signal.Baseline, signal.ZScore) = (day, observed, Math.Round(score.Mean, 3), Math.Round(score.ZScore, 2));
        }
        var examples = signal.Examples.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (reference.Length > 0 && examples.Count < MaxExamples && !examples.Contains(reference))
        {
            examples.Add(reference);
            signal.Examples = string.Join(',', examples);
        }
    }
}
