using Complaints.Common.V1;
using Complaints.Insights.Domain;
using Complaints.Insights.V1;
using Complaints.Intake.V1;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Errors;
using static Complaints.Insights.Tests.Events;

namespace Complaints.Insights.Tests;

/// <summary>Re-closed cases, queue attribution and the root-cause Pareto per dimension, against hand counts.</summary>
public sealed class AttributionTests : IDisposable
{
    private readonly Pipeline _p = new();

    public void Dispose() => _p.Dispose();

    private Task<GetMetricsResponse> MetricsAsync(int from, int to, string dimension = "") =>
        _p.QueryAsync(db => new MetricQueries(db).MetricsAsync(new GetMetricsRequest { From = Date(from), To = Date(to), Dimension = dimension }, CancellationToken.None));

    private Task<GetRootCausesResponse> RootCausesAsync(GetRootCausesRequest request) =>
        _p.QueryAsync(db => new MetricQueries(db).RootCausesAsync(request, CancellationToken.None));

    /// <summary>a: upheld and closed on day 3, reopened on day 10, not upheld and closed again on day 13.</summary>
    private Task ReclosedAsync() => _p.FeedAsync(
        Received("a", "billing", Channel.Web, Jurisdiction.UkFca, day: 0, fca: "Banking"),
        new CaseOpened { ComplaintId = "a", QueueId = "q1", FinalResponseDue = At(56) },
        new FinalResponseSent { ComplaintId = "a", At = At(2), Outcome = Outcome.Upheld, WithinStatutory = true, Remedy = new Remedy { Refund = new Money { Amount = "10", Currency = "GBP" } } },
        new CaseClosed { ComplaintId = "a", ClosedAt = At(3), Outcome = Outcome.Upheld },
        new CaseReopened { ComplaintId = "a", At = At(10) },
        new CaseAssigned { ComplaintId = "a", QueueId = "q2", At = At(11) },
        new FinalResponseSent { ComplaintId = "a", At = At(12), Outcome = Outcome.NotUpheld, WithinStatutory = true },
        new CaseClosed { ComplaintId = "a", ClosedAt = At(13), Outcome = Outcome.NotUpheld });

    [Fact]
    public async Task CaseClosed_ReopenedAndClosedAgain_CountedClosedOnceWithTheNewOutcome()
    {
        await ReclosedAsync();

        // Closed once, on day 3 (its first close); the re-close made it not upheld; open again on days 10-12 only.
        var all = (await MetricsAsync(0, 20)).Totals;
        Assert.Equal((1L, 1L, 0L), (all.Received, all.Closed, all.Backlog));
        Assert.Equal(0L, (await MetricsAsync(10, 20)).Totals.Closed);
        Assert.Equal(1L, (await MetricsAsync(10, 12)).Totals.Backlog);
        var fca = await _p.QueryAsync(db => new Returns(db, new MetricQueries(db)).FcaAsync(new GetFcaReturnRequest { From = Date(0), To = Date(20) }, CancellationToken.None));
        Assert.Equal((1L, 1L, 0L, 0.0), (fca.Total.Opened, fca.Total.Closed, fca.Total.Upheld, fca.Total.UpheldPercent));
        // One CFPB row: the new company response; "timely" is the first close's.
        var cfpb = await _p.QueryAsync(db => new Returns(db, new MetricQueries(db)).CfpbAsync(new GetCfpbExportRequest { From = Date(0), To = Date(20) }, CancellationToken.None));
        Assert.Equal(
            "Product,Issue,Submitted via,Company response to consumer,Timely response?,Complaints\n"
            + "billing,,Web,Closed with explanation,Yes,1\n", cfpb.Csv);
        // The upheld correction stays with the queue of the first close.
        var q1 = (await MetricsAsync(0, 20, Metric.Queue)).Rows.Single(r => r.Key == "q1");
        Assert.Equal(1L, q1.Closed);
    }

