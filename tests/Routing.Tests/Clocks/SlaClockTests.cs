using Complaints.Common.V1;
using Complaints.Routing.Domain;
using Complaints.Routing.V1;

namespace Complaints.Routing.Tests.Clocks;

/// <summary>SLA clocks pause while the case waits for the complainant; statutory ones never do.</summary>
public sealed class SlaClockTests
{
    private static DateTimeOffset Utc(int y, int m, int d, int h = 0, int min = 0, int s = 0) => new(y, m, d, h, min, s, TimeSpan.Zero);

    [Fact]
    public async Task PauseAndResume_TwoBusinessDaysPaused_SlaDueMovesStatutoryDoesNot()
    {
        // UK, Mon 3 March 2025 09:00 GMT. First response (5 business days): 4-7, Mon 10; end = 11 March 00:00 UTC.
        using var h = new ClockHarness(Utc(2025, 3, 3, 9));
        var c = await h.OpenCaseAsync(Jurisdiction.UkFca, Utc(2025, 3, 3, 9));
        var before = await h.CaseAsync(c.ComplaintId);
        Assert.Equal(Utc(2025, 3, 11), before.FirstResponseBy);

        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.PauseSlaAsync(db, x, Utc(2025, 3, 4, 12), CancellationToken.None));
        var paused = await h.CaseAsync(c.ComplaintId);
        // While paused only the statutory clock counts toward the next deadline.
        Assert.Equal(before.FinalResponseDue, paused.NextDeadline);
        Assert.NotNull((await h.ClockAsync(c.ComplaintId, ClockKind.SlaResolve)).PausedAt);

