using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Complaints.Common.V1;
using Complaints.Insights.Domain;
using Complaints.Insights.V1;
using Complaints.Intake.V1;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Errors;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using static Complaints.Insights.Tests.Events;

namespace Complaints.Insights.Tests;

/// <summary>
/// GetMetricSeries over events fed through the projection (MetricsTests' scenario: day 0 = Monday 2026-03-02; a and b
/// billing/UK FCA in q1, c delivery/web/US CFPB in q2, d delivery/email/UK FCA in q2 merged day 4, e service/web/none in q1
/// moved to q2 on day 5).
/// </summary>
public sealed class SeriesTests : IDisposable
{
    private readonly Pipeline _p = new();

    public void Dispose() => _p.Dispose();

    private Task<GetMetricSeriesResponse> SeriesAsync(int from, int to, SeriesBucket bucket = SeriesBucket.Day, Action<GetMetricSeriesRequest>? filters = null) =>
        SeriesAsync(Date(from), Date(to), bucket, filters);

    private Task<GetMetricSeriesResponse> SeriesAsync(string from, string to, SeriesBucket bucket, Action<GetMetricSeriesRequest>? filters = null)
    {
        var request = new GetMetricSeriesRequest { From = from, To = to, Bucket = bucket };
        filters?.Invoke(request);
        return _p.QueryAsync(db => new SeriesQueries(db).SeriesAsync(request, CancellationToken.None));
    }

    private static SeriesPoint On(GetMetricSeriesResponse series, int day) => series.Points.Single(p => p.Start == Date(day));

    [Fact]
    public async Task GetMetricSeries_DailyBuckets_ScenarioHandCount()
    {
        await _p.FeedAsync(MetricsTests.Scenario());

        var s = await SeriesAsync(0, 45);

        Assert.Equal(46, s.Points.Count);
        Assert.All(s.Points, p => Assert.Equal(p.Start, p.End));
        Assert.Equal([1L, 1, 1, 2, 0], s.Points.Take(5).Select(p => p.Received));
        Assert.Equal([(6, 1L), (11, 1L), (31, 1L)], s.Points.Select((p, day) => (day, p.Closed)).Where(x => x.Closed > 0));
        Assert.Equal(1, On(s, 4).Merged);
        // Open at each day's end: 5 after day 3, d merged day 4, c closed day 6, a day 11, b day 31, b reopened day 40.
        Assert.Equal([1L, 2, 3, 5, 4, 4, 3], s.Points.Take(7).Select(p => p.Backlog));
        Assert.Equal((2L, 1L, 1L, 2L), (On(s, 11).Backlog, On(s, 31).Backlog, On(s, 39).Backlog, On(s, 40).Backlog));
        // b (received day 1) escalated and, once resolved, reopened: cohort figures on its received day.
        Assert.Equal((1L, 1L, 1L, 1L), (On(s, 1).EscalationRate.Numerator, On(s, 1).EscalationRate.Denominator, On(s, 1).ReopenRate.Numerator, On(s, 1).ReopenRate.Denominator));
        Assert.Equal((0L, 1L), (On(s, 0).EscalationRate.Numerator, On(s, 0).ReopenRate.Denominator));
        // Final responses: c day 5 in both, a day 10 in both, b day 30 late on SLA, statutory met.
        Assert.Equal((1L, 1L, 1L, 1L), (On(s, 5).SlaOnTime.Numerator, On(s, 5).SlaOnTime.Denominator, On(s, 5).StatutoryOnTime.Numerator, On(s, 5).StatutoryOnTime.Denominator));
        Assert.Equal((0L, 1L, 1L, 1L), (On(s, 30).SlaOnTime.Numerator, On(s, 30).SlaOnTime.Denominator, On(s, 30).StatutoryOnTime.Numerator, On(s, 30).StatutoryOnTime.Denominator));
        Assert.Equal(1, On(s, 0).TimeToAcknowledge.Count);
        AssertWithinBound(2, On(s, 0).TimeToAcknowledge.MedianHours);
        AssertWithinBound(696, On(s, 30).TimeToResolve.P90Hours);
        Assert.Equal(0, On(s, 20).TimeToResolve.Count);
    }