    [Fact]
    public async Task Metrics_CaseMovedBeforeEscalation_RatesCountedOnTheFirstQueue()
    {
        await _p.FeedAsync(
            Received("x", "billing", day: 0),
            new CaseOpened { ComplaintId = "x", QueueId = "q1" },
            new CaseAssigned { ComplaintId = "x", QueueId = "q2", At = At(1) },
            new CaseEscalated { ComplaintId = "x", Tier = 1, At = At(2) },
            new FinalResponseSent { ComplaintId = "x", At = At(3), Outcome = Outcome.NotUpheld, WithinSla = true },
            new CaseReopened { ComplaintId = "x", At = At(4) });

        var rows = (await MetricsAsync(0, 10, Metric.Queue)).Rows.ToDictionary(r => r.Key);

        // Cohort figures (received, escalated, resolved, reopened) on the queue the case was received into...
        var q1 = rows["q1"];
        Assert.Equal((1L, 1L, 1L), (q1.Received, q1.EscalationRate.Numerator, q1.EscalationRate.Denominator));
        Assert.Equal((1L, 1L), (q1.ReopenRate.Numerator, q1.ReopenRate.Denominator));
        Assert.Equal(0L, q1.FinalResponses);
        // ...event figures on the queue it was in when they happened, the backlog where it is now.
        var q2 = rows["q2"];
        Assert.Equal((0L, 0L, 0L), (q2.Received, q2.EscalationRate.Numerator, q2.EscalationRate.Denominator));
        Assert.Equal((0L, 0L), (q2.ReopenRate.Numerator, q2.ReopenRate.Denominator));
        Assert.Equal((1L, 1L, 1L), (q2.FinalResponses, q2.SlaCompliance.Numerator, q2.Backlog));
        Assert.Equal(0L, q1.Backlog);
    }

    [Fact]
    public async Task GetRootCauses_ByQueueChannelJurisdiction_OneParetoPerKey()
    {
        await _p.FeedAsync(MetricsTests.Scenario());

        // Scenario: a (q1, web, UK) "process"; b (q1, phone, UK) "process"; c (q2, web, US) "staff".
        var byQueue = await RootCausesAsync(new GetRootCausesRequest { From = Date(0), To = Date(31), Dimension = Metric.Queue });
        Assert.Equal([("q1", 2L), ("q2", 1L)], byQueue.Groups.Select(g => (g.Key, g.Total)));
        Assert.Equal([("process", 2L, 100.0)], byQueue.Groups[0].Entries.Select(e => (e.RootCause, e.Count, e.CumulativePercent)));
        Assert.Equal([("staff", 1L)], byQueue.Groups[1].Entries.Select(e => (e.RootCause, e.Count)));
        Assert.Equal(3L, byQueue.Total);

        var web = await RootCausesAsync(new GetRootCausesRequest { From = Date(0), To = Date(31), Dimension = Metric.Channel, Key = "CHANNEL_WEB" });
        Assert.Equal([("process", 1L, 50.0, 50.0), ("staff", 1L, 50.0, 100.0)], web.Entries.Select(e => (e.RootCause, e.Count, e.Percent, e.CumulativePercent)));
        Assert.Empty(web.Groups);

        var uk = await RootCausesAsync(new GetRootCausesRequest { From = Date(0), To = Date(31), Dimension = Metric.Jurisdiction, Key = "JURISDICTION_UK_FCA" });
        Assert.Equal([("process", 2L)], uk.Entries.Select(e => (e.RootCause, e.Count)));

        // Any period: b's response (day 30) is outside days 0-20.
        var early = await RootCausesAsync(new GetRootCausesRequest { From = Date(0), To = Date(20), Dimension = Metric.Queue, Key = "q1" });
        Assert.Equal([("process", 1L)], early.Entries.Select(e => (e.RootCause, e.Count)));
    }

    [Theory]
    [InlineData("severity", "", "", "dimension")]
    [InlineData("", "q1", "", "key")]
    [InlineData("queue", "", "billing", "category")]
    public async Task GetRootCauses_BadDimension_InvalidArgumentNamingTheField(string dimension, string key, string category, string field)
    {
        var e = await Assert.ThrowsAsync<ValidationException>(() =>
            RootCausesAsync(new GetRootCausesRequest { From = Date(0), To = Date(1), Dimension = dimension, Key = key, Category = category }));
        Assert.Contains(e.Violations, v => v.Field == field);
    }
}
