using Complaints.Common.V1;
using Complaints.Routing.Clocks;
using Complaints.Routing.Data;
using Complaints.Routing.Domain;
using Complaints.Routing.V1;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Routing.Tests.Clocks;

/// <summary>
/// Thresholds announced by <see cref="Routing.Clocks.ClockTimer"/>: driven by a fake clock and direct scans.
/// The AU ASIC acknowledgement clock (exactly 24 h) is the one watched: 50 % at 12 h, 75 % at 18 h, 90 % at 21 h 36 min.
/// </summary>
public sealed class ClockTimerTests
{
    private static readonly DateTimeOffset Received = new(2025, 6, 2, 0, 0, 0, TimeSpan.Zero);

    private static async Task<(ClockHarness H, Case C)> AsicAcknowledgeOnlyAsync()
    {
        var h = new ClockHarness(Received);
        var c = await h.OpenCaseAsync(Jurisdiction.AuAsic, Received);
        await h.OnlyAsync(c.ComplaintId, ClockKind.StatutoryAcknowledge);
        return (h, c);
    }

    [Fact]
    public async Task ScanOnceAsync_EachThreshold_WarnsAt50_75_90AndBreachesAt100ExactlyOnce()
    {
        var (h, c) = await AsicAcknowledgeOnlyAsync();
        using var _ = h;
        var timer = h.NewTimer();

        h.Time.SetUtcNow(Received.AddHours(12).AddSeconds(-1));
        Assert.Equal(0, await timer.ScanOnceAsync(CancellationToken.None));
        var fired = new List<int>();
        foreach (var at in new[] { TimeSpan.FromHours(12), TimeSpan.FromHours(18), TimeSpan.FromMinutes(21 * 60 + 36), TimeSpan.FromHours(24) })
        {
            h.Time.SetUtcNow(Received + at);
            Assert.Equal(1, await timer.ScanOnceAsync(CancellationToken.None));
            Assert.Equal(0, await timer.ScanOnceAsync(CancellationToken.None));
        }
        h.Time.Advance(TimeSpan.FromDays(3));
        Assert.Equal(0, await timer.ScanOnceAsync(CancellationToken.None));

        var warnings = await h.EventsAsync(ClockWarning.Parser);
        Assert.Equal([50, 75, 90], warnings.Select(w => w.Percent));
        Assert.All(warnings, w =>
        {
            Assert.Equal(ClockKind.StatutoryAcknowledge, w.Clock);
            Assert.Equal(c.Reference, w.Reference);
            Assert.Equal(Received.AddHours(24), w.DueAt.ToDateTimeOffset());
        });
        var breach = Assert.Single(await h.EventsAsync(ClockBreached.Parser));
        Assert.Equal(ClockKind.StatutoryAcknowledge, breach.Clock);
        Assert.Equal(Received.AddHours(24), breach.At.ToDateTimeOffset());
        var clock = await h.ClockAsync(c.ComplaintId, ClockKind.StatutoryAcknowledge);
        Assert.True(clock.Breached);
        Assert.Equal(100, clock.LastPercentFired);
        Assert.Equal(4, await h.Db.QueryAsync(db => db.Set<ClockFiring>().CountAsync()));
    }

    [Fact]
    public async Task ScanOnceAsync_Breach_EscalatesOneTierWithEntryAndEvent()
    {
        var (h, c) = await AsicAcknowledgeOnlyAsync();
        using var _ = h;
        h.Time.SetUtcNow(Received.AddHours(25));

        // Down through every warning: only the highest threshold passed is announced.
        Assert.Equal(1, await h.NewTimer().ScanOnceAsync(CancellationToken.None));

        Assert.Empty(await h.EventsAsync(ClockWarning.Parser));
        Assert.Single(await h.EventsAsync(ClockBreached.Parser));
        var saved = await h.CaseAsync(c.ComplaintId);
        Assert.Equal(1, saved.EscalationTier);
        var escalated = Assert.Single(await h.EventsAsync(CaseEscalated.Parser));
        Assert.Equal(1, escalated.Tier);
        Assert.Equal(ClockKind.StatutoryAcknowledge, escalated.Clock);
        Assert.Equal(CaseJournal.System, escalated.Actor);
        Assert.Equal("billing", escalated.QueueId);
        var entry = Assert.Single(await h.TimelineAsync(c.ComplaintId), t => t.Kind == EntryKinds.Escalation);
        Assert.Equal("Escalated to tier 1", entry.Title);
        Assert.False(entry.IsPublic);
    }

