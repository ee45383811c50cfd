using Complaints.Common.V1;
using Complaints.Insights.Domain;
using Complaints.Insights.V1;
using Complaints.Intake.V1;
using Complaints.Routing.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using static Complaints.Insights.Tests.Events;

namespace Complaints.Insights.Tests;

/// <summary>
/// Five complaints (day 0 = Monday 2026-03-02), figures worked out by hand:
/// a billing/web/UK FCA "Banking", queue q1: ack +2 h, final response day 10 (240 h) in SLA and statutory, upheld,
///   refund 100.50 GBP, root cause process; closed day 11.
/// b billing/phone/UK FCA "Banking", q1: ack +4 h, escalated, final response day 30 (696 h) late on SLA, statutory met,
///   not upheld, root cause process; closed day 31; reopened day 40.
/// c delivery/web/US CFPB "Mortgage" (issue "Trouble during payment process"), q2: ack +1 h, final response day 5 (72 h)
///   in both, partly upheld, refund 5 + compensation 20 USD, root cause staff; closed day 6.
/// d delivery/email/UK FCA "Insurance", q2: merged into a on day 4.
/// e service/web/no jurisdiction, q1, moved to q2 on day 5; still open.
/// </summary>
public sealed class MetricsTests : IDisposable
{
    private readonly Pipeline _p = new();

    public void Dispose() => _p.Dispose();

    private static Money Gbp(string amount) => new() { Amount = amount, Currency = "GBP" };

    public static IMessage[] Scenario() =>
    [
        Received("a", "billing", Channel.Web, Jurisdiction.UkFca, day: 0, fca: "Banking"),
        Received("b", "billing", Channel.Phone, Jurisdiction.UkFca, day: 1, fca: "Banking"),
        Received("c", "delivery", Channel.Web, Jurisdiction.UsCfpb, day: 2, cfpb: "Mortgage", subcategory: "Trouble during payment process"),
        Received("d", "delivery", Channel.Email, Jurisdiction.UkFca, day: 3, fca: "Insurance"),
        Received("e", "service", Channel.Web, Jurisdiction.Unspecified, day: 3),
        new CaseOpened { ComplaintId = "a", QueueId = "q1", FinalResponseDue = At(56) },
        new CaseOpened { ComplaintId = "b", QueueId = "q1", FinalResponseDue = At(57) },
        new CaseOpened { ComplaintId = "c", QueueId = "q2", FinalResponseDue = At(17) },
        new CaseOpened { ComplaintId = "d", QueueId = "q2", FinalResponseDue = At(59) },
        new CaseOpened { ComplaintId = "e", QueueId = "q1" },
        new CaseAcknowledged { ComplaintId = "a", AcknowledgedAt = At(0, 11) },
        new CaseAcknowledged { ComplaintId = "b", AcknowledgedAt = At(1, 13) },
        new CaseAcknowledged { ComplaintId = "c", AcknowledgedAt = At(2, 10) },
        new CaseClosed { ComplaintId = "d", ClosedAt = At(4), MergedIntoReference = Reference("a") },
        new CaseAssigned { ComplaintId = "e", QueueId = "q2", At = At(5) },
        new CaseEscalated { ComplaintId = "b", Tier = 1, At = At(6) },
        new CaseEscalated { ComplaintId = "b", Tier = 2, At = At(7) },
        new FinalResponseSent
        {
            ComplaintId = "c", At = At(5), Outcome = Outcome.PartlyUpheld, WithinSla = true, WithinStatutory = true, RootCause = "staff",
            Remedy = new Remedy { Refund = new Money { Amount = "5", Currency = "USD" }, Compensation = new Money { Amount = "20.00", Currency = "usd" } },
        },
        new CaseClosed { ComplaintId = "c", ClosedAt = At(6), Outcome = Outcome.PartlyUpheld },
        new FinalResponseSent
        {
            ComplaintId = "a", At = At(10), Outcome = Outcome.Upheld, WithinSla = true, WithinStatutory = true, RootCause = "process",
            Remedy = new Remedy { Apology = true, Refund = Gbp("100.50") },
        },
        new CaseClosed { ComplaintId = "a", ClosedAt = At(11), Outcome = Outcome.Upheld },
        new FinalResponseSent { ComplaintId = "b", At = At(30), Outcome = Outcome.NotUpheld, WithinSla = false, WithinStatutory = true, RootCause = "process" },
        new CaseClosed { ComplaintId = "b", ClosedAt = At(31), Outcome = Outcome.NotUpheld },
        new CaseReopened { ComplaintId = "b", At = At(40) },
    ];

