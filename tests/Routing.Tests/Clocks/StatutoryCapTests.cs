using System.Globalization;
using Complaints.Calendars;
using Complaints.Common.V1;
using Complaints.Routing.Clocks;
using Complaints.Routing.Data;
using Complaints.Routing.V1;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Routing.Tests.Clocks;

/// <summary>
/// Issue 12, "no SLA promise past the law": every SLA target is capped at its statutory deadline (SLA acknowledge at
/// the statutory acknowledgement, SLA first response and resolve at the statutory final response), less the margin of
/// the policy file (shipped: 2 business days), wherever an SLA due date is set or moved. The expected caps are counted
/// by hand in the comments, or by <see cref="LessBusinessDays"/> here, not by the code under test.
/// </summary>
public sealed class StatutoryCapTests
{
    /// <summary>The shipped margin (Policies/clocks.json, sla.statutoryMargin).</summary>
    private const int ShippedMarginBusinessDays = 2;

    private static readonly ClockKind[] SlaKinds = [ClockKind.SlaAcknowledge, ClockKind.SlaFirstResponse, ClockKind.SlaResolve];

    private static DateTimeOffset Utc(int y, int m, int d, int h = 0, int min = 0) => new(y, m, d, h, min, 0, TimeSpan.Zero);

    private static DateTimeOffset Parse(string at) => DateTimeOffset.Parse(at, CultureInfo.InvariantCulture);

    /// <summary>
    /// The end of the <paramref name="count"/>th business day before the local day <paramref name="deadline"/> falls on
    /// (a deadline at local midnight falls on the day it ends), counted day by day on the calendar.
    /// </summary>
    private static DateTimeOffset LessBusinessDays(BusinessCalendar calendar, DateTimeOffset deadline, int count)
    {
        var day = calendar.LocalDate(deadline.AddTicks(-1));
        for (var n = 0; n < count;)
        {
            day = day.AddDays(-1);
            if (calendar.IsBusinessDay(day))
            {
                n++;
            }
        }
        return calendar.StartOfDay(day.AddDays(1));
    }

    // ---- The user's examples: exact dates --------------------------------------------------------------------------

    [Fact]
    public async Task StartAsync_UkFcaReceived7December2026_ResolveCappedTwoBusinessDaysBeforeTheFinalResponse()
    {
        // Mon 7 December 2026 10:00 GMT. Statutory: 7 Dec + 56 days = Mon 1 Feb 2027; end = 2 Feb 00:00 GMT.
        // SLA resolve, 40 business days: 25 and 28 December (Boxing Day's substitute) and 1 January are bank holidays,
        // so the 40th is Thu 4 February (due 5 Feb 00:00): past the law. The cap: 2 business days before Mon 1 Feb is
        // Thu 28 January; end = 29 January 00:00 GMT.
        using var h = new ClockHarness(Utc(2026, 12, 7, 10));
        var c = await h.OpenCaseAsync(Jurisdiction.UkFca, Utc(2026, 12, 7, 10));

        var saved = await h.CaseAsync(c.ComplaintId);
        Assert.Equal(Utc(2027, 2, 2), saved.FinalResponseDue);
        Assert.Equal(Utc(2027, 1, 29), saved.ResolveBy);
        // First response (5 business days: end of Mon 14 December) and acknowledge (end of Tue 8) are well inside.
        Assert.Equal(Utc(2026, 12, 15), saved.FirstResponseBy);
        Assert.Equal(Utc(2026, 12, 9), saved.AcknowledgeBy);
        var detail = await h.DetailAsync(c.ComplaintId, "Deadlines set");
        Assert.Contains("SLA resolve by 2027-01-29 00:00 UTC (capped at the statutory final response, less 2 business days)", detail);
        Assert.Contains("SLA first response by 2026-12-15 00:00 UTC;", detail);
    }