    [Fact]
    public async Task ScanOnceAsync_AfterRestart_NewTimerFiresNothingAgain()
    {
        var (h, c) = await AsicAcknowledgeOnlyAsync();
        using var _ = h;
        h.Time.SetUtcNow(Received.AddHours(13));
        Assert.Equal(1, await h.NewTimer().ScanOnceAsync(CancellationToken.None));

        // A restarted process: new timer, new lease, new scopes.
        Assert.Equal(0, await h.NewTimer().ScanOnceAsync(CancellationToken.None));

        // Even when the clock row lost its mark (restored from an older copy), the ClockFiring row stops a repeat.
        await using (var db = h.Db.Open())
        {
            await db.Set<CaseClock>().Where(x => x.ComplaintId == c.ComplaintId).ExecuteUpdateAsync(s => s.SetProperty(x => x.LastPercentFired, 0));
        }
        Assert.Equal(0, await h.NewTimer().ScanOnceAsync(CancellationToken.None));
        Assert.Single(await h.EventsAsync(ClockWarning.Parser));
        Assert.Equal(50, (await h.ClockAsync(c.ComplaintId, ClockKind.StatutoryAcknowledge)).LastPercentFired);
    }

    [Fact]
    public async Task ScanOnceAsync_TwoReplicasAtOnce_AnnounceOnce()
    {
        var (h, _) = await AsicAcknowledgeOnlyAsync();
        using var __ = h;
        h.Time.SetUtcNow(Received.AddHours(25));

        var results = await Task.WhenAll(h.NewTimer().ScanOnceAsync(CancellationToken.None), h.NewTimer().ScanOnceAsync(CancellationToken.None));

        Assert.Equal(1, results.Sum());
        Assert.Single(await h.EventsAsync(ClockBreached.Parser));
        Assert.Single(await h.EventsAsync(CaseEscalated.Parser));
    }

    [Fact]
    public async Task ScanOnceAsync_StoppedClocks_FireNothing()
    {
        using var h = new ClockHarness(Received);
        var c = await h.OpenCaseAsync(Jurisdiction.AuAsic, Received);
        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.StopAllAsync(db, x, Received.AddHours(1), CancellationToken.None));
        h.Time.SetUtcNow(Received.AddDays(90));

        Assert.Equal(0, await h.NewTimer().ScanOnceAsync(CancellationToken.None));