    [Fact]
    public async Task GetMetricSeries_WholePeriod_SumsEqualGetMetricsTotals()
    {
        await _p.FeedAsync(MetricsTests.Scenario());

        var s = await SeriesAsync(0, 45, SeriesBucket.Month);
        var t = (await _p.QueryAsync(db => new MetricQueries(db).MetricsAsync(new GetMetricsRequest { From = Date(0), To = Date(45) }, CancellationToken.None))).Totals;

        Assert.Equal((t.Received, t.Closed, t.Merged, t.Backlog), (s.Points.Sum(p => p.Received), s.Points.Sum(p => p.Closed), s.Points.Sum(p => p.Merged), s.Points[^1].Backlog));
        Assert.Equal(t.SlaCompliance.Numerator, s.Points.Sum(p => p.SlaOnTime.Numerator));
        Assert.Equal(t.EscalationRate.Numerator, s.Points.Sum(p => p.EscalationRate.Numerator));
        Assert.Equal(t.ReopenRate.Denominator, s.Points.Sum(p => p.ReopenRate.Denominator));
    }

    [Fact]
    public async Task GetMetricSeries_WeekBuckets_IsoMondayWeeksCutByThePeriod()
    {
        await _p.FeedAsync(MetricsTests.Scenario());

        // Day −1 is Sunday 2026-03-01 (the end of an ISO week); day 20 is Sunday 2026-03-22.
        var s = await SeriesAsync(-1, 20, SeriesBucket.Week);

        Assert.Equal([("2026-03-01", "2026-03-01"), ("2026-03-02", "2026-03-08"), ("2026-03-09", "2026-03-15"), ("2026-03-16", "2026-03-22")],
            s.Points.Select(p => (p.Start, p.End)));
        Assert.Equal([0L, 5, 0, 0], s.Points.Select(p => p.Received));
        Assert.Equal([0L, 1, 1, 0], s.Points.Select(p => p.Closed));
        Assert.Equal([0L, 3, 2, 2], s.Points.Select(p => p.Backlog));
    }

    [Fact]
    public async Task GetMetricSeries_MonthBuckets_CalendarMonthsCutByThePeriod()
    {
        await _p.FeedAsync(MetricsTests.Scenario());

        var s = await SeriesAsync(0, 45, SeriesBucket.Month);

        Assert.Equal([("2026-03-02", "2026-03-31"), ("2026-04-01", "2026-04-16")], s.Points.Select(p => (p.Start, p.End)));
        Assert.Equal([5L, 0], s.Points.Select(p => p.Received));
        // March: c, a closed; April: b closed on the 2nd and reopened on the 11th.
        Assert.Equal([2L, 1], s.Points.Select(p => p.Closed));
        Assert.Equal([2L, 2], s.Points.Select(p => p.Backlog));
        Assert.Equal([(2L, 2L), (0L, 1L)], s.Points.Select(p => (p.SlaOnTime.Numerator, p.SlaOnTime.Denominator)));
    }

