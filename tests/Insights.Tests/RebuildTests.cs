using Complaints.Insights.Domain;
using Complaints.Insights.V1;
using Complaints.Intake.V1;
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
        var series = new SeriesQueries(db);
        parts.Add(await series.SeriesAsync(new GetMetricSeriesRequest { From = Date(-1), To = Date(60), Bucket = SeriesBucket.Day }, CancellationToken.None));
        parts.Add(await series.SeriesAsync(new GetMetricSeriesRequest { From = Date(0), To = Date(60), Bucket = SeriesBucket.Week, Category = { "billing" }, QueueId = { "q1" } }, CancellationToken.None));
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

/// <summary>Signals and a rebuild after an erasure; the rebuild lease with two replicas.</summary>
public sealed class RebuildDeterminismTests : IDisposable
{
    private readonly Pipeline _p = new();

    public void Dispose() => _p.Dispose();

    private Task<string> SignalsAsync() => _p.QueryAsync(async db =>
    {
        var issues = await new TermQueries(db).EmergingAsync(new GetEmergingIssuesRequest { From = Date(0), To = Date(30) }, CancellationToken.None);
        return string.Join("\n", issues.Issues.Select(i => $"{i.Kind}/{i.Source}/{i.Category}/{i.Term}/{i.Since}/{i.LastDay}/{i.Observed}/{i.Baseline}/{i.ZScore}/{string.Join(",", i.ExampleReferences)}")
            .Order(StringComparer.Ordinal));
    });

    [Fact]
    public async Task Rebuild_AfterErasingOneOfASpikesComplaints_SameSignalsAsBefore()
    {
        // One complaint a day for 20 days, then exactly five saying "zelle" on day 20: "zelle" fires on the fifth
        // (baseline 0, minimum 5). Erasing one leaves four: a replay that re-detected would find no signal.
        for (var day = 0; day < 20; day++)
        {
            _p.Texts.Texts["base" + day] = "My card payment was declined";
            await _p.FeedAsync(Received("base" + day, "billing", day: day));
        }
        for (var i = 1; i <= 5; i++)
        {
            _p.Texts.Texts["spike" + i] = "Zelle transfer vanished";
            await _p.FeedAsync(Received("spike" + i, "billing", day: 20, hours: 8 + i));
        }
        _p.Texts.Texts.Remove("spike5");
        await _p.FeedAsync(new ComplainantErased { ComplaintId = "spike5", Reference = Reference("spike5") });
        var before = await SignalsAsync();
        Assert.Contains("term/complaint/billing/zelle/", before);
        Assert.DoesNotContain(Reference("spike5"), before);

        await _p.QueryAsync(async db => { await Rebuild.ResetAsync(db, CancellationToken.None); return 0; });
        foreach (var envelope in _p.Fed)
        {
            await _p.ApplyAsync(envelope);
        }

        Assert.Equal(before, await SignalsAsync());
        // The term counts are rebuilt without the erased complaint's words, as they were live.
        Assert.Equal(4, await _p.QueryAsync(db => db.TermCounts.Where(t => t.Term == "zelle").SumAsync(t => t.Count)));
    }

    [Fact]
    public async Task Rebuild_EventsAfterTheHorizon_StillDetected()
    {
        for (var day = 0; day < 20; day++)
        {
            _p.Texts.Texts["base" + day] = "My card payment was declined";
            await _p.FeedAsync(Received("base" + day, "billing", day: day));
        }
        await _p.QueryAsync(async db => { await Rebuild.ResetAsync(db, CancellationToken.None); return 0; });
        foreach (var envelope in _p.Fed.ToList())
        {
            await _p.ApplyAsync(envelope);
        }

        // New complaints, past what was applied before the reset: detected as usual.
        for (var i = 1; i <= 5; i++)
        {
            _p.Texts.Texts["spike" + i] = "Zelle transfer vanished";
            await _p.FeedAsync(Received("spike" + i, "billing", day: 20, hours: 8 + i));
        }

        Assert.Contains("term/complaint/billing/zelle/", await SignalsAsync());
    }