        Assert.Empty(await h.EventsAsync(ClockWarning.Parser));
        Assert.Empty(await h.EventsAsync(ClockBreached.Parser));
        Assert.Equal(0, (await h.CaseAsync(c.ComplaintId)).EscalationTier);
    }

    [Fact]
    public async Task ScanOnceAsync_PausedSlaClock_NoWarningsWhilePausedThenNewThresholdsAfterResume()
    {
        // Unspecified jurisdiction (UTC, no statutory clocks). Mon 2 June 2025 00:00: acknowledge by the end of
        // Tue 3 June (48 h span, 50 % at Tue 00:00).
        using var h = new ClockHarness(Received);
        var c = await h.OpenCaseAsync(Jurisdiction.Unspecified, Received);
        await h.OnlyAsync(c.ComplaintId, ClockKind.SlaAcknowledge);
        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.PauseSlaAsync(db, x, Received.AddHours(6), CancellationToken.None));
        var timer = h.NewTimer();

        h.Time.SetUtcNow(Received.AddHours(47));
        Assert.Equal(0, await timer.ScanOnceAsync(CancellationToken.None));

        // Resumed after 41 business hours: due Wed 4 June 00:00 + 41 h = Thu 5 June 17:00; span 2 June 00:00..5 June 17:00
        // (89 h): 50 % at 44.5 h is passed, 75 % (66.75 h) is not.
        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.ResumeSlaAsync(db, x, Received.AddHours(47), CancellationToken.None));
        Assert.Equal(new DateTimeOffset(2025, 6, 5, 17, 0, 0, TimeSpan.Zero), (await h.CaseAsync(c.ComplaintId)).AcknowledgeBy);

        Assert.Equal(1, await timer.ScanOnceAsync(CancellationToken.None));
        var warning = Assert.Single(await h.EventsAsync(ClockWarning.Parser));
        Assert.Equal(50, warning.Percent);
        Assert.Equal(new DateTimeOffset(2025, 6, 5, 17, 0, 0, TimeSpan.Zero), warning.DueAt.ToDateTimeOffset());
    }

    [Fact]
    public async Task ScanOnceAsync_StatutoryExtended_MovedDeadlineGetsNewThresholds()
    {
        // CFPB, Tue 1 July 2025 04:00 UTC (00:00 EDT): due 17 July 04:00 UTC (16 days span); extended: 31 Aug 04:00 UTC.
        var received = new DateTimeOffset(2025, 7, 1, 4, 0, 0, TimeSpan.Zero);
        using var h = new ClockHarness(received);
        var c = await h.OpenCaseAsync(Jurisdiction.UsCfpb, received);
        await h.OnlyAsync(c.ComplaintId, ClockKind.StatutoryFinalResponse);
        var timer = h.NewTimer();
        h.Time.SetUtcNow(received.AddDays(9));
        Assert.Equal(1, await timer.ScanOnceAsync(CancellationToken.None));

        // Day 9 of the new 61-day span is below 50 %: the 50 % warning belongs to the new deadline too.
        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.ExtendStatutoryAsync(db, x, received.AddDays(9), CancellationToken.None));
        Assert.Equal(0, await timer.ScanOnceAsync(CancellationToken.None));
        h.Time.SetUtcNow(received.AddDays(31));
        Assert.Equal(1, await timer.ScanOnceAsync(CancellationToken.None));

        var warnings = await h.EventsAsync(ClockWarning.Parser);
        Assert.Equal([50, 50], warnings.Select(w => w.Percent));
        Assert.Equal(
            [new DateTimeOffset(2025, 7, 17, 4, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 8, 31, 4, 0, 0, TimeSpan.Zero)],
            warnings.Select(w => w.DueAt.ToDateTimeOffset()));
        Assert.Empty(await h.EventsAsync(ClockBreached.Parser));
    }

    [Fact]
    public async Task ExecuteAsync_Running_ScansAtStartThenAfterEachIntervalOfTheInjectedClock()
    {
        var (h, _) = await AsicAcknowledgeOnlyAsync();
        using var __ = h;
        h.Time.SetUtcNow(Received.AddHours(13));
        // Ten minutes of real time would outlast the test: only the fake clock can trigger the second scan.
        using var timer = h.NewTimer(settings: new() { [ClockTimer.IntervalKey] = "600" });

        await timer.StartAsync(CancellationToken.None);
        await Eventually.Get(() => h.EventsAsync(ClockWarning.Parser), w => w.Count == 1, "the first scan at start");
        h.Time.Advance(TimeSpan.FromMinutes(6 * 60));
        var warnings = await Eventually.Get(() => h.EventsAsync(ClockWarning.Parser), w => w.Count == 2, "the scan after the interval");
        await timer.StopAsync(CancellationToken.None);

        Assert.Equal([50, 75], warnings.Select(w => w.Percent));
    }

    [Fact]
    public async Task ExecuteAsync_Disabled_ScansNothing()
    {
        var (h, _) = await AsicAcknowledgeOnlyAsync();
        using var __ = h;
        h.Time.SetUtcNow(Received.AddHours(25));
        using var timer = h.NewTimer(settings: new() { [ClockTimer.EnabledKey] = "false" });

        await timer.StartAsync(CancellationToken.None);
        await timer.ExecuteTask!;

        Assert.Empty(await h.EventsAsync(ClockBreached.Parser));
    }
}