    [Fact]
    public async Task GetMetricSeries_CombinedFilters_OnlyComplaintsMatchingEveryFilter()
    {
        await _p.FeedAsync(MetricsTests.Scenario());

        var billingUk = await SeriesAsync(0, 45, SeriesBucket.Month, r => { r.Category.Add("billing"); r.Jurisdiction.Add(Jurisdiction.UkFca); });
        var webBillingOrDelivery = await SeriesAsync(0, 45, SeriesBucket.Month, r => { r.Category.Add(["billing", "delivery"]); r.Channel.Add(Channel.Web); });
        var cfpbInQ2 = await SeriesAsync(0, 45, SeriesBucket.Month, r => { r.Category.Add("delivery"); r.Jurisdiction.Add(Jurisdiction.UsCfpb); r.QueueId.Add("q2"); });
        var ukInQ1 = await SeriesAsync(0, 45, SeriesBucket.Month, r => { r.Jurisdiction.Add(Jurisdiction.UkFca); r.QueueId.Add("q1"); });
        var nothing = await SeriesAsync(0, 45, SeriesBucket.Month, r => { r.Category.Add("service"); r.Channel.Add(Channel.Phone); });

        Assert.Equal(2, billingUk.Points.Sum(p => p.Received)); // a, b
        Assert.Equal(2, webBillingOrDelivery.Points.Sum(p => p.Received)); // a, c
        Assert.Equal((1L, 1L, 0L), (cfpbInQ2.Points.Sum(p => p.Received), cfpbInQ2.Points.Sum(p => p.Closed), cfpbInQ2.Points[^1].Backlog)); // c
        Assert.Equal((2L, 2L, 1L), (ukInQ1.Points.Sum(p => p.Received), ukInQ1.Points.Sum(p => p.Closed), ukInQ1.Points[^1].Backlog)); // a, b (b reopened)
        Assert.All(nothing.Points, p => Assert.Equal((0L, 0L), (p.Received, p.Backlog)));
    }

    [Fact]
    public async Task GetMetricSeries_QueueFilter_SameAsGetMetricsQueueRow()
    {
        await _p.FeedAsync(MetricsTests.Scenario());

        var q2 = await SeriesAsync(0, 31, SeriesBucket.Month, r => r.QueueId.Add("q2"));
        var row = (await _p.QueryAsync(db => new MetricQueries(db).MetricsAsync(new GetMetricsRequest { From = Date(0), To = Date(31), Dimension = "queue" }, CancellationToken.None)))
            .Rows.Single(r => r.Key == "q2");

        // c and d received in q2; e moved in on day 5 (its backlog follows it, its received stays in q1).
        Assert.Equal((row.Received, row.Closed, row.Merged, row.Backlog), (q2.Points.Sum(p => p.Received), q2.Points.Sum(p => p.Closed), q2.Points.Sum(p => p.Merged), q2.Points[^1].Backlog));
        Assert.Equal((2L, 1L), (row.Received, row.Backlog));
    }

