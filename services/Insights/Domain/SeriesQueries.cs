using System.Data.Common;
using System.Text;
using Complaints.Insights.Data;
using Complaints.Insights.V1;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Errors;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Complaints.Insights.Domain;

/// <summary>
/// The dashboard's series: reads only the pre-summed cells of the filters asked for (a filter left empty reads its
/// "every value" cells), so the rows read are days × cells asked for, whatever the number of complaints behind them.
/// </summary>
public sealed class SeriesQueries(InsightsDbContext db)
{
    /// <summary>Points per answer: a year of days, seven years of weeks, or the whole period's ten years of months.</summary>
    public const int MaxBuckets = 366;
    /// <summary>Values per filter, so the cells read stay bounded (days × the product of the filters' sizes).</summary>
    public const int MaxFilterValues = 50;

    public async Task<GetMetricSeriesResponse> SeriesAsync(GetMetricSeriesRequest request, CancellationToken ct)
    {
        var v = new Validator();
        if (request.Bucket is not (SeriesBucket.Day or SeriesBucket.Week or SeriesBucket.Month))
        {
            v.Add("bucket", request.Bucket == SeriesBucket.Unspecified ? "is required: DAY, WEEK or MONTH" : "must be DAY, WEEK or MONTH");
        }
        var categories = Strings(v, "category", request.Category);
        var channels = Enums(v, "channel", request.Channel);
        var jurisdictions = Enums(v, "jurisdiction", request.Jurisdiction);
        var queues = Strings(v, "queueId", request.QueueId);
        var period = Period.Parse(request.From, request.To, v);
        var buckets = Buckets(period, request.Bucket);
        if (buckets.Count > MaxBuckets)
        {
            new Validator().Add("to", $"the period must hold at most {MaxBuckets} buckets (got {buckets.Count})").ThrowIfInvalid();
        }

        var filter = new Filter(categories, channels, jurisdictions, queues);
        // From the first of the start's month: the days before `from` complete the opening balance of the month rows.
        var monthStart = SeriesCells.FirstDayOfMonth(SeriesCells.MonthOf(period.From));
        var days = await DaysAsync(filter, monthStart, period.To, ct);
        var backlog = await BacklogBeforeMonthAsync(filter, SeriesCells.MonthOf(period.From), ct)
            + days.Where(d => d.Key < period.From).Sum(d => d.Value[SeriesColumns.BacklogIndex]);

        var response = new GetMetricSeriesResponse { From = request.From, To = request.To, Bucket = request.Bucket };
        foreach (var (start, end) in buckets)
        {
            var sums = new long[SeriesColumns.All.Length];
            for (var day = start; day <= end; day++)
            {
                if (days.TryGetValue(day, out var values))
                {
                    for (var i = 0; i < sums.Length; i++)
                    {
                        sums[i] += values[i];
                    }
                }
            }
            backlog += sums[SeriesColumns.BacklogIndex];
            response.Points.Add(Point(start, end, sums, backlog));
        }
        var causes = await RootCausesAsync(filter, period, ct);
        response.RootCauses.AddRange(MetricQueries.Pareto(causes, out var total));
        response.RootCauseTotal = total;
        return response;
    }

    private static List<string> Strings(Validator v, string field, IEnumerable<string> values)
    {
        var list = values.Select(x => x.Trim()).Distinct(StringComparer.Ordinal).ToList();
        if (list.Count > MaxFilterValues)
        {
            v.Add(field, $"at most {MaxFilterValues} values");
        }
        if (list.Any(x => x.Length is 0 or > 128))
        {
            v.Add(field, "each value must be 1 to 128 characters");
        }
        return [.. list.Select(SeriesCells.Key)];
    }

    private static List<string> Enums<T>(Validator v, string field, IEnumerable<T> values) where T : struct, Enum
    {
        var list = values.Distinct().ToList();
        if (list.Count > MaxFilterValues)
        {
            v.Add(field, $"at most {MaxFilterValues} values");
        }
        if (list.Any(x => !Enum.IsDefined(x)))
        {
            v.Add(field, "has an unknown value");
        }
        return [.. list.Select(x => SeriesCells.Key(ProtoEnums.Name(x)))];
    }

    /// <summary>Each bucket's first and last day within the period: ISO weeks start on Monday.</summary>
    public static List<(int Start, int End)> Buckets(Period period, SeriesBucket bucket)
    {
        var result = new List<(int, int)>();
        var day = period.From;
        while (day <= period.To)
        {
            var date = DateOnly.FromDayNumber(day);
            var next = bucket switch
            {
                SeriesBucket.Week => day - ((int)date.DayOfWeek + 6) % 7 + 7,
                SeriesBucket.Month => new DateOnly(date.Year, date.Month, 1).AddMonths(1).DayNumber,
                _ => day + 1,
            };
            result.Add((day, Math.Min(next - 1, period.To)));
            day = next;
        }
        return result;
    }