    [Fact]
    public async Task DbLease_HeldByAnotherReplica_RefusedUntilReleasedOrExpired()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero));
        var ttl = TimeSpan.FromMinutes(10);
        await using var a = _p.Db.Open();
        await using var b = _p.Db.Open();

        Assert.True(await DbLease.TryTakeAsync(a, "rebuild", "replica-a", ttl, clock, CancellationToken.None));
        Assert.False(await DbLease.TryTakeAsync(b, "rebuild", "replica-b", ttl, clock, CancellationToken.None));
        Assert.True(await DbLease.TryTakeAsync(a, "rebuild", "replica-a", ttl, clock, CancellationToken.None));

        await DbLease.ReleaseAsync(a, "rebuild", "replica-a", CancellationToken.None);
        Assert.True(await DbLease.TryTakeAsync(b, "rebuild", "replica-b", ttl, clock, CancellationToken.None));

        // replica-b dies holding it: after the TTL, another replica takes over.
        clock.Now += ttl;
        Assert.True(await DbLease.TryTakeAsync(a, "rebuild", "replica-a", ttl, clock, CancellationToken.None));
        Assert.False(await DbLease.TryTakeAsync(b, "rebuild", "replica-b", ttl, clock, CancellationToken.None));
    }

    [Fact]
    public async Task LeaseRenewal_WhileHeld_ExpiryMovesOnAndAnotherReplicaStaysOut()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero));
        var ttl = TimeSpan.FromMinutes(9);
        var services = new ServiceCollection();
        services.AddScoped(_ => _p.Db.Open());
        var scopes = services.BuildServiceProvider().GetRequiredService<IServiceScopeFactory>();
        await using var b = _p.Db.Open();
        var firstExpiry = clock.GetUtcNow() + ttl;
        Assert.True(await _p.QueryAsync(db => DbLease.TryTakeAsync(db, "rebuild", "replica-a", ttl, clock, CancellationToken.None)));

        await using (new LeaseRenewal(scopes, "rebuild", "replica-a", ttl, clock, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance))
        {
            // Each step is a third of the TTL, so the renewal loop's wait elapses whenever it is registered.
            await Complaints.TestSupport.Eventually.Get(async () =>
            {
                clock.Advance(ttl / 3);
                return await _p.QueryAsync(db => db.Leases.Select(l => l.ExpiresAt).SingleAsync());
            }, expiry => expiry > firstExpiry, "the lease renewed");
            // Past the expiry it had when taken: without the renewal, free for the taking.
            if (clock.GetUtcNow() < firstExpiry)
            {
                clock.SetUtcNow(firstExpiry);
            }

            Assert.False(await DbLease.TryTakeAsync(b, "rebuild", "replica-b", ttl, clock, CancellationToken.None));
        }
    }

    private RebuildOnStart Replica(string rebuildId)
    {
        var services = new ServiceCollection();
        services.AddScoped(_ => _p.Db.Open());
        var options = new InsightsOptions { RebuildOnStart = true, RebuildId = rebuildId, RebuildLeaseRetry = TimeSpan.FromMilliseconds(20) };
        return new RebuildOnStart(services.BuildServiceProvider().GetRequiredService<IServiceScopeFactory>(), Microsoft.Extensions.Options.Options.Create(options),
            TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<RebuildOnStart>.Instance);
    }

    [Fact]
    public async Task RebuildOnStart_TwoReplicasSameRebuildId_OneResetOnly()
    {
        await _p.QueryAsync(async db => { await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;"); return 0; });
        await _p.FeedAsync(MetricsTests.Scenario());

        await Task.WhenAll(Task.Run(() => Replica("2026-11-23").StartAsync(CancellationToken.None)), Task.Run(() => Replica("2026-11-23").StartAsync(CancellationToken.None)));

        var lease = await _p.QueryAsync(db => db.Leases.SingleAsync());
        Assert.Equal((1L, "2026-11-23", ""), (lease.Rebuilds, lease.LastRebuildId, lease.Holder));
        Assert.Equal(0, await _p.QueryAsync(db => db.CaseFacts.CountAsync()));
    }

    [Fact]
    public async Task RebuildOnStart_ReplicaStartingLaterWithSameRebuildId_DoesNotResetAgain()
    {
        await Replica("r1").StartAsync(CancellationToken.None);
        // The subscribers have replayed meanwhile.
        await _p.FeedAsync(MetricsTests.Scenario());

        await Replica("r1").StartAsync(CancellationToken.None);
        Assert.Equal(5, await _p.QueryAsync(db => db.CaseFacts.CountAsync()));

        // A new rebuild id is a new rebuild.
        await Replica("r2").StartAsync(CancellationToken.None);
        Assert.Equal(0, await _p.QueryAsync(db => db.CaseFacts.CountAsync()));
        Assert.Equal(2L, await _p.QueryAsync(db => db.Leases.Select(l => l.Rebuilds).SingleAsync()));
    }
}