    [Fact]
    public async Task GetMetricSeries_RandomComplaints_EveryFilterCombinationMatchesBruteForce()
    {
        var random = new Random(15);
        string[] categories = ["billing", "delivery", "service"];
        Channel[] channels = [Channel.Web, Channel.Phone];
        Jurisdiction[] jurisdictions = [Jurisdiction.UkFca, Jurisdiction.UsCfpb];
        string[] queues = ["q1", "q2"];
        var cases = new List<(string Category, Channel Channel, Jurisdiction Jurisdiction, string Queue, int Received, int? Closed)>();
        var events = new List<IMessage>();
        for (var i = 0; i < 60; i++)
        {
            var c = (categories[random.Next(3)], channels[random.Next(2)], jurisdictions[random.Next(2)], queues[random.Next(2)], random.Next(-20, 20), (int?)null);
            var id = "r" + i;
            events.Add(Received(id, c.Item1, c.Item2, c.Item3, day: c.Item5));
            events.Add(new CaseOpened { ComplaintId = id, QueueId = c.Item4 });
            if (random.Next(3) > 0)
            {
                c.Item6 = c.Item5 + random.Next(0, 15);
                events.Add(new CaseClosed { ComplaintId = id, ClosedAt = At(c.Item6.Value), Outcome = Outcome.Upheld });
            }
            cases.Add(c);
        }
        await _p.FeedBatchAsync([.. events]);

        foreach (var category in new[] { "", "billing" })
        {
            foreach (var channel in new[] { (Channel?)null, Channel.Phone })
            {
                foreach (var jurisdiction in new[] { (Jurisdiction?)null, Jurisdiction.UkFca })
                {
                    foreach (var queue in new[] { "", "q2" })
                    {
                        var s = await SeriesAsync(0, 10, SeriesBucket.Week, r =>
                        {
                            if (category.Length > 0) { r.Category.Add(category); }
                            if (channel is { } ch) { r.Channel.Add(ch); }
                            if (jurisdiction is { } j) { r.Jurisdiction.Add(j); }
                            if (queue.Length > 0) { r.QueueId.Add(queue); }
                        });
                        var match = cases.Where(c => (category.Length == 0 || c.Category == category) && (channel is null || c.Channel == channel)
                            && (jurisdiction is null || c.Jurisdiction == jurisdiction) && (queue.Length == 0 || c.Queue == queue)).ToList();
                        var label = $"{category}/{channel}/{jurisdiction}/{queue}";
                        Assert.True(match.Count(c => c.Received is >= 0 and <= 10) == s.Points.Sum(p => p.Received), label);
                        Assert.True(match.Count(c => c.Closed is >= 0 and <= 10) == s.Points.Sum(p => p.Closed), label);
                        Assert.True(match.Count(c => c.Received <= 10 && !(c.Closed <= 10)) == s.Points[^1].Backlog, label);
                        // The first point's backlog: open at the end of its last day, from the opening balance before day 0.
                        var firstEnd = (int)(DateOnly.Parse(s.Points[0].End, System.Globalization.CultureInfo.InvariantCulture).DayNumber - DateOnly.FromDateTime(Day0.UtcDateTime).DayNumber);
                        Assert.True(match.Count(c => c.Received <= firstEnd && !(c.Closed <= firstEnd)) == s.Points[0].Backlog, label);
                    }
                }
            }
        }
    }

    [Fact]
    public async Task GetMetricSeries_FromMidMonth_BacklogCarriedFromEarlierMonthsAndDays()
    {
        // Received 2026-01-21 (closed 2026-02-20), 2026-02-10 and 2026-03-03 (both open), 2026-03-05 closed 2026-03-06.
        await _p.FeedAsync(
            Received("jan", "billing", day: -40), Received("feb", "billing", day: -20), Received("mar", "billing", day: 1), Received("mar2", "billing", day: 3),
            new CaseClosed { ComplaintId = "jan", ClosedAt = At(-10), Outcome = Outcome.Upheld },
            new CaseClosed { ComplaintId = "mar2", ClosedAt = At(4), Outcome = Outcome.Upheld },
            Received("later", "billing", day: 8));

        var s = await SeriesAsync(5, 9);

        // From 2026-03-07: the opening balance is February's month rows and March's days before the 7th.
        Assert.Equal([2L, 2, 2, 3, 3], s.Points.Select(p => p.Backlog));
        Assert.Equal([0L, 0, 0, 1, 0], s.Points.Select(p => p.Received));
        var whole = await SeriesAsync(-40, 9, SeriesBucket.Month);
        Assert.Equal([1L, 1, 3], whole.Points.Select(p => p.Backlog));
    }

