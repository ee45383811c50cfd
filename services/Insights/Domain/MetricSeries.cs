using Complaints.Insights.Data;

namespace Complaints.Insights.Domain;

/// <summary>The counter columns of <see cref="SeriesCell"/> and how <see cref="DailyMetric"/> names map onto them.</summary>
public static class SeriesColumns
{
    /// <summary>Histogram buckets per duration: bucket 63 starts at 1.25^62 minutes (about 708 days) and takes everything longer.</summary>
    public const int HistogramBuckets = 64;

    public const string AckPrefix = "Ack";
    public const string ResolvePrefix = "Resolve";

    public static readonly string[] Histograms =
        [.. Enumerable.Range(0, HistogramBuckets).Select(Ack), .. Enumerable.Range(0, HistogramBuckets).Select(Resolve)];

    /// <summary>Survey answers are Insights' own records, not a feed's: a rebuild keeps these columns (as it keeps the survey_ metrics).</summary>
    public static readonly string[] Survey =
    [
        nameof(SeriesCell.SurveyAnswers), nameof(SeriesCell.SurveySatisfied), nameof(SeriesCell.SurveyResolved),
        nameof(SeriesCell.SurveySatisfactionSum), nameof(SeriesCell.SurveyEffortSum),
    ];

    private static readonly Dictionary<string, string> Scalars = new(StringComparer.Ordinal)
    {
        [Metric.Received] = nameof(SeriesCell.Received),
        [Metric.Closed] = nameof(SeriesCell.Closed),
        [Metric.Merged] = nameof(SeriesCell.Merged),
        [Metric.Backlog] = nameof(SeriesCell.Backlog),
        [Metric.FinalResponses] = nameof(SeriesCell.FinalResponses),
        [Metric.SlaMet] = nameof(SeriesCell.SlaMet),
        [Metric.StatutoryDue] = nameof(SeriesCell.StatutoryDue),
        [Metric.StatutoryMet] = nameof(SeriesCell.StatutoryMet),
        [Metric.EscalatedCohort] = nameof(SeriesCell.Escalated),
        [Metric.ResolvedCohort] = nameof(SeriesCell.Resolved),
        [Metric.ReopenedCohort] = nameof(SeriesCell.Reopened),
        [Metric.SurveyAnswers] = nameof(SeriesCell.SurveyAnswers),
        [Metric.SurveySatisfied] = nameof(SeriesCell.SurveySatisfied),
        [Metric.SurveyResolved] = nameof(SeriesCell.SurveyResolved),
        [Metric.SurveySatisfactionSum] = nameof(SeriesCell.SurveySatisfactionSum),
        [Metric.SurveyEffortSum] = nameof(SeriesCell.SurveyEffortSum),
    };

    /// <summary>Every counter column, scalars first; a cell's deltas are an array in this order.</summary>
    public static readonly string[] All = [.. Scalars.Values, .. Histograms];

    private static readonly Dictionary<string, int> Index = All.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);

    public static readonly int BacklogIndex = Index[nameof(SeriesCell.Backlog)];

    public static string Ack(int bucket) => AckPrefix + bucket.ToString("00", System.Globalization.CultureInfo.InvariantCulture);

    public static string Resolve(int bucket) => ResolvePrefix + bucket.ToString("00", System.Globalization.CultureInfo.InvariantCulture);

    public static int IndexOf(string column) => Index[column];

    /// <summary>
    /// The column a daily metric also goes to, or null for the figures the dashboard does not chart (remedies, the
    /// FCA measures, upheld): "ack:17" → Ack17; a duration past the last bucket goes to the last bucket.
    /// </summary>
    public static int? ColumnOf(string metric)
    {
        if (Scalars.TryGetValue(metric, out var column))
        {
            return Index[column];
        }
        if (Histogram(metric, Metric.AcknowledgePrefix) is { } ack)
        {
            return Index[Ack(ack)];
        }
        if (Histogram(metric, Metric.ResolvePrefix) is { } resolve)
        {
            return Index[Resolve(resolve)];
        }
        return null;
    }

    private static int? Histogram(string metric, string prefix) =>
        metric.StartsWith(prefix, StringComparison.Ordinal)
        && int.TryParse(metric.AsSpan(prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bucket)
            ? Math.Min(bucket, HistogramBuckets - 1)
            : null;
}

/// <summary>A (category, channel, jurisdiction, queue) combination; <see cref="SeriesCells.Any"/> in a field stands for every value.</summary>
public readonly record struct Cell(string Category, string Channel, string Jurisdiction, string Queue);

public static class SeriesCells
{
    /// <summary>"Every value" in a cell's field. A real value "*" is stored as <see cref="Escaped"/>, so it never reads as a roll-up.</summary>
    public const string Any = "*";
    public const string Escaped = "(*)";

    public static string Key(string value) => value == Any ? Escaped : value;

    /// <summary>
    /// The cells a case's figure goes to: each of its four values or "every value", so 16 cells (8 before it has a
    /// queue: like GetMetrics' queue dimension, a case is in no queue until its first one is known).
    /// </summary>
    public static IEnumerable<Cell> Of(CaseFact fact, string queue, bool queueOnly = false)
    {
        string[] categories = [Key(fact.Category), Any];
        string[] channels = [Key(fact.Channel), Any];
        string[] jurisdictions = [Key(fact.Jurisdiction), Any];
        string[] queues = queue.Length == 0 ? (queueOnly ? [] : [Any]) : queueOnly ? [Key(queue)] : [Key(queue), Any];
        foreach (var c in categories)
        {
            foreach (var ch in channels)
            {
                foreach (var j in jurisdictions)
                {
                    foreach (var q in queues)
                    {
                        yield return new Cell(c, ch, j, q);
                    }
                }
            }
        }
    }

