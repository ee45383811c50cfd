using Complaints.Common.V1;
using Complaints.Routing.Domain;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Errors;

namespace Complaints.Routing.Tests.Clocks;

/// <summary>Each regime's statutory deadline, computed by hand in the comments, on cases saved to SQLite.</summary>
public sealed class StatutoryClockTests
{
    private static DateTimeOffset Utc(int y, int m, int d, int h = 0, int min = 0, int s = 0) => new(y, m, d, h, min, s, TimeSpan.Zero);

    [Fact]
    public async Task StartAsync_UkFca_FinalResponseEightWeeksAndNoStatutoryAcknowledgement()
    {
        using var h = new ClockHarness(Utc(2025, 3, 3, 10));
        var c = await h.OpenCaseAsync(Jurisdiction.UkFca, Utc(2025, 3, 3, 10));

        var saved = await h.CaseAsync(c.ComplaintId);
        // Mon 3 March 2025 + 56 days = Mon 28 April; end of day = 29 April 00:00 BST = 28 April 23:00 UTC.
        Assert.Equal(Utc(2025, 4, 28, 23), saved.FinalResponseDue);
        Assert.Null(saved.StatutoryAcknowledgeBy);
        // SLA acknowledge: 1 business day: end of Tue 4 March = 5 March 00:00 GMT.
        Assert.Equal(Utc(2025, 3, 5), saved.AcknowledgeBy);
        Assert.Equal(saved.AcknowledgeBy, saved.NextDeadline);
        var entry = Assert.Single(await h.TimelineAsync(c.ComplaintId), t => t.Kind == EntryKinds.Deadline);
        Assert.False(entry.IsPublic);
    }