    [Fact]
    public async Task GetMetricSeries_ManyDurations_PercentilesWithinDocumentedBound()
    {
        var random = new Random(7);
        var ack = new List<double>();
        var resolve = new List<double>();
        var events = new List<IMessage>();
        for (var i = 0; i < 300; i++)
        {
            var id = "p" + i;
            // Acknowledged from 1 minute to 3 days after receipt, resolved from 1 hour to 90 days (log-uniform).
            var ackHours = Math.Exp(random.NextDouble() * Math.Log(72 * 60)) / 60;
            var resolveHours = Math.Exp(random.NextDouble() * Math.Log(90 * 24));
            ack.Add(ackHours);
            resolve.Add(resolveHours);
            events.Add(Received(id, "billing", day: 0, hours: 0));
            events.Add(new CaseAcknowledged { ComplaintId = id, AcknowledgedAt = Timestamp.FromDateTimeOffset(Day0.AddHours(ackHours)) });
            events.Add(new FinalResponseSent { ComplaintId = id, At = Timestamp.FromDateTimeOffset(Day0.AddHours(resolveHours)), WithinSla = true });
        }
        await _p.FeedBatchAsync([.. events]);

        var months = await SeriesAsync(0, 120, SeriesBucket.Month);
        var whole = await SeriesAsync(0, 120, SeriesBucket.Day);
        var point = months.Points[0];
        var allAck = Assert.Single(months.Points, p => p.TimeToAcknowledge.Count > 0);

        Assert.Equal(300, allAck.TimeToAcknowledge.Count);
        AssertWithinBound(NearestRank(ack, 0.5), allAck.TimeToAcknowledge.MedianHours);
        AssertWithinBound(NearestRank(ack, 0.9), allAck.TimeToAcknowledge.P90Hours);
        // Resolutions spread over 90 days: check one month's bucket against the exact values of that month.
        var march = resolve.Where(h => Day0.AddHours(h).Month == 3).ToList();
        Assert.Equal(march.Count, point.TimeToResolve.Count);
        AssertWithinBound(NearestRank(march, 0.5), point.TimeToResolve.MedianHours);
        AssertWithinBound(NearestRank(march, 0.9), point.TimeToResolve.P90Hours);
        Assert.Equal(300, whole.Points.Sum(p => p.TimeToResolve.Count));
    }