    [Fact]
    public async Task StartAsync_AuAsicReceived7December2026_ResolveAndAcknowledgeCappedAtTheirStatutoryDeadlines()
    {
        // Mon 7 December 2026 12:00 AEDT (01:00 UTC). Statutory final response: 7 Dec + 30 = Wed 6 January 2027;
        // end = 7 Jan 00:00 AEDT = 6 Jan 13:00 UTC. SLA resolve, 20 business days: 25 and 28 December (Boxing Day's
        // substitute) and 1 January are holidays: Thu 7 January, due 7 Jan 13:00 UTC: past the law. The cap: 2 business
        // days before Wed 6 Jan is Mon 4 Jan; end = 5 Jan 00:00 AEDT = 4 Jan 13:00 UTC.
        using var h = new ClockHarness(Utc(2026, 12, 7, 1));
        var c = await h.OpenCaseAsync(Jurisdiction.AuAsic, Utc(2026, 12, 7, 1));

        var saved = await h.CaseAsync(c.ComplaintId);
        Assert.Equal(Utc(2027, 1, 6, 13), saved.FinalResponseDue);
        Assert.Equal(Utc(2027, 1, 4, 13), saved.ResolveBy);
        // Statutory acknowledgement: exactly 24 hours. The SLA's (end of Tue 8 Dec AEDT = 8 Dec 13:00 UTC) is later;
        // 2 business days before 24 hours is before the receipt, so the cap is the statutory acknowledgement itself.
        Assert.Equal(Utc(2026, 12, 8, 1), saved.StatutoryAcknowledgeBy);
        Assert.Equal(Utc(2026, 12, 8, 1), saved.AcknowledgeBy);
        Assert.Equal(Utc(2026, 12, 14, 13), saved.FirstResponseBy);
        var detail = await h.DetailAsync(c.ComplaintId, "Deadlines set");
        Assert.Contains("SLA resolve by 2027-01-04 13:00 UTC (capped at the statutory final response, less 2 business days)", detail);
        Assert.Contains("SLA acknowledge by 2026-12-08 01:00 UTC (capped at the statutory acknowledgement", detail);
    }

    // ---- Every jurisdiction, just before its holidays ------------------------------------------------------------------

    [Theory]
    // England and Wales: Christmas 2026 (25, 28 Dec, 1 Jan), Easter 2027 (26, 29 Mar) and 2028 (14, 17 Apr).
    [InlineData(Jurisdiction.UkFca, "2026-12-07T10:00:00Z")]
    [InlineData(Jurisdiction.UkFca, "2026-12-23T16:00:00Z")]
    [InlineData(Jurisdiction.UkFca, "2027-03-25T10:00:00Z")]
    [InlineData(Jurisdiction.UkFca, "2028-04-12T09:00:00Z")]
    // TARGET: Christmas 2026 (25 Dec, 1 Jan), Easter 2027.
    [InlineData(Jurisdiction.EuPsd2, "2026-12-14T09:00:00Z")]
    [InlineData(Jurisdiction.EuPsd2, "2026-12-23T09:00:00Z")]
    [InlineData(Jurisdiction.EuPsd2, "2027-03-25T09:00:00Z")]
    // US federal: Thanksgiving 2026 (Thu 26 Nov) and 2027 (Thu 25 Nov), Christmas 2026 (25 Dec, 1 Jan), Easter 2027 (no
    // federal holiday: the cap still holds).
    [InlineData(Jurisdiction.UsCfpb, "2026-11-20T15:00:00Z")]
    [InlineData(Jurisdiction.UsCfpb, "2026-11-25T15:00:00Z")]
    [InlineData(Jurisdiction.UsCfpb, "2027-11-24T20:00:00Z")]
    [InlineData(Jurisdiction.UsCfpb, "2026-12-23T15:00:00Z")]
    [InlineData(Jurisdiction.UsCfpb, "2027-03-25T15:00:00Z")]
    // NSW and national: Christmas 2026 (25, 28 Dec, 1 Jan), Australia Day 2027, Easter and Anzac Day 2027.
    [InlineData(Jurisdiction.AuAsic, "2026-12-07T01:00:00Z")]
    [InlineData(Jurisdiction.AuAsic, "2026-12-23T01:00:00Z")]
    [InlineData(Jurisdiction.AuAsic, "2027-01-22T01:00:00Z")]
    [InlineData(Jurisdiction.AuAsic, "2027-03-25T01:00:00Z")]
    public async Task StartAsync_ReceivedJustBeforeHolidays_EverySlaDueAtOrBeforeTheStatutoryDueLessTheMargin(Jurisdiction jurisdiction, string received)
    {
        var receivedAt = Parse(received);
        using var h = new ClockHarness(receivedAt);
        var calendar = h.Policies.CalendarFor(jurisdiction);

        foreach (var severity in new[] { Severity.Low, Severity.Medium, Severity.High, Severity.Critical })
        {
            var c = await h.OpenCaseAsync(jurisdiction, receivedAt, severity);

            await AssertCappedAsync(h, c.ComplaintId, calendar, $"{jurisdiction} {severity} received {received}");
        }
    }