    [Theory]
    // Fri 11 April 2025 16:00 BST; 3rd business day after = Wed 16 April; its end = Thu 17 00:00 BST = Wed 16 23:00 UTC.
    [InlineData("2025-04-11T15:00:00Z", "2025-04-16T22:59:59Z", true)]
    [InlineData("2025-04-11T15:00:00Z", "2025-04-16T23:00:00Z", true)]
    [InlineData("2025-04-11T15:00:00Z", "2025-04-16T23:00:01Z", false)]
    // Thu 17 April 2025: Good Friday and Easter Monday do not count: Tue 22, Wed 23, Thu 24; end = Thu 24 23:00 UTC.
    [InlineData("2025-04-17T09:00:00Z", "2025-04-24T22:59:00Z", true)]
    [InlineData("2025-04-17T09:00:00Z", "2025-04-24T23:01:00Z", false)]
    public async Task IsSummaryResolution_UkFca_TrueUntilTheEndOfTheThirdBusinessDay(string received, string answered, bool expected)
    {
        var receivedAt = DateTimeOffset.Parse(received, System.Globalization.CultureInfo.InvariantCulture);
        using var h = new ClockHarness(receivedAt);
        var c = await h.OpenCaseAsync(Jurisdiction.UkFca, receivedAt);

        Assert.Equal(expected, h.Clocks.IsSummaryResolution(c, DateTimeOffset.Parse(answered, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task IsSummaryResolution_OtherRegime_False()
    {
        using var h = new ClockHarness(Utc(2025, 4, 11, 15));
        var c = await h.OpenCaseAsync(Jurisdiction.EuPsd2, Utc(2025, 4, 11, 15));

        Assert.False(h.Clocks.IsSummaryResolution(c, Utc(2025, 4, 11, 16)));
    }

    [Fact]
    public async Task ExtendStatutoryAsync_EuPsd2_FifteenThenThirtyFiveBusinessDaysOnceOnly()
    {
        // Mon 1 Dec 2025 10:00 CET. 15 business days: 2-5 Dec (4), 8-12 (9), 15-19 (14), Mon 22 (15);
        // end = Tue 23 00:00 CET = Mon 22 23:00 UTC.
        using var h = new ClockHarness(Utc(2025, 12, 1, 9));
        var c = await h.OpenCaseAsync(Jurisdiction.EuPsd2, Utc(2025, 12, 1, 9));
        Assert.Equal(Utc(2025, 12, 22, 23), (await h.CaseAsync(c.ComplaintId)).FinalResponseDue);

        // 35: 23, 24 (17), 25-26 TARGET holidays, 29-31 (20), 1 Jan holiday, Fri 2 (21), 5-9 (26), 12-16 (31),
        // 19-22 (35) = Thu 22 Jan 2026; end = Fri 23 00:00 CET = Thu 22 23:00 UTC.
        var (previous, due) = await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.ExtendStatutoryAsync(db, x, Utc(2025, 12, 10), CancellationToken.None));

        Assert.Equal(Utc(2025, 12, 22, 23), previous);
        Assert.Equal(Utc(2026, 1, 22, 23), due);
        var saved = await h.CaseAsync(c.ComplaintId);
        Assert.Equal(due, saved.FinalResponseDue);
        Assert.True(saved.StatutoryExtended);
        var entry = Assert.Single(await h.TimelineAsync(c.ComplaintId), t => t.Title == "Final response deadline extended");
        // Internal: the holding reply the complainant sees carries the handler's reason (CaseWork.ExtendStatutoryAsync).
        Assert.False(entry.IsPublic);
        Assert.Equal(EntryKinds.Deadline, entry.Kind);

        await Assert.ThrowsAsync<PreconditionException>(() =>
            h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.ExtendStatutoryAsync(db, x, Utc(2025, 12, 11), CancellationToken.None)));
        Assert.Equal(due, (await h.CaseAsync(c.ComplaintId)).FinalResponseDue);
    }

    [Fact]
    public async Task ExtendStatutoryAsync_UsCfpb_FifteenThenSixtyCalendarDays()
    {
        // Tue 1 July 2025 23:00 EDT (2 July 03:00 UTC): the local date of receipt is 1 July.
        // 15 days: end of 16 July = 17 July 00:00 EDT = 17 July 04:00 UTC. 60 days: end of 30 Aug = 31 Aug 04:00 UTC.
        using var h = new ClockHarness(Utc(2025, 7, 2, 3));
        var c = await h.OpenCaseAsync(Jurisdiction.UsCfpb, Utc(2025, 7, 2, 3));
        Assert.Equal(Utc(2025, 7, 17, 4), (await h.CaseAsync(c.ComplaintId)).FinalResponseDue);

        var (_, due) = await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.ExtendStatutoryAsync(db, x, Utc(2025, 7, 10), CancellationToken.None));

        Assert.Equal(Utc(2025, 8, 31, 4), due);
        Assert.Equal(due, (await h.CaseAsync(c.ComplaintId)).FinalResponseDue);
    }

    [Fact]
    public async Task StartAsync_AuAsic_AcknowledgeIn24HoursAndFinalResponseIn30Days()
    {
        // Sun 1 June 2025 15:00 UTC = Mon 2 June 01:00 AEST. Acknowledge: exactly 24 h later.
        // Final: 2 June + 30 = 2 July; end = 3 July 00:00 AEST = 2 July 14:00 UTC.
        using var h = new ClockHarness(Utc(2025, 6, 1, 15));
        var c = await h.OpenCaseAsync(Jurisdiction.AuAsic, Utc(2025, 6, 1, 15));

        var saved = await h.CaseAsync(c.ComplaintId);
        Assert.Equal(Utc(2025, 6, 2, 15), saved.StatutoryAcknowledgeBy);
        Assert.Equal(Utc(2025, 7, 2, 14), saved.FinalResponseDue);
        Assert.Equal(Utc(2025, 6, 2, 15), saved.NextDeadline);
        await Assert.ThrowsAsync<PreconditionException>(() =>
            h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.ExtendStatutoryAsync(db, x, Utc(2025, 6, 5), CancellationToken.None)));
    }

    [Fact]
    public async Task StartAsync_JurisdictionUnspecified_SlaClocksOnlyOnTheDefaultCalendar()
    {
        using var h = new ClockHarness(Utc(2025, 6, 6, 12));
        var c = await h.OpenCaseAsync(Jurisdiction.Unspecified, Utc(2025, 6, 6, 12));

        var saved = await h.CaseAsync(c.ComplaintId);
        Assert.Null(saved.StatutoryAcknowledgeBy);
        Assert.Null(saved.FinalResponseDue);
        // Fri 6 June 2025 (UTC): acknowledge by the end of Mon 9 June; first response (5) by the end of Fri 13 June.
        Assert.Equal(Utc(2025, 6, 10), saved.AcknowledgeBy);
        Assert.Equal(Utc(2025, 6, 14), saved.FirstResponseBy);
        Assert.NotNull(saved.ResolveBy);
    }