    private Task<GetMetricsResponse> MetricsAsync(int from, int to, string dimension = "") =>
        _p.QueryAsync(db => new MetricQueries(db).MetricsAsync(new GetMetricsRequest { From = Date(from), To = Date(to), Dimension = dimension }, CancellationToken.None));

    [Fact]
    public async Task GetMetrics_Scenario_TotalsMatchHandCount()
    {
        await _p.FeedAsync(Scenario());

        var t = (await MetricsAsync(0, 31)).Totals;

        Assert.Equal((5L, 3L, 1L, 1L, 3L), (t.Received, t.Closed, t.Merged, t.Backlog, t.FinalResponses));
        Assert.Equal((2L, 3L, 66.67), (t.SlaCompliance.Numerator, t.SlaCompliance.Denominator, t.SlaCompliance.Percent));
        Assert.Equal((3L, 3L, 100.0), (t.StatutoryCompliance.Numerator, t.StatutoryCompliance.Denominator, t.StatutoryCompliance.Percent));
        Assert.Equal((1L, 5L, 20.0), (t.EscalationRate.Numerator, t.EscalationRate.Denominator, t.EscalationRate.Percent));
        // Cohort: of the 3 resolved complaints received in the period, b was reopened (on day 40).
        Assert.Equal((1L, 3L, 33.33), (t.ReopenRate.Numerator, t.ReopenRate.Denominator, t.ReopenRate.Percent));
        Assert.Equal([("GBP", "100.50"), ("USD", "25.00")], t.RemedyTotals.Select(m => (m.Currency, m.Amount)));
    }

    [Fact]
    public async Task GetMetrics_Scenario_DurationsWithinDocumentedBound()
    {
        await _p.FeedAsync(Scenario());

        var t = (await MetricsAsync(0, 31)).Totals;

        // Acknowledged after 2 h, 4 h, 1 h: median (rank 2 of 3) 2 h, p90 (rank 3) 4 h.
        Assert.Equal(3, t.TimeToAcknowledge.Count);
        AssertWithinBound(2, t.TimeToAcknowledge.MedianHours);
        AssertWithinBound(4, t.TimeToAcknowledge.P90Hours);
        // Resolved after 240 h, 696 h, 72 h: median 240 h, p90 696 h.
        Assert.Equal(3, t.TimeToResolve.Count);
        AssertWithinBound(240, t.TimeToResolve.MedianHours);
        AssertWithinBound(696, t.TimeToResolve.P90Hours);
    }

    private static void AssertWithinBound(double exact, double reported) =>
        Assert.InRange(reported, exact / (1 + Histogram.RelativeErrorBound) - 1e-3, exact * (1 + Histogram.RelativeErrorBound) + 1e-3);

    [Fact]
    public async Task GetMetrics_ByQueue_AttributesFirstQueueAndMovesBacklog()
    {
        await _p.FeedAsync(Scenario());

        var rows = (await MetricsAsync(0, 31, "queue")).Rows.ToDictionary(r => r.Key);

        // q1 received a, b, e; e moved to q2 on day 5. q2 received c, d; d merged, c closed, e open.
        Assert.Equal((3L, 2L, 0L), (rows["q1"].Received, rows["q1"].Closed, rows["q1"].Backlog));
        Assert.Equal((2L, 1L, 1L, 1L), (rows["q2"].Received, rows["q2"].Closed, rows["q2"].Merged, rows["q2"].Backlog));
        Assert.Equal(["q1", "q2"], (await MetricsAsync(0, 31, "queue")).Rows.Select(r => r.Key));
    }