    /// <summary>year × 12 + month − 1 of a day number.</summary>
    public static int MonthOf(int day)
    {
        var date = DateOnly.FromDayNumber(day);
        return date.Year * 12 + date.Month - 1;
    }

    public static int FirstDayOfMonth(int month) => new DateOnly(month / 12, month % 12 + 1, 1).DayNumber;
}

/// <summary>
/// The series deltas of one unit of work, merged in memory and written by <see cref="InsightsDbContext.SaveChangesAsync(bool, CancellationToken)"/>
/// in its transaction: one upsert per table however many events and figures the unit holds (the subscriber's batch,
/// or the benchmark's). The inbox makes each event count once, as for <see cref="DailyMetric"/>.
/// </summary>
public sealed class SeriesBuffer
{
    private readonly Dictionary<(Cell Cell, int Day), long[]> _cells = [];
    private readonly Dictionary<(Cell Cell, int Day, string Cause), long> _causes = [];
    private readonly Dictionary<(Cell Cell, int Month), long> _months = [];

    private readonly Dictionary<(string Dimension, int Day, string Key, string Metric), long> _daily = [];

    public bool IsEmpty => _cells.Count == 0 && _causes.Count == 0 && _daily.Count == 0;

    /// <summary>A day metric's delta, held for the save (<see cref="InsightsDbContext.BulkLoad"/> only).</summary>
    public void AddDaily(string dimension, int day, string key, string metric, long delta) =>
        _daily[(dimension, day, key, metric)] = _daily.GetValueOrDefault((dimension, day, key, metric)) + delta;

    /// <summary>Adds a daily metric's delta to the cells, if the dashboard charts it (a root cause goes to its own table).</summary>
    public void Add(IEnumerable<Cell> cells, int day, string metric, long delta)
    {
        if (metric.StartsWith(Metric.RootCausePrefix, StringComparison.Ordinal))
        {
            var cause = metric[Metric.RootCausePrefix.Length..];
            foreach (var cell in cells)
            {
                _causes[(cell, day, cause)] = _causes.GetValueOrDefault((cell, day, cause)) + delta;
            }
            return;
        }
        if (SeriesColumns.ColumnOf(metric) is { } column)
        {
            Add(cells, day, column, delta);
        }
    }

    public void Add(IEnumerable<Cell> cells, int day, int column, long delta)
    {
        foreach (var cell in cells)
        {
            if (!_cells.TryGetValue((cell, day), out var values))
            {
                _cells[(cell, day)] = values = new long[SeriesColumns.All.Length];
            }
            values[column] += delta;
            if (column == SeriesColumns.BacklogIndex)
            {
                var month = (cell, SeriesCells.MonthOf(day));
                _months[month] = _months.GetValueOrDefault(month) + delta;
            }
        }
    }

    private static readonly string[] CellKeys =
        [nameof(SeriesCell.Category), nameof(SeriesCell.Channel), nameof(SeriesCell.Jurisdiction), nameof(SeriesCell.Queue)];

    public async Task FlushAsync(InsightsDbContext db, CancellationToken ct)
    {
        // Only the columns this unit of work touched: a live event's upsert carries a few columns, not 150.
        var used = Enumerable.Range(0, SeriesColumns.All.Length).Where(i => _cells.Values.Any(v => v[i] != 0)).ToArray();
        if (used.Length > 0)
        {
            await db.UpsertAsync("series_cell", [.. CellKeys, nameof(SeriesCell.Day)], [.. used.Select(i => SeriesColumns.All[i])], Combine.Add,
                _cells.Where(c => used.Any(i => c.Value[i] != 0))
                    .Select(c => (object[])[c.Key.Cell.Category, c.Key.Cell.Channel, c.Key.Cell.Jurisdiction, c.Key.Cell.Queue, c.Key.Day, .. used.Select(i => (object)c.Value[i])])
                    .ToList(), ct);
        }
        var causes = _causes.Where(c => c.Value != 0).ToList();
        if (causes.Count > 0)
        {
            await db.UpsertAsync("series_root_cause", [.. CellKeys, nameof(SeriesRootCause.Day), nameof(SeriesRootCause.RootCause)], nameof(SeriesRootCause.Count), Combine.Add,
                causes.Select(c => new object[] { c.Key.Cell.Category, c.Key.Cell.Channel, c.Key.Cell.Jurisdiction, c.Key.Cell.Queue, c.Key.Day, c.Key.Cause, c.Value }).ToList(), ct);
        }
        var months = _months.Where(m => m.Value != 0).ToList();
        if (months.Count > 0)
        {
            await db.UpsertAsync("series_backlog_month", [.. CellKeys, nameof(SeriesBacklogMonth.Month)], nameof(SeriesBacklogMonth.Backlog), Combine.Add,
                months.Select(m => new object[] { m.Key.Cell.Category, m.Key.Cell.Channel, m.Key.Cell.Jurisdiction, m.Key.Cell.Queue, m.Key.Month, m.Value }).ToList(), ct);
        }
        var daily = _daily.Where(d => d.Value != 0).ToList();
        if (daily.Count > 0)
        {
            await db.UpsertAsync("daily_metric", [nameof(DailyMetric.Dimension), nameof(DailyMetric.Day), nameof(DailyMetric.Key), nameof(DailyMetric.Metric)],
                nameof(DailyMetric.Value), Combine.Add, daily.Select(d => new object[] { d.Key.Dimension, d.Key.Day, d.Key.Key, d.Key.Metric, d.Value }).ToList(), ct);
        }
        _cells.Clear();
        _causes.Clear();
        _months.Clear();
        _daily.Clear();
    }
}
