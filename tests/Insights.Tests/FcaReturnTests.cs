using Complaints.Common.V1;
using Complaints.Insights.Domain;
using Complaints.Insights.V1;
using Complaints.Intake.V1;
using Complaints.Routing.V1;
using Google.Protobuf.WellKnownTypes;
using static Complaints.Insights.Tests.Events;

namespace Complaints.Insights.Tests;

/// <summary>
/// DISP 1 Annex 1's "closed by the end of the third business day after receipt" on the England and Wales calendar
/// (the Calendars library's Policies/calendars.json, Europe/London, as Routing's clocks count it) and "outstanding at the start of the period", worked out by hand.
/// </summary>
public sealed class FcaReturnTests : IDisposable
{
    private readonly Pipeline _p = new();

    public void Dispose() => _p.Dispose();

    private static Timestamp Utc(int year, int month, int day, int hour, int minute = 0) =>
        Timestamp.FromDateTimeOffset(new DateTimeOffset(year, month, day, hour, minute, 0, TimeSpan.Zero));

    private static ComplaintReceived Banking(string id, Timestamp at)
    {
        var e = Received(id, "billing", Channel.Web, Jurisdiction.UkFca, fca: "Banking");
        e.ReceivedAt = at;
        return e;
    }

    private Task<GetFcaReturnResponse> FcaAsync(string from, string to) =>
        _p.QueryAsync(db => new Returns(db, new MetricQueries(db)).FcaAsync(new GetFcaReturnRequest { From = from, To = to }, CancellationToken.None));

    /// <summary>
    /// f1: received Fri 22 May 2026 11:00 BST; Mon 25 May is a bank holiday, so its third business day is Thu 28 May;
    /// closed Thu 28 May 21:00 BST: within (6 calendar days). f2: same receipt, closed Fri 29 May 00:30 BST (Thu
    /// 23:30 UTC): not within, though still Thursday in UTC. f3: received Wed 27 May 00:30 BST (Tue 23:30 UTC): its
    /// day is Wednesday, the third business day after it Mon 1 June; closed Mon 1 June 23:00 BST: within. f4: received
    /// Wed 10 June, still open.
    /// </summary>
    private Task ScenarioAsync() => _p.FeedAsync(
        Banking("f1", Utc(2026, 5, 22, 10)),
        Banking("f2", Utc(2026, 5, 22, 10)),
        Banking("f3", Utc(2026, 5, 26, 23, 30)),
        new CaseClosed { ComplaintId = "f1", ClosedAt = Utc(2026, 5, 28, 20), Outcome = Outcome.NotUpheld },
        new CaseClosed { ComplaintId = "f2", ClosedAt = Utc(2026, 5, 28, 23, 30), Outcome = Outcome.NotUpheld },
        new CaseClosed { ComplaintId = "f3", ClosedAt = Utc(2026, 6, 1, 22), Outcome = Outcome.Upheld },
        Banking("f4", Utc(2026, 6, 10, 9)));

    [Fact]
    public async Task GetFcaReturn_ClosuresAroundHolidayAndMidnight_WithinThreeBusinessDaysByUkCalendar()
    {
        await ScenarioAsync();

        var fca = await FcaAsync("2026-05-01", "2026-06-30");

        var banking = Assert.Single(fca.Rows);
        Assert.Equal((0L, 4L, 3L, 2L, 3L, 1L, 1L),
            (banking.OutstandingAtStart, banking.Opened, banking.Closed, banking.ClosedWithin3Days, banking.ClosedWithin8Weeks, banking.Upheld, banking.Outstanding));
    }

    [Fact]
    public async Task GetFcaReturn_PeriodAfterReceipts_OutstandingAtStartCarriedIn()
    {
        await ScenarioAsync();

        // Periods are UTC days: f1, f2 (22 May) and f3 (26 May 23:30 UTC) were open at the end of 26 May.
        var june = await FcaAsync("2026-05-27", "2026-06-30");
        Assert.Equal((3L, 1L, 3L, 1L), (june.Total.OutstandingAtStart, june.Total.Opened, june.Total.Closed, june.Total.Outstanding));
        Assert.StartsWith("Product group,Outstanding at start,Opened,Closed,", june.Csv);
        Assert.Contains("\nBanking,3,1,3,2,3,1,33.33,,1\n", june.Csv);

        // Before any closure: all three received and still open; nothing outstanding at the start.
        var may = await FcaAsync("2026-05-01", "2026-05-26");
        Assert.Equal((0L, 3L, 0L, 3L), (may.Total.OutstandingAtStart, may.Total.Opened, may.Total.Closed, may.Total.Outstanding));

        // A period with nothing but open cases still lists the product group.
        var later = await FcaAsync("2026-07-01", "2026-07-31");
        Assert.Equal([("Banking", 1L, 0L, 1L)], later.Rows.Select(r => (r.ProductGroup, r.OutstandingAtStart, r.Opened, r.Outstanding)));
    }
}