    // ---- Pause and resume --------------------------------------------------------------------------------------------

    [Fact]
    public async Task ResumeSlaAsync_UkFcaPausedOverChristmas_ResolveStaysAtTheCap()
    {
        // The 7 December 2026 case: resolve capped at 29 January 00:00 GMT. Paused Fri 18 Dec 10:00 to Mon 4 Jan 10:00:
        // 8 business days, which would move the resolve date to mid-February; the statutory date does not move.
        using var h = new ClockHarness(Utc(2026, 12, 7, 10));
        var c = await h.OpenCaseAsync(Jurisdiction.UkFca, Utc(2026, 12, 7, 10));
        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.PauseSlaAsync(db, x, Utc(2026, 12, 18, 10), CancellationToken.None));

        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.ResumeSlaAsync(db, x, Utc(2027, 1, 4, 10), CancellationToken.None));

        var saved = await h.CaseAsync(c.ComplaintId);
        Assert.Equal(Utc(2027, 2, 2), saved.FinalResponseDue);
        Assert.Equal(Utc(2027, 1, 29), saved.ResolveBy);
        await AssertCappedAsync(h, c.ComplaintId, h.Policies.CalendarFor(Jurisdiction.UkFca), "after the resume");
        Assert.Contains("SLA resolve", await h.DetailAsync(c.ComplaintId, "SLA clocks resumed"));
        Assert.Contains("(capped at the statutory final response, less 2 business days)", await h.DetailAsync(c.ComplaintId, "SLA clocks resumed"));
    }

    [Fact]
    public async Task ResumeSlaAsync_EuPsd2PausedAcrossChristmas_ResolveCappedTwoBusinessDaysBeforeTheFinalResponse()
    {
        // Mon 14 December 2026 10:00 CET. Statutory, 15 business days (25 Dec and 1 Jan are TARGET holidays): Wed 6 Jan
        // 2027; end = 7 Jan 00:00 CET = 6 Jan 23:00 UTC. Cap: Mon 4 Jan; end = 4 Jan 23:00 UTC. SLA resolve, 10
        // business days: Tue 29 Dec, end 29 Dec 23:00 UTC, inside the cap.
        using var h = new ClockHarness(Utc(2026, 12, 14, 9));
        var c = await h.OpenCaseAsync(Jurisdiction.EuPsd2, Utc(2026, 12, 14, 9));
        Assert.Equal(Utc(2026, 12, 29, 23), (await h.CaseAsync(c.ComplaintId)).ResolveBy);
        Assert.Equal(Utc(2027, 1, 6, 23), (await h.CaseAsync(c.ComplaintId)).FinalResponseDue);

        // Paused Tue 22 Dec 10:00 to Wed 30 Dec 10:00 CET: 14 h + 23, 24, 28, 29 + 10 h = 5 business days, which would
        // move the resolve date to the end of Wed 6 Jan: the statutory deadline, past the cap.
        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.PauseSlaAsync(db, x, Utc(2026, 12, 22, 9), CancellationToken.None));
        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.ResumeSlaAsync(db, x, Utc(2026, 12, 30, 9), CancellationToken.None));

        var saved = await h.CaseAsync(c.ComplaintId);
        Assert.Equal(Utc(2027, 1, 4, 23), saved.ResolveBy);
        Assert.Equal(Utc(2027, 1, 6, 23), saved.FinalResponseDue);
        Assert.Equal(Utc(2027, 1, 4, 23), (await h.ClockAsync(c.ComplaintId, ClockKind.SlaResolve)).DueAt);
        Assert.Contains("SLA resolve from 2026-12-29 23:00 UTC to 2027-01-04 23:00 UTC (capped at the statutory final response, less 2 business days)",
            await h.DetailAsync(c.ComplaintId, "SLA clocks resumed"));
    }

    [Fact]
    public async Task ResumeSlaAsync_ResumedAfterTheMarginBegan_CappedAtTheFinalResponseItselfNotBreachedAtOnce()
    {
        // The same EU case, paused Tue 22 Dec 10:00 CET to Tue 5 Jan 10:00 CET: 8 business days, which would move the
        // resolve date to the end of Mon 11 Jan, past the statutory 6 Jan 23:00 UTC. The margin's cap (4 Jan 23:00 UTC)
        // has passed by the resume: the target is the statutory deadline itself, not a breach the moment it is set.
        using var h = new ClockHarness(Utc(2026, 12, 14, 9));
        var c = await h.OpenCaseAsync(Jurisdiction.EuPsd2, Utc(2026, 12, 14, 9));
        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.PauseSlaAsync(db, x, Utc(2026, 12, 22, 9), CancellationToken.None));

        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.ResumeSlaAsync(db, x, Utc(2027, 1, 5, 9), CancellationToken.None));

        var saved = await h.CaseAsync(c.ComplaintId);
        Assert.Equal(Utc(2027, 1, 6, 23), saved.ResolveBy);
        Assert.Equal(Utc(2027, 1, 6, 23), saved.FinalResponseDue);
        var detail = await h.DetailAsync(c.ComplaintId, "SLA clocks resumed");
        Assert.Contains("SLA resolve from 2026-12-29 23:00 UTC to 2027-01-06 23:00 UTC (capped at the statutory final response", detail);
        Assert.DoesNotContain("less 2 business days", detail);
    }

    // ---- Severity re-timed --------------------------------------------------------------------------------------------

    [Fact]
    public async Task RetimeSlaAsync_UkFcaCriticalLoweredToMedium_ResolveCappedAtTheFinalResponseLessTheMargin()
    {
        // The 7 December 2026 case opened CRITICAL (resolve in 5 business days: end of Mon 14 Dec), lowered to MEDIUM
        // on 8 December: 40 business days would end on 4 February, past the statutory 1 February; capped at 29 Jan.
        using var h = new ClockHarness(Utc(2026, 12, 7, 10));
        var c = await h.OpenCaseAsync(Jurisdiction.UkFca, Utc(2026, 12, 7, 10), Severity.Critical);
        Assert.Equal(Utc(2026, 12, 15), (await h.CaseAsync(c.ComplaintId)).ResolveBy);

        await h.ChangeAsync(c.ComplaintId, (db, x) =>
        {
            x.Severity = (int)Severity.Medium;
            return h.Clocks.RetimeSlaAsync(db, x, Severity.Critical, Utc(2026, 12, 8, 10), CancellationToken.None);
        });

        var saved = await h.CaseAsync(c.ComplaintId);
        Assert.Equal(Utc(2027, 1, 29), saved.ResolveBy);
        Assert.Equal(Utc(2027, 2, 2), saved.FinalResponseDue);
        Assert.Contains("SLA resolve from 2026-12-15 00:00 UTC to 2027-01-29 00:00 UTC (capped at the statutory final response, less 2 business days)",
            await h.DetailAsync(c.ComplaintId, "SLA deadlines re-timed for the new severity"));
    }

    [Fact]
    public async Task RetimeSlaAsync_AuAsicCriticalLoweredToLow_AcknowledgeAndResolveCapped()
    {
        // The AU 7 December 2026 case opened CRITICAL (acknowledge in 4 business hours, resolve in 5 business days),
        // lowered to LOW an hour later: acknowledge by the end of Tue 8 Dec AEDT is past the statutory 24 hours
        // (8 Dec 01:00 UTC); resolve in 20 business days is past the statutory 30 days.
        using var h = new ClockHarness(Utc(2026, 12, 7, 1));
        var c = await h.OpenCaseAsync(Jurisdiction.AuAsic, Utc(2026, 12, 7, 1), Severity.Critical);
        Assert.Equal(Utc(2026, 12, 7, 5), (await h.CaseAsync(c.ComplaintId)).AcknowledgeBy);

        await h.ChangeAsync(c.ComplaintId, (db, x) =>
        {
            x.Severity = (int)Severity.Low;
            return h.Clocks.RetimeSlaAsync(db, x, Severity.Critical, Utc(2026, 12, 7, 2), CancellationToken.None);
        });

        var saved = await h.CaseAsync(c.ComplaintId);
        Assert.Equal(Utc(2026, 12, 8, 1), saved.AcknowledgeBy);
        Assert.Equal(Utc(2027, 1, 4, 13), saved.ResolveBy);
        await AssertCappedAsync(h, c.ComplaintId, h.Policies.CalendarFor(Jurisdiction.AuAsic), "after the re-timing");
    }

    // ---- Reopen ---------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task RestartOnReopenAsync_UkFcaReopened7December2026_ResolveCappedAtTheRestartedFinalResponse()
    {
        // Received 2 Nov 2026, closed 20 Nov, reopened Mon 7 Dec 2026 10:00 GMT: the statutory clock restarts (due
        // 2 Feb 2027 00:00 GMT); the restarted resolve clock (40 business days: 5 Feb) is capped at 29 January.
        using var h = new ClockHarness(Utc(2026, 11, 2, 10));
        var c = await h.OpenCaseAsync(Jurisdiction.UkFca, Utc(2026, 11, 2, 10));
        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.StopAllAsync(db, x, Utc(2026, 11, 20), CancellationToken.None));

        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.RestartOnReopenAsync(db, x, Utc(2026, 12, 7, 10), CancellationToken.None));

        var saved = await h.CaseAsync(c.ComplaintId);
        Assert.Equal(Utc(2027, 2, 2), saved.FinalResponseDue);
        Assert.Equal(Utc(2027, 1, 29), saved.ResolveBy);
        Assert.Equal(Utc(2026, 12, 15), saved.FirstResponseBy);
        Assert.Contains("resolve by 2027-01-29 00:00 UTC (capped at the statutory final response, less 2 business days)",
            await h.DetailAsync(c.ComplaintId, "SLA deadlines restarted"));
    }

    [Fact]
    public async Task RestartOnReopenAsync_UsCfpbStatutoryStillRunning_ResolveCappedAtTheRunningFinalResponse()
    {
        // Wed 25 Nov 2026 10:00 EST, the day before Thanksgiving: statutory 15 days = Thu 10 Dec; end = 11 Dec 05:00
        // UTC. The SLA clocks are met, the statutory one runs on; reopened Fri 27 Nov 10:00 EST (CFPB does not restart
        // it). Resolve, 10 business days from Fri 27 Nov: Fri 11 Dec (12 Dec 05:00 UTC), past the law. Cap: 2 business
        // days before Thu 10 Dec is Tue 8 Dec; end = 9 Dec 05:00 UTC.
        using var h = new ClockHarness(Utc(2026, 11, 25, 15));
        var c = await h.OpenCaseAsync(Jurisdiction.UsCfpb, Utc(2026, 11, 25, 15));
        await h.ChangeAsync(c.ComplaintId, async (db, x) =>
        {
            foreach (var kind in SlaKinds)
            {
                await h.Clocks.StopAsync(db, x, kind, Utc(2026, 11, 25, 18), CancellationToken.None);
            }
        });

        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.RestartOnReopenAsync(db, x, Utc(2026, 11, 27, 15), CancellationToken.None));

        var saved = await h.CaseAsync(c.ComplaintId);
        Assert.Equal(Utc(2026, 12, 11, 5), saved.FinalResponseDue);
        Assert.Equal(Utc(2026, 12, 9, 5), saved.ResolveBy);
        // First response, 5 business days: Fri 4 Dec (5 Dec 05:00 UTC), inside the cap.
        Assert.Equal(Utc(2026, 12, 5, 5), saved.FirstResponseBy);
    }

    [Fact]
    public async Task RestartOnReopenAsync_UsCfpbStatutoryStopped_ResolveNotCapped()
    {
        // The statutory clock stopped with the final response (due 11 Dec 05:00 UTC); reopened Mon 7 Dec 10:00 EST, the
        // original dates stand and no statutory deadline runs: resolve in 10 business days, end of Mon 21 Dec.
        using var h = new ClockHarness(Utc(2026, 11, 25, 15));
        var c = await h.OpenCaseAsync(Jurisdiction.UsCfpb, Utc(2026, 11, 25, 15));
        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.StopAllAsync(db, x, Utc(2026, 11, 30, 15), CancellationToken.None));

        await h.ChangeAsync(c.ComplaintId, (db, x) => h.Clocks.RestartOnReopenAsync(db, x, Utc(2026, 12, 7, 15), CancellationToken.None));

        var saved = await h.CaseAsync(c.ComplaintId);
        Assert.Equal(Utc(2026, 12, 22, 5), saved.ResolveBy);
        Assert.DoesNotContain("capped", await h.DetailAsync(c.ComplaintId, "SLA deadlines restarted"));
    }

    // ---- The margin in the policy file --------------------------------------------------------------------------------

    /// <summary>A policy file with the shipped SLA durations, the UK's statutory clock and <paramref name="sla"/> in "sla".</summary>
    private static string PolicyJson(string sla) => $$"""
        {
          "sla": {
            {{sla}}
            "default": {
              "acknowledge": { "unit": "businessDays", "value": 1 },
              "firstResponse": { "unit": "businessDays", "value": 5 },
              "resolve": { "unit": "businessDays", "value": 40 }
            }
          },
          "statutory": {
            "UK_FCA": { "finalResponse": { "unit": "weeks", "value": 8 }, "restartOnReopen": true }
          }
        }
        """;

    private static ClockPolicies Policies(string sla) => ClockPolicies.Parse(PolicyJson(sla), ClockPolicyTests.ShippedCalendars(), "test.json");

    [Theory]
    // 2 Feb 2027 00:00 GMT less 36 hours (the jurisdiction's override wins over the default).
    [InlineData("""
        "statutoryMargin": { "unit": "businessDays", "value": 2 },
        "byJurisdiction": { "UK_FCA": { "statutoryMargin": { "unit": "hours", "value": 36 } } },
        """, "2027-01-31T12:00:00Z", "less 36 hours")]
    // The end of Mon 1 Feb less 3 calendar days: the end of Fri 29 January.
    [InlineData("""
        "statutoryMargin": { "unit": "calendarDays", "value": 3 },
        """, "2027-01-30T00:00:00Z", "less 3 calendar days")]
    // One business day: the end of Fri 29 January.
    [InlineData("""
        "byJurisdiction": { "UK_FCA": { "statutoryMargin": { "unit": "businessDays", "value": 1 } } },
        """, "2027-01-30T00:00:00Z", "less 1 business day")]
    public async Task StartAsync_MarginFromThePolicyFile_ResolveCappedThatMuchBeforeTheFinalResponse(string sla, string resolveBy, string note)
    {
        using var h = new ClockHarness(Utc(2026, 12, 7, 10), Policies(sla));
        var c = await h.OpenCaseAsync(Jurisdiction.UkFca, Utc(2026, 12, 7, 10));

        var saved = await h.CaseAsync(c.ComplaintId);
        Assert.Equal(Utc(2027, 2, 2), saved.FinalResponseDue);
        Assert.Equal(Parse(resolveBy), saved.ResolveBy);
        Assert.Contains($"(capped at the statutory final response, {note})", await h.DetailAsync(c.ComplaintId, "Deadlines set"));
    }

    [Theory]
    // No margin configured, or a margin of zero: capped at the statutory deadline itself.
    [InlineData("")]
    [InlineData("""
        "statutoryMargin": { "unit": "businessDays", "value": 0 },
        """)]
    // A margin longer than the statutory period would cap at or before the receipt: the statutory deadline itself.
    [InlineData("""
        "statutoryMargin": { "unit": "businessDays", "value": 45 },
        """)]
    public async Task StartAsync_NoUsableMargin_ResolveCappedAtTheFinalResponseItself(string sla)
    {
        using var h = new ClockHarness(Utc(2026, 12, 7, 10), Policies(sla));
        var c = await h.OpenCaseAsync(Jurisdiction.UkFca, Utc(2026, 12, 7, 10));

        var saved = await h.CaseAsync(c.ComplaintId);
        Assert.Equal(Utc(2027, 2, 2), saved.ResolveBy);
        Assert.Equal(saved.FinalResponseDue, saved.ResolveBy);
        var detail = await h.DetailAsync(c.ComplaintId, "Deadlines set");
        Assert.Contains("SLA resolve by 2027-02-02 00:00 UTC (capped at the statutory final response", detail);
        Assert.DoesNotContain("less", detail);
    }

    [Theory]
    [InlineData("""
        "statutoryMargin": { "unit": "weeks", "value": 1 },
        """, "sla.statutoryMargin.unit")]
    [InlineData("""
        "statutoryMargin": { "unit": "businessHours", "value": 4 },
        """, "sla.statutoryMargin.unit")]
    [InlineData("""
        "statutoryMargin": { "unit": "businessDays", "value": -1 },
        """, "sla.statutoryMargin.value")]
    [InlineData("""
        "statutoryMargin": { "unit": "businessDays", "value": 1.5 },
        """, "sla.statutoryMargin.value")]
    [InlineData("""
        "statutoryMargin": { "unit": "businessDays" },
        """, "sla.statutoryMargin.value")]
    [InlineData("""
        "statutoryMargin": 2,
        """, "sla.statutoryMargin")]
    [InlineData("""
        "statutoryMargin": { "unit": "businessDays", "value": 2, "extendedValue": 3 },
        """, "sla.statutoryMargin.extendedValue")]
    [InlineData("""
        "byJurisdiction": { "UK_FCA": { "statutoryMargin": { "unit": "fortnights", "value": 1 } } },
        """, "sla.byJurisdiction.UK_FCA.statutoryMargin.unit")]
    [InlineData("""
        "bySeverity": { "CRITICAL": { "statutoryMargin": { "unit": "businessDays", "value": 1 } } },
        """, "sla.bySeverity.CRITICAL.statutoryMargin")]
    public void Parse_BadStatutoryMargin_ErrorNamesTheField(string sla, string field)
    {
        var e = Assert.Throws<ClockPolicyException>(() => Policies(sla));

        Assert.Contains("test.json: " + field + ":", e.Message);
        if (field.EndsWith(".unit", StringComparison.Ordinal))
        {
            Assert.Contains("businessDays, calendarDays or hours", e.Message);
        }
    }

    /// <summary>
    /// Every running SLA clock of the case is due at or before its statutory counterpart's due date less the shipped
    /// margin (or the statutory date itself where the margin would end at or before the SLA clock's start).
    /// </summary>
    private static async Task AssertCappedAsync(ClockHarness h, Guid id, BusinessCalendar calendar, string because)
    {
        var clocks = await h.Db.QueryAsync(db => db.Set<CaseClock>().AsNoTracking().Where(x => x.ComplaintId == id).ToListAsync());
        foreach (var sla in clocks.Where(x => SlaKinds.Contains((ClockKind)x.Kind) && x.StoppedAt is null))
        {
            var statutoryKind = (ClockKind)sla.Kind == ClockKind.SlaAcknowledge ? ClockKind.StatutoryAcknowledge : ClockKind.StatutoryFinalResponse;
            if (clocks.FirstOrDefault(x => x.Kind == (int)statutoryKind && x.StoppedAt is null) is not { } statutory)
            {
                continue;
            }
            var cap = LessBusinessDays(calendar, statutory.DueAt, ShippedMarginBusinessDays);
            if (cap <= sla.StartedAt)
            {
                cap = statutory.DueAt;
            }
            Assert.True(sla.DueAt <= cap,
                $"{because}: {CaseClocks.Name(sla.Kind)} due {sla.DueAt:u} is later than {CaseClocks.Name(statutory.Kind)} {statutory.DueAt:u} less "
                + $"{ShippedMarginBusinessDays} business days ({cap:u})");
        }
    }
}
