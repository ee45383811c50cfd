using Complaints.Insights.Domain;
using Complaints.Insights.V1;
using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Complaints.Insights.Tests.Events;

namespace Complaints.Insights.Tests;

public sealed class RebuildTests : IDisposable
{
    private readonly Pipeline _p = new();

    public void Dispose() => _p.Dispose();

    /// <summary>Every figure Insights answers with, as JSON, for comparison.</summary>
    private async Task<string> FiguresAsync()
    {
        var parts = new List<IMessage>();
        await using var db = _p.Db.Open();
        var metrics = new MetricQueries(db);
        parts.Add(await metrics.MetricsAsync(new GetMetricsRequest { From = Date(0), To = Date(60) }, CancellationToken.None));
        foreach (var dimension in Metric.Queryable)
        {
            parts.Add(await metrics.MetricsAsync(new GetMetricsRequest { From = Date(0), To = Date(60), Dimension = dimension }, CancellationToken.None));
        }
        parts.Add(await metrics.RootCausesAsync(new GetRootCausesRequest { From = Date(0), To = Date(60) }, CancellationToken.None));
        var returns = new Returns(db, metrics);
        parts.Add(await returns.FcaAsync(new GetFcaReturnRequest { From = Date(0), To = Date(60) }, CancellationToken.None));
        parts.Add(await returns.CfpbAsync(new GetCfpbExportRequest { From = Date(0), To = Date(60) }, CancellationToken.None));
        var terms = new TermQueries(db);
        parts.Add(await terms.TopTermsAsync(new GetTopTermsRequest { From = Date(0), To = Date(60), Limit = 100 }, CancellationToken.None));
        var emerging = await terms.EmergingAsync(new GetEmergingIssuesRequest { From = Date(0), To = Date(60) }, CancellationToken.None);
        foreach (var issue in emerging.Issues)
        {
            issue.DetectedAt = null;
        }
        parts.Add(emerging);
        return string.Join("\n", parts.Select(p => JsonFormatter.Default.Format(p)));
    }

    [Fact]
    public async Task Rebuild_ResetAndReplayFromZero_SameFigures()
    {
        foreach (var id in new[] { "a", "b", "c", "d", "e" })
        {
            _p.Texts.Texts[id] = "Card payment declined twice at the terminal, refund pending";
        }
        await _p.FeedAsync(MetricsTests.Scenario());
        // A survey answer is Insights' own record: it survives the reset.
        var survey = await _p.QueryAsync(db => db.Surveys.SingleAsync(s => s.ComplaintId == "a"));
        var link = await _p.QueryAsync(db => _p.Surveys.LinkAsync(db, survey.SurveyId.ToString(), CancellationToken.None));
        await _p.QueryAsync(db => _p.Surveys.SubmitAsync(db, new SubmitSurveyRequest { Token = link.Url.Split('/')[^1], Resolved = true, Satisfaction = 5, Effort = 2, Comment = "quick refund" }, CancellationToken.None));
        var before = await FiguresAsync();
        Assert.Contains("\"received\": \"5\"", before);
        Assert.Contains("\"term\": \"refund\"", before);

        await _p.QueryAsync(async db => { await Rebuild.ResetAsync(db, CancellationToken.None); return 0; });
        var emptied = await FiguresAsync();
        foreach (var envelope in _p.Fed)
        {
            await _p.ApplyAsync(envelope);
        }
        var after = await FiguresAsync();

        Assert.DoesNotContain("\"received\": \"5\"", emptied);
        Assert.Equal(before, after);
        // The replay did not ask for a second survey.
        Assert.Equal(3, await _p.QueryAsync(db => db.Events.CountAsync(e => e.Type == SurveyRequested.Descriptor.FullName)));
    }
}

public sealed class RebuildOnStartTests
{
    [Fact]
    public async Task RebuildOnStart_Set_FeedDerivedDataDroppedOwnRecordsKept()
    {
        using var data = new Complaints.TestSupport.TempFolder("insights-rebuild");
        using (var first = new InsightsFactory(new Dictionary<string, string?> { ["DataDir"] = data.Path }))
        {
            await first.FeedAsync(MetricsTests.Scenario());
        }

        using var second = new InsightsFactory(new Dictionary<string, string?> { ["DataDir"] = data.Path, ["Insights:RebuildOnStart"] = "true" });
        await using var scope = second.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Complaints.Insights.Data.InsightsDbContext>();

        // Facts and aggregates go (the subscribers read every feed again from zero); surveys and Insights' own feed stay.
        Assert.Equal(0, await db.CaseFacts.CountAsync());
        Assert.Equal(0, await db.DailyMetrics.CountAsync());
        Assert.Equal(0, await db.Counters.CountAsync());
        Assert.Equal(3, await db.Surveys.CountAsync());
        Assert.Equal(3, await db.Events.CountAsync());
    }
}