    private static SeriesPoint Point(int start, int end, long[] sums, long backlog)
    {
        long Get(string column) => sums[SeriesColumns.IndexOf(column)];
        var answers = Get(nameof(SeriesCell.SurveyAnswers));
        return new SeriesPoint
        {
            Start = Days.Format(start),
            End = Days.Format(end),
            Received = Get(nameof(SeriesCell.Received)),
            Closed = Get(nameof(SeriesCell.Closed)),
            Merged = Get(nameof(SeriesCell.Merged)),
            Backlog = backlog,
            TimeToAcknowledge = Durations(sums, SeriesColumns.Ack),
            TimeToResolve = Durations(sums, SeriesColumns.Resolve),
            SlaOnTime = MetricQueries.Rate(Get(nameof(SeriesCell.SlaMet)), Get(nameof(SeriesCell.FinalResponses))),
            StatutoryOnTime = MetricQueries.Rate(Get(nameof(SeriesCell.StatutoryMet)), Get(nameof(SeriesCell.StatutoryDue))),
            EscalationRate = MetricQueries.Rate(Get(nameof(SeriesCell.Escalated)), Get(nameof(SeriesCell.Received))),
            ReopenRate = MetricQueries.Rate(Get(nameof(SeriesCell.Reopened)), Get(nameof(SeriesCell.Resolved))),
            SurveyResponses = answers,
            CsatAverage = answers == 0 ? 0 : Math.Round((double)Get(nameof(SeriesCell.SurveySatisfactionSum)) / answers, 2),
            Csat = MetricQueries.Rate(Get(nameof(SeriesCell.SurveySatisfied)), answers),
            SurveyResolved = MetricQueries.Rate(Get(nameof(SeriesCell.SurveyResolved)), answers),
        };
    }

    private static DurationStats Durations(long[] sums, Func<int, string> column)
    {
        var buckets = new Dictionary<int, long>();
        for (var b = 0; b < SeriesColumns.HistogramBuckets; b++)
        {
            if (sums[SeriesColumns.IndexOf(column(b))] is var n and not 0)
            {
                buckets[b] = n;
            }
        }
        return new DurationStats
        {
            Count = buckets.Values.Sum(),
            MedianHours = Math.Round(Histogram.Quantile(buckets, 0.5), 3),
            P90Hours = Math.Round(Histogram.Quantile(buckets, 0.9), 3),
        };
    }

    /// <summary>Category, channel, jurisdiction and queue values to read; an empty filter reads the "every value" cells.</summary>
    private sealed record Filter(List<string> Categories, List<string> Channels, List<string> Jurisdictions, List<string> Queues);

    private async Task<Dictionary<int, long[]>> DaysAsync(Filter filter, int from, int to, CancellationToken ct)
    {
        var sql = new StringBuilder("SELECT ").Append(Q("Day"));
        foreach (var column in SeriesColumns.All)
        {
            sql.Append(", SUM(").Append(Q(column)).Append(')');
        }
        var result = new Dictionary<int, long[]>();
        await QueryAsync(sql, "series_cell", filter, $"{Q("Day")} >= {{from}} AND {Q("Day")} <= {{to}} GROUP BY {Q("Day")}", new() { ["from"] = from, ["to"] = to }, reader =>
        {
            var values = new long[SeriesColumns.All.Length];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.IsDBNull(i + 1) ? 0 : reader.GetInt64(i + 1);
            }
            result[reader.GetInt32(0)] = values;
        }, ct);
        return result;
    }

    private async Task<long> BacklogBeforeMonthAsync(Filter filter, int month, CancellationToken ct)
    {
        long sum = 0;
        await QueryAsync(new StringBuilder("SELECT SUM(").Append(Q("Backlog")).Append(')'), "series_backlog_month", filter,
            $"{Q("Month")} < {{month}}", new() { ["month"] = month }, reader => sum = reader.IsDBNull(0) ? 0 : reader.GetInt64(0), ct);
        return sum;
    }

    private async Task<List<(string Cause, long Count)>> RootCausesAsync(Filter filter, Period period, CancellationToken ct)
    {
        var causes = new List<(string, long)>();
        await QueryAsync(new StringBuilder("SELECT ").Append(Q("RootCause")).Append(", SUM(").Append(Q("Count")).Append(')'), "series_root_cause", filter,
            $"{Q("Day")} >= {{from}} AND {Q("Day")} <= {{to}} GROUP BY {Q("RootCause")}", new() { ["from"] = period.From, ["to"] = period.To },
            reader => causes.Add((reader.GetString(0), reader.GetInt64(1))), ct);
        return causes;
    }

    private bool SqlServer => db.Database.IsSqlServer();

    private string Q(string column) => SqlServer ? $"[{column}]" : $"\"{column}\"";

    /// <summary>
    /// Runs "select … from table where the four keys are in the filter's lists and condition", every value a parameter
    /// (table and column names come from the model). Raw SQL because the wide rows' sums are over shadow columns.
    /// </summary>
    private async Task QueryAsync(StringBuilder select, string table, Filter filter, string condition, Dictionary<string, object> named,
        Action<DbDataReader> read, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(ct);
        }
        try
        {
            await using var command = connection.CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            var sql = select.Append(" FROM ").Append(SqlServer ? $"[{table}]" : $"\"{table}\"").Append(" WHERE ");
            void In(string column, List<string> values)
            {
                sql.Append(Q(column)).Append(" IN (");
                for (var i = 0; i < values.Count; i++)
                {
                    sql.Append(i == 0 ? "" : ", ").Append(Parameter(command, values[i]));
                }
                sql.Append(") AND ");
            }
            In(nameof(SeriesCell.Category), filter.Categories.Count == 0 ? [SeriesCells.Any] : filter.Categories);
            In(nameof(SeriesCell.Channel), filter.Channels.Count == 0 ? [SeriesCells.Any] : filter.Channels);
            In(nameof(SeriesCell.Jurisdiction), filter.Jurisdictions.Count == 0 ? [SeriesCells.Any] : filter.Jurisdictions);
            In(nameof(SeriesCell.Queue), filter.Queues.Count == 0 ? [SeriesCells.Any] : filter.Queues);
            var where = condition;
            foreach (var (name, value) in named)
            {
                where = where.Replace("{" + name + "}", Parameter(command, value), StringComparison.Ordinal);
            }
            command.CommandText = sql.Append(where).ToString();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                read(reader);
            }
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync();
            }
        }
    }

    private static string Parameter(DbCommand command, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@p" + command.Parameters.Count;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return parameter.ParameterName;
    }
}
