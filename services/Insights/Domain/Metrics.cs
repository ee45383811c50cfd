using Complaints.Insights.Data;

namespace Complaints.Insights.Domain;

/// <summary>Names of the dimensions and metrics in <see cref="DailyMetric"/>.</summary>
public static class Metric
{
    public const string All = "all";
    public const string Category = "category";
    public const string Channel = "channel";
    public const string Jurisdiction = "jurisdiction";
    public const string Queue = "queue";
    public const string Fca = "fca";
    public const string Cfpb = "cfpb";
    /// <summary>Suggestions per topic and day (Insights' own records: a rebuild keeps them).</summary>
    public const string SuggestionTopic = "suggestion_topic";
    public const string Suggestions = "suggestions";

    public static readonly string[] Queryable = [Category, Channel, Jurisdiction, Queue];

    public const string Received = "received";
    public const string Closed = "closed";
    public const string Merged = "merged";
    /// <summary>+1 received or reopened after closing, -1 closed or merged: the sum up to a day is the backlog.</summary>
    public const string Backlog = "backlog";
    public const string FinalResponses = "final_responses";
    public const string SlaMet = "sla_met";
    public const string StatutoryDue = "statutory_due";
    public const string StatutoryMet = "statutory_met";
    // Cohort metrics, counted on the case's received day.
    public const string EscalatedCohort = "escalated_cohort";
    public const string ResolvedCohort = "resolved_cohort";
    public const string ReopenedCohort = "reopened_cohort";
    public const string ClosedWithin3Days = "closed_3d";
    public const string ClosedWithin8Weeks = "closed_8w";
    public const string Upheld = "upheld";
    public const string SurveyAnswers = "survey_answers";
    public const string SurveySatisfied = "survey_satisfied";
    public const string SurveyResolved = "survey_resolved";
    public const string SurveyEffortSum = "survey_effort_sum";
    /// <summary>Satisfaction 1-5 summed, for the dashboard's mean.</summary>
    public const string SurveySatisfactionSum = "survey_satisfaction_sum";
    public const string AcknowledgePrefix = "ack:";
    public const string ResolvePrefix = "resolve:";
    /// <summary>Amount in minor units per currency, e.g. "remedy:GBP".</summary>
    public const string RemedyPrefix = "remedy:";
    public const string RootCausePrefix = "root_cause:";
    /// <summary>Survey answers come from Insights' own data, not from a feed: a rebuild keeps them.</summary>
    public const string SurveyPrefix = "survey_";

    /// <summary>The (dimension, key) pairs a case's figures are attributed to, with <paramref name="queue"/> as its queue.</summary>
    public static IEnumerable<(string Dimension, string Key)> DimensionsOf(CaseFact fact, string queue)
    {
        yield return (All, string.Empty);
        yield return (Category, fact.Category);
        yield return (Channel, fact.Channel);
        yield return (Jurisdiction, fact.Jurisdiction);
        if (queue.Length > 0)
        {
            yield return (Queue, queue);
        }
        if (fact.FcaProductGroup.Length > 0)
        {
            yield return (Fca, fact.FcaProductGroup);
        }
    }
}

public static class Days
{
    public static int Of(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime).DayNumber;

    public static string Format(int day) => DateOnly.FromDayNumber(day).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Log-bucketed durations: bucket 0 holds under a minute, bucket b ≥ 1 holds [1.25^(b-1), 1.25^b) minutes and
/// is read back as its geometric middle 1.25^(b-0.5), within √1.25 − 1 ≈ 11.8 % of any value in it.
/// </summary>
public static class Histogram
{
    public const double Ratio = 1.25;
    public static readonly double RelativeErrorBound = Math.Sqrt(Ratio) - 1;

    public static int Bucket(TimeSpan duration)
    {
        var minutes = duration.TotalMinutes;
        return minutes < 1 ? 0 : 1 + (int)Math.Floor(Math.Log(minutes) / Math.Log(Ratio) + 1e-9);
    }

    public static double Hours(int bucket) => bucket == 0 ? 0 : Math.Pow(Ratio, bucket - 0.5) / 60;

    /// <summary>Nearest-rank quantile (rank ⌈q·n⌉) over bucket counts.</summary>
    public static double Quantile(IReadOnlyDictionary<int, long> buckets, double q)
    {
        var n = buckets.Values.Sum();
        if (n == 0)
        {
            return 0;
        }
        var rank = Math.Max(1, (long)Math.Ceiling(q * n - 1e-9));
        long seen = 0;
        foreach (var (bucket, count) in buckets.OrderBy(b => b.Key))
        {
            seen += count;
            if (seen >= rank)
            {
                return Hours(bucket);
            }
        }
        return Hours(buckets.Keys.Max());
    }
}

public static class MetricWriter
{
    private static readonly string[] Keys = [nameof(DailyMetric.Dimension), nameof(DailyMetric.Day), nameof(DailyMetric.Key), nameof(DailyMetric.Metric)];

    /// <summary>Adds to one day's metric atomically, inside the consumer's transaction (the inbox makes it count once).</summary>
    public static Task AddAsync(this InsightsDbContext db, int day, string dimension, string key, string metric, long delta, CancellationToken ct) =>
        db.AddAsync([(dimension, key)], day, metric, delta, ct);

    /// <summary>
    /// Adds to the metric for every dimension of the case, on the queue it is in now (an event figure), and to the
    /// dashboard's series cells of the case (buffered until the unit of work saves).
    /// </summary>
    public static Task AddAsync(this InsightsDbContext db, CaseFact fact, int day, string metric, long delta, CancellationToken ct)
    {
        db.Series.Add(SeriesCells.Of(fact, fact.Queue), day, metric, delta);
        return db.AddAsync(Metric.DimensionsOf(fact, fact.Queue), day, metric, delta, ct);
    }

    /// <summary>
    /// Adds a cohort figure: on the case's received day and its first queue, like its "received", so a rate's
    /// numerator and denominator are counted on the same day and queue.
    /// </summary>
    public static Task AddCohortAsync(this InsightsDbContext db, CaseFact fact, string metric, long delta, CancellationToken ct)
    {
        db.Series.Add(SeriesCells.Of(fact, fact.FirstQueue), Days.Of(fact.ReceivedAt), metric, delta);
        return db.AddAsync(Metric.DimensionsOf(fact, fact.FirstQueue), Days.Of(fact.ReceivedAt), metric, delta, ct);
    }

    public static Task AddAsync(this InsightsDbContext db, IEnumerable<(string Dimension, string Key)> dimensions, int day, string metric, long delta, CancellationToken ct)
    {
        if (db.BulkLoad)
        {
            foreach (var (dimension, key) in dimensions)
            {
                db.Series.AddDaily(dimension, day, key, metric, delta);
            }
            return Task.CompletedTask;
        }
        return db.UpsertAsync("daily_metric", Keys, nameof(DailyMetric.Value), Combine.Add,
            dimensions.Select(d => new object[] { d.Dimension, day, d.Key, metric, delta }).ToList(), ct);
    }
}