    [Fact]
    public async Task RestartOnReopenAsync_UkFca_FreshResolveAndFinalResponseClocks()
    {
        using var h = new ClockHarness(Utc(2025, 3, 3, 10));
        var c = await h.OpenCaseAsync(Jurisdiction.UkFca, Utc(2025, 3, 3, 10));
        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.StopAllAsync(db, x, Utc(2025, 3, 20), CancellationToken.None));
        Assert.Null((await h.CaseAsync(c.ComplaintId)).NextDeadline);

        // Reopened Tue 1 April 2025 09:00 UTC (10:00 BST): 8 weeks = 27 May; end = 28 May 00:00 BST = 27 May 23:00 UTC.
        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.RestartOnReopenAsync(db, x, Utc(2025, 4, 1, 9), CancellationToken.None));

        var saved = await h.CaseAsync(c.ComplaintId);
        Assert.Equal(Utc(2025, 5, 27, 23), saved.FinalResponseDue);
        var resolve = await h.ClockAsync(c.ComplaintId, ClockKind.SlaResolve);
        Assert.Equal(Utc(2025, 4, 1, 9), resolve.StartedAt);
        Assert.Null(resolve.StoppedAt);
        Assert.NotNull((await h.ClockAsync(c.ComplaintId, ClockKind.SlaAcknowledge)).StoppedAt);
        Assert.Equal(resolve.DueAt, saved.ResolveBy);
        Assert.Contains(await h.TimelineAsync(c.ComplaintId), t => t.Title == "New final response deadline" && t.IsPublic);
    }

    [Fact]
    public async Task RestartOnReopenAsync_FirstResponseGiven_FirstResponseClockStartsAgainFromTheReopening()
    {
        using var h = new ClockHarness(Utc(2025, 3, 3, 10));
        var c = await h.OpenCaseAsync(Jurisdiction.UkFca, Utc(2025, 3, 3, 10));
        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.StopAsync(db, x, ClockKind.SlaFirstResponse, Utc(2025, 3, 4, 9), CancellationToken.None));
        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.StopAllAsync(db, x, Utc(2025, 3, 20), CancellationToken.None));

        // Reopened Tue 1 April 2025 09:00 UTC: 5 business days = Tue 8 April; end = 9 April 00:00 BST = 8 April 23:00 UTC.
        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.RestartOnReopenAsync(db, x, Utc(2025, 4, 1, 9), CancellationToken.None));

        var firstResponse = await h.ClockAsync(c.ComplaintId, ClockKind.SlaFirstResponse);
        Assert.Equal(Utc(2025, 4, 1, 9), firstResponse.StartedAt);
        Assert.Equal(Utc(2025, 4, 8, 23), firstResponse.DueAt);
        Assert.Null(firstResponse.StoppedAt);
        Assert.Equal(0, firstResponse.LastPercentFired);
        var saved = await h.CaseAsync(c.ComplaintId);
        Assert.Equal(firstResponse.DueAt, saved.FirstResponseBy);
        Assert.Equal(firstResponse.DueAt, saved.NextDeadline);
        Assert.NotNull((await h.ClockAsync(c.ComplaintId, ClockKind.SlaAcknowledge)).StoppedAt);
    }

    [Fact]
    public async Task RestartOnReopenAsync_UsCfpb_StatutoryClockNotRestarted()
    {
        using var h = new ClockHarness(Utc(2025, 7, 1, 14));
        var c = await h.OpenCaseAsync(Jurisdiction.UsCfpb, Utc(2025, 7, 1, 14));
        var due = (await h.CaseAsync(c.ComplaintId)).FinalResponseDue;
        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.StopAllAsync(db, x, Utc(2025, 7, 8), CancellationToken.None));

        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.RestartOnReopenAsync(db, x, Utc(2025, 8, 1, 14), CancellationToken.None));

        Assert.Equal(due, (await h.CaseAsync(c.ComplaintId)).FinalResponseDue);
        Assert.NotNull((await h.ClockAsync(c.ComplaintId, ClockKind.StatutoryFinalResponse)).StoppedAt);
        Assert.Null((await h.ClockAsync(c.ComplaintId, ClockKind.SlaResolve)).StoppedAt);
    }
}