    private static double NearestRank(List<double> values, double q)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Ceiling(q * sorted.Count) - 1];
    }

    private static void AssertWithinBound(double exact, double reported) =>
        Assert.InRange(reported, exact / (1 + Histogram.RelativeErrorBound) - 1e-3, exact * (1 + Histogram.RelativeErrorBound) + 1e-3);

    [Fact]
    public async Task GetMetricSeries_RootCauses_ParetoUnderTheSameFilters()
    {
        await _p.FeedAsync(MetricsTests.Scenario());

        var all = await SeriesAsync(0, 31, SeriesBucket.Week);
        var delivery = await SeriesAsync(0, 31, SeriesBucket.Week, r => r.Category.Add("delivery"));
        var billingWeb = await SeriesAsync(0, 31, SeriesBucket.Week, r => { r.Category.Add("billing"); r.Channel.Add(Channel.Web); });
        var firstWeek = await SeriesAsync(0, 6, SeriesBucket.Week);

        Assert.Equal([("process", 2L, 66.67, 66.67), ("staff", 1L, 33.33, 100.0)], all.RootCauses.Select(e => (e.RootCause, e.Count, e.Percent, e.CumulativePercent)));
        Assert.Equal(3, all.RootCauseTotal);
        Assert.Equal([("staff", 1L)], delivery.RootCauses.Select(e => (e.RootCause, e.Count)));
        Assert.Equal([("process", 1L)], billingWeb.RootCauses.Select(e => (e.RootCause, e.Count))); // a only: b came by phone
        Assert.Equal([("staff", 1L)], firstWeek.RootCauses.Select(e => (e.RootCause, e.Count)));
    }

    [Fact]
    public async Task GetMetricSeries_SurveyAnswers_CsatAverageAndResolved()
    {
        // Satisfaction 5, 3, 4 (mean 4, 2 of 3 satisfied); resolved yes, no, yes. Answered on the clock's day, day −1.
        foreach (var (id, resolved, satisfaction) in new[] { ("a", true, 5), ("b", false, 3), ("c", true, 4) })
        {
            await _p.FeedAsync(Received(id, "billing", day: -3), new CaseOpened { ComplaintId = id, QueueId = "q1" },
                new FinalResponseSent { ComplaintId = id, At = At(-2), Outcome = Outcome.Upheld, WithinSla = true });
            var surveyId = await _p.QueryAsync(db => db.Surveys.Where(s => s.ComplaintId == id).Select(s => s.SurveyId).SingleAsync());
            var link = await _p.QueryAsync(db => _p.Surveys.LinkAsync(db, surveyId.ToString(), CancellationToken.None));
            await _p.QueryAsync(db => _p.Surveys.SubmitAsync(db, new SubmitSurveyRequest { Token = link.Url.Split('/')[^1], Resolved = resolved, Satisfaction = satisfaction, Effort = 2 }, CancellationToken.None));
        }

        var point = On(await SeriesAsync(-1, 0, SeriesBucket.Day, r => r.QueueId.Add("q1")), -1);

        Assert.Equal((3L, 4.0), (point.SurveyResponses, point.CsatAverage));
        Assert.Equal((2L, 3L, 66.67), (point.Csat.Numerator, point.Csat.Denominator, point.Csat.Percent));
        Assert.Equal((2L, 3L), (point.SurveyResolved.Numerator, point.SurveyResolved.Denominator));
    }

    [Fact]
    public async Task Rebuild_ResetAndReplay_IdenticalSeriesTables()
    {
        await _p.FeedAsync(MetricsTests.Scenario());
        var survey = await _p.QueryAsync(db => db.Surveys.SingleAsync(s => s.ComplaintId == "a"));
        var link = await _p.QueryAsync(db => _p.Surveys.LinkAsync(db, survey.SurveyId.ToString(), CancellationToken.None));
        await _p.QueryAsync(db => _p.Surveys.SubmitAsync(db, new SubmitSurveyRequest { Token = link.Url.Split('/')[^1], Resolved = true, Satisfaction = 5, Effort = 2 }, CancellationToken.None));
        var before = await TablesAsync();

        await _p.QueryAsync(async db => { await Rebuild.ResetAsync(db, CancellationToken.None); return 0; });
        var emptied = await TablesAsync();
        foreach (var envelope in _p.Fed)
        {
            await _p.ApplyAsync(envelope);
        }
        var after = await TablesAsync();

        Assert.Contains("Received=1", before);
        Assert.DoesNotContain("Received=1", emptied);
        Assert.Contains("SurveyAnswers=1", emptied);
        Assert.Equal(before, after);
    }

    /// <summary>Every non-zero figure of the three series tables, sorted, as text.</summary>
    private Task<string> TablesAsync() => _p.QueryAsync(async db =>
    {
        var lines = new List<string>();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        foreach (var table in new[] { "series_cell", "series_root_cause", "series_backlog_month" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var fields = Enumerable.Range(0, reader.FieldCount).Select(i => (reader.GetName(i), reader.GetValue(i))).ToList();
                var figures = fields.Where(f => f.Item2 is long n && n != 0 && f.Item1 is not ("Day" or "Month")).Select(f => $"{f.Item1}={f.Item2}").ToList();
                if (figures.Count > 0)
                {
                    lines.Add(table + ":" + string.Join(",", fields.Where(f => f.Item2 is string || f.Item1 is "Day" or "Month").Select(f => f.Item2)) + ":" + string.Join(",", figures));
                }
            }
        }
        return string.Join("\n", lines.Order(StringComparer.Ordinal));
    });

    [Fact]
    public async Task SeriesCells_MoreComplaintsSameCombinations_SameRowCount()
    {
        // 2 complaints or 40 of the same four values on one day: 16 cells (each value or "every value"), one row each.
        for (var i = 0; i < 40; i++)
        {
            await _p.FeedAsync(Received("n" + i, "billing"), new CaseOpened { ComplaintId = "n" + i, QueueId = "q1" });
            if (i == 1)
            {
                Assert.Equal(16, await _p.QueryAsync(db => db.SeriesCells.CountAsync()));
            }
        }

        Assert.Equal(16, await _p.QueryAsync(db => db.SeriesCells.CountAsync()));
        Assert.Equal(40, (await SeriesAsync(0, 0)).Points[0].Received);
    }

    [Fact]
    public async Task GetMetricSeries_BadRequest_ViolationsNameTheFields()
    {
        var error = await Assert.ThrowsAsync<ValidationException>(() => SeriesAsync("2026-13-01", "", SeriesBucket.Unspecified, r =>
        {
            r.Channel.Add((Channel)99);
            r.Jurisdiction.Add((Jurisdiction)42);
            r.QueueId.Add(" ");
        }));

        Assert.Equal(["bucket", "channel", "from", "jurisdiction", "queueId", "to"], error.Violations.Select(v => v.Field).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("2026-03-10", "2026-03-01", SeriesBucket.Day, "to")]
    [InlineData("2026-01-01", "2027-01-01", SeriesBucket.Day, "to")] // 366 days is the cap: 2026-01-01..2027-01-01 is 366, 2025-12-31 would be 367
    [InlineData("2026-01-01", "2026-03-01", (SeriesBucket)9, "bucket")]
    public async Task GetMetricSeries_OutOfRange_InvalidArgumentNamingTheField(string from, string to, SeriesBucket bucket, string field)
    {
        if (to == "2027-01-01")
        {
            // Exactly at the cap: answered.
            Assert.Equal(366, (await SeriesAsync(from, to, bucket)).Points.Count);
            from = "2025-12-31";
        }

        var error = await Assert.ThrowsAsync<ValidationException>(() => SeriesAsync(from, to, bucket));

        Assert.Equal(field, Assert.Single(error.Violations).Field);
    }

    [Fact]
    public async Task GetMetricSeries_FiveYearsOfMonthsAndTooManyFilterValues_AnsweredAndRefused()
    {
        var months = await SeriesAsync("2022-01-01", "2026-12-31", SeriesBucket.Month);
        var error = await Assert.ThrowsAsync<ValidationException>(() =>
            SeriesAsync("2026-01-01", "2026-01-31", SeriesBucket.Week, r => r.Category.Add(Enumerable.Range(0, 51).Select(i => "c" + i))));

        Assert.Equal(60, months.Points.Count);
        Assert.Equal("category", Assert.Single(error.Violations).Field);
    }
}