    [Fact]
    public async Task GetMetrics_ByCategoryAndJurisdiction_MatchHandCount()
    {
        await _p.FeedAsync(Scenario());

        var category = (await MetricsAsync(0, 31, "category")).Rows.ToDictionary(r => r.Key);
        var jurisdiction = (await MetricsAsync(0, 31, "jurisdiction")).Rows.ToDictionary(r => r.Key);

        Assert.Equal((2L, 2L, 0L, 1L), (category["billing"].Received, category["billing"].Closed, category["billing"].Backlog, category["billing"].EscalationRate.Numerator));
        Assert.Equal((2L, 1L, 1L, 0L), (category["delivery"].Received, category["delivery"].Closed, category["delivery"].Merged, category["delivery"].Backlog));
        Assert.Equal((1L, 0L, 1L), (category["service"].Received, category["service"].Closed, category["service"].Backlog));
        Assert.Equal([("USD", "25.00")], category["delivery"].RemedyTotals.Select(m => (m.Currency, m.Amount)));
        Assert.Equal(3, jurisdiction["JURISDICTION_UK_FCA"].Received);
        Assert.Equal(1, jurisdiction["JURISDICTION_US_CFPB"].Received);
        Assert.Equal(1, jurisdiction["JURISDICTION_UNSPECIFIED"].Received);
        // No statutory deadline on e: nothing counted for it.
        Assert.Equal(0, jurisdiction["JURISDICTION_UNSPECIFIED"].StatutoryCompliance.Denominator);
    }

    [Fact]
    public async Task GetMetrics_ShortPeriod_CountsOnlyItsDaysAndBacklogAtItsEnd()
    {
        await _p.FeedAsync(Scenario());

        var t = (await MetricsAsync(0, 5)).Totals;
        var later = (await MetricsAsync(32, 45)).Totals;

        // Days 0-5: 5 received, none closed (c closes day 6), d merged day 4, c's final response day 5 (72 h).
        Assert.Equal((5L, 0L, 1L, 4L, 1L), (t.Received, t.Closed, t.Merged, t.Backlog, t.FinalResponses));
        AssertWithinBound(72, t.TimeToResolve.MedianHours);
        // Days 32-45: nothing received or closed; b reopened on day 40 so the backlog is e and b.
        Assert.Equal((0L, 0L, 2L), (later.Received, later.Closed, later.Backlog));
    }