        // Paused Tue 12:00 to Thu 12:00: 48 business hours, so end of Mon 10 + 2 business days = end of Wed 12 March.
        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.ResumeSlaAsync(db, x, Utc(2025, 3, 6, 12), CancellationToken.None));

        var after = await h.CaseAsync(c.ComplaintId);
        Assert.Equal(Utc(2025, 3, 13), after.FirstResponseBy);
        // Resolve (40 business days, past Easter: end of Wed 30 April) is capped 2 business days before the statutory
        // final response (end of Mon 28 April): end of Thu 24 April = 24 April 23:00 UTC. The pause cannot move it on.
        Assert.Equal(Utc(2025, 4, 24, 23), before.ResolveBy);
        Assert.Equal(before.ResolveBy, after.ResolveBy);
        Assert.Equal(before.FinalResponseDue, after.FinalResponseDue);
        Assert.Equal(before.AcknowledgeBy!.Value.AddDays(2), after.AcknowledgeBy);
        Assert.Equal(after.AcknowledgeBy, after.NextDeadline);
        var timeline = await h.TimelineAsync(c.ComplaintId);
        Assert.Contains(timeline, t => t.Kind == EntryKinds.Deadline && t.Title == "SLA clocks paused" && !t.IsPublic);
        Assert.Contains(timeline, t => t.Kind == EntryKinds.Deadline && t.Title == "SLA clocks resumed" && !t.IsPublic);
    }

    [Fact]
    public async Task PauseAndResume_OverAWeekend_DueUnchanged()
    {
        using var h = new ClockHarness(Utc(2025, 3, 3, 9));
        var c = await h.OpenCaseAsync(Jurisdiction.UkFca, Utc(2025, 3, 3, 9));
        var before = await h.CaseAsync(c.ComplaintId);

        // Sat 8 March 00:00 to Mon 10 March 00:00 GMT: no business time passed.
        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.PauseSlaAsync(db, x, Utc(2025, 3, 8), CancellationToken.None));
        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.ResumeSlaAsync(db, x, Utc(2025, 3, 10), CancellationToken.None));

        var after = await h.CaseAsync(c.ComplaintId);
        Assert.Equal(before.ResolveBy, after.ResolveBy);
        Assert.Equal(before.FirstResponseBy, after.FirstResponseBy);
        Assert.Null((await h.ClockAsync(c.ComplaintId, ClockKind.SlaResolve)).PausedAt);
    }

    [Fact]
    public async Task StopAsync_AcknowledgeClock_NextDeadlineMovesToTheNextRunningClock()
    {
        using var h = new ClockHarness(Utc(2025, 3, 3, 9));
        var c = await h.OpenCaseAsync(Jurisdiction.UkFca, Utc(2025, 3, 3, 9));

        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.StopAsync(db, x, ClockKind.SlaAcknowledge, Utc(2025, 3, 3, 15), CancellationToken.None));

        var saved = await h.CaseAsync(c.ComplaintId);
        Assert.Equal(saved.FirstResponseBy, saved.NextDeadline);
        // The resolve clock runs on: each kind is stopped by name.
        Assert.Null((await h.ClockAsync(c.ComplaintId, ClockKind.SlaResolve)).StoppedAt);
        Assert.Equal(Utc(2025, 3, 3, 15), (await h.ClockAsync(c.ComplaintId, ClockKind.SlaAcknowledge)).StoppedAt);
    }

    [Fact]
    public async Task WithinAsync_StoppedOrRunning_AnswersAgainstTheDueDate()
    {
        using var h = new ClockHarness(Utc(2025, 3, 3, 9));
        var c = await h.OpenCaseAsync(Jurisdiction.UkFca, Utc(2025, 3, 3, 9));
        // Acknowledge due 5 March 00:00 UTC; stopped in time on 4 March.
        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.StopAsync(db, x, ClockKind.SlaAcknowledge, Utc(2025, 3, 4, 10), CancellationToken.None));

        await using var db = h.Db.Open();
        var saved = await h.CaseAsync(c.ComplaintId);
        Assert.True(await h.Clocks.WithinAsync(db, saved, ClockKind.SlaAcknowledge, Utc(2025, 6, 1), CancellationToken.None));
        // First response due 11 March 00:00 UTC, still running.
        Assert.True(await h.Clocks.WithinAsync(db, saved, ClockKind.SlaFirstResponse, Utc(2025, 3, 10, 23, 59), CancellationToken.None));
        Assert.False(await h.Clocks.WithinAsync(db, saved, ClockKind.SlaFirstResponse, Utc(2025, 3, 11, 0, 1), CancellationToken.None));
        // A UK case has no statutory acknowledgement clock: nothing to miss.
        Assert.True(await h.Clocks.WithinAsync(db, saved, ClockKind.StatutoryAcknowledge, Utc(2025, 6, 1), CancellationToken.None));
    }

    [Fact]
    public async Task WithinAsync_StoppedLate_False()
    {
        using var h = new ClockHarness(Utc(2025, 3, 3, 9));
        var c = await h.OpenCaseAsync(Jurisdiction.UkFca, Utc(2025, 3, 3, 9));
        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.StopAsync(db, x, ClockKind.SlaAcknowledge, Utc(2025, 3, 5, 0, 0, 1), CancellationToken.None));

        await using var db = h.Db.Open();
        Assert.False(await h.Clocks.WithinAsync(db, await h.CaseAsync(c.ComplaintId), ClockKind.SlaAcknowledge, Utc(2025, 3, 5), CancellationToken.None));
    }

    [Fact]
    public async Task StartAsync_CriticalSeverity_UsesTheSeverityOverride()
    {
        // Critical: acknowledge within 4 business hours. Mon 3 March 2025 09:00 GMT: 13:00 the same day.
        using var h = new ClockHarness(Utc(2025, 3, 3, 9));
        var c = await h.OpenCaseAsync(Jurisdiction.UkFca, Utc(2025, 3, 3, 9), Severity.Critical);

        Assert.Equal(Utc(2025, 3, 3, 13), (await h.CaseAsync(c.ComplaintId)).AcknowledgeBy);
    }
}