/// <summary>GetMetricSeries through the service: REST through JSON transcoding and the Analytics policy.</summary>
public sealed class SeriesSurfaceTests : IDisposable
{
    private readonly InsightsFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path, string role)
    {
        using var http = _factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _factory.Token("someone", role));
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Theory]
    [InlineData("analyst")]
    [InlineData("supervisor")]
    [InlineData("admin")]
    public async Task GetMetricSeriesRest_AnalyticsRoles_PointsAsProtoJson(string role)
    {
        await _factory.FeedAsync(MetricsTests.Scenario());

        var (status, body) = await GetAsync(
            $"/api/v1/insights/series?from={Date(0)}&to={Date(13)}&bucket=SERIES_BUCKET_WEEK&category=billing&category=delivery&jurisdiction=JURISDICTION_UK_FCA", role);

        Assert.Equal(HttpStatusCode.OK, status);
        var points = body.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(["2026-03-02", "2026-03-09"], points.Select(p => p.GetProperty("start").GetString()));
        // a, b, d are UK FCA billing or delivery; d was merged.
        Assert.Equal("3", points[0].GetProperty("received").ToString());
        Assert.Equal("1", points[0].GetProperty("merged").ToString());
        Assert.Equal("process", body.GetProperty("rootCauses")[0].GetProperty("rootCause").GetString());
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("partner")]
    public async Task GetMetricSeriesRest_OtherRoles_Forbidden(string role)
    {
        var (status, _) = await GetAsync("/api/v1/insights/series?from=2026-03-01&to=2026-03-31&bucket=SERIES_BUCKET_DAY", role);

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task GetMetricSeriesRest_FromAfterTo_BadRequestNamingTo()
    {
        var (status, body) = await GetAsync("/api/v1/insights/series?from=2026-03-31&to=2026-03-01&bucket=SERIES_BUCKET_DAY", "analyst");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("\"to\"", body.ToString());
    }
}