    [Fact]
    public async Task GetMetrics_ScenarioInOneBatch_SameFiguresAsOneByOne()
    {
        await _p.FeedAsync(Scenario());
        using var batched = new Pipeline();

        await batched.FeedBatchAsync(Scenario());

        foreach (var dimension in new[] { "" }.Concat(Metric.Queryable))
        {
            var request = new GetMetricsRequest { From = Date(0), To = Date(45), Dimension = dimension };
            var expected = await _p.QueryAsync(db => new MetricQueries(db).MetricsAsync(request, CancellationToken.None));
            var actual = await batched.QueryAsync(db => new MetricQueries(db).MetricsAsync(request, CancellationToken.None));
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public async Task GetRootCauses_Scenario_ParetoLargestFirst()
    {
        await _p.FeedAsync(Scenario());

        var pareto = await _p.QueryAsync(db => new MetricQueries(db).RootCausesAsync(new GetRootCausesRequest { From = Date(0), To = Date(31) }, CancellationToken.None));

        Assert.Equal(3, pareto.Total);
        Assert.Equal([("process", 2L, 66.67, 66.67), ("staff", 1L, 33.33, 100.0)],
            pareto.Entries.Select(e => (e.RootCause, e.Count, e.Percent, e.CumulativePercent)));
    }

    [Fact]
    public async Task RoutingEvent_BeforeComplaintReceived_ThrowsSoTheFeedRetries()
    {
        var error = await Assert.ThrowsAsync<ComplaintNotYetReceivedException>(() =>
            _p.FeedAsync(new CaseOpened { ComplaintId = "early", QueueId = "q1" }));

        Assert.Contains("early", error.Message);
        Assert.Equal(0, await _p.QueryAsync(db => db.DailyMetrics.CountAsync()));
    }

    [Fact]
    public async Task GetMetrics_BadPeriodAndDimension_FieldViolations()
    {
        var error = await Assert.ThrowsAsync<Complaints.ServiceDefaults.Errors.ValidationException>(() =>
            _p.QueryAsync(db => new MetricQueries(db).MetricsAsync(new GetMetricsRequest { From = "2026-13-01", To = "", Dimension = "colour" }, CancellationToken.None)));

        Assert.Equal(["dimension", "from", "to"], error.Violations.Select(v => v.Field).Order());
    }

    [Fact]
    public async Task GetMetrics_ToBeforeFrom_ToViolation()
    {
        var error = await Assert.ThrowsAsync<Complaints.ServiceDefaults.Errors.ValidationException>(() => MetricsAsync(5, 1));

        Assert.Equal("to", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public async Task FactReceived_SameComplaintTwice_CountsOnce()
    {
        await _p.FeedAsync(Received("a", "billing"), Received("a", "billing"));

        Assert.Equal(1, (await MetricsAsync(0, 0)).Totals.Received);
    }

    [Fact]
    public async Task FactReceived_ImportedClosed_ClosedOnReceivedDayWithSourceOutcome()
    {
        var imported = Received("h", "Mortgage", Channel.Referral, Jurisdiction.UsCfpb, day: 2, cfpb: "Mortgage", subcategory: "Escrow");
        imported.Imported = true;
        imported.ImportedClosed = true;
        imported.Outcome = "Closed with explanation";

        await _p.FeedAsync(imported);

        var t = (await MetricsAsync(0, 5)).Totals;
        Assert.Equal((1L, 1L, 0L), (t.Received, t.Closed, t.Backlog));
        var cfpb = await _p.QueryAsync(db => new Returns(db, new MetricQueries(db)).CfpbAsync(new GetCfpbExportRequest { From = Date(0), To = Date(5) }, CancellationToken.None));
        Assert.Contains("Mortgage,Escrow,Referral,Closed with explanation,,1\n", cfpb.Csv);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(40)]
    public async Task DailyMetrics_MoreComplaintsSameDimensions_SameRowCount(int complaints)
    {
        // Rows per (dimension, day, key, metric): 6 dimensions (all, category, channel, jurisdiction, queue, fca) × received
        // and backlog = 12 rows whether 3 or 40 complaints arrived: queries read rows, never complaints.
        for (var i = 0; i < complaints; i++)
        {
            await _p.FeedAsync(Received("n" + i, "billing", fca: "Banking"), new CaseOpened { ComplaintId = "n" + i, QueueId = "q1" });
        }

        Assert.Equal(12, await _p.QueryAsync(db => db.DailyMetrics.CountAsync()));
        Assert.Equal(complaints, (await MetricsAsync(0, 0)).Totals.Received);
    }

    [Fact]
    public void Histogram_Bucket_HandComputed()
    {
        // 120 min: ln 120 / ln 1.25 = 21.45 → bucket 22, read back as 1.25^21.5 min = 121.2 min.
        Assert.Equal(22, Histogram.Bucket(TimeSpan.FromHours(2)));
        Assert.Equal(121.2 / 60, Histogram.Hours(22), 2);
        Assert.Equal(0, Histogram.Bucket(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, Histogram.Bucket(TimeSpan.FromMinutes(1)));
        Assert.Equal(0.118, Histogram.RelativeErrorBound, 3);
    }

    [Fact]
    public void Histogram_EveryDurationUpToAYear_WithinBound()
    {
        for (var minutes = 1.0; minutes < 525_600; minutes *= 1.013)
        {
            var reported = Histogram.Hours(Histogram.Bucket(TimeSpan.FromMinutes(minutes))) * 60;
            Assert.InRange(reported / minutes, 1 / (1 + Histogram.RelativeErrorBound) - 1e-9, 1 + Histogram.RelativeErrorBound + 1e-9);
        }
    }
}
