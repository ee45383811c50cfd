using Complaints.Common.V1;
using Complaints.Routing.Clocks;

namespace Complaints.Routing.Tests.Clocks;

/// <summary>Business days on the shipped calendars; every expected instant is worked out by hand in the comment.</summary>
public sealed class BusinessCalendarTests
{
    private static readonly ClockPolicies Policies = ClockPolicies.Load(Path.Combine(AppContext.BaseDirectory, "Policies", "clocks.json"));

    private static DateTimeOffset Utc(int y, int m, int d, int h = 0, int min = 0, int s = 0) => new(y, m, d, h, min, s, TimeSpan.Zero);

    [Fact]
    public void EndOfBusinessDaysAfter_FridayReceipt_SkipsWeekend()
    {
        var uk = Policies.CalendarFor(Jurisdiction.UkFca);
        // Fri 6 June 2025 10:00 BST; 3 business days after: Mon 9, Tue 10, Wed 11; end of Wed = Thu 00:00 BST = Wed 23:00 UTC.
        Assert.Equal(Utc(2025, 6, 11, 23), uk.EndOfBusinessDaysAfter(Utc(2025, 6, 6, 9), 3));
    }

    [Fact]
    public void EndOfBusinessDaysAfter_EasterWeekend_SkipsEachJurisdictionsOwnHolidays()
    {
        // Thu 17 April 2025, one business day after.
        // UK: Good Friday 18 and Easter Monday 21 are bank holidays: Tue 22; end = Wed 23 00:00 BST = Tue 22 23:00 UTC.
        Assert.Equal(Utc(2025, 4, 22, 23), Policies.CalendarFor(Jurisdiction.UkFca).EndOfBusinessDaysAfter(Utc(2025, 4, 17, 12), 1));
        // US: Good Friday is not a federal holiday: Fri 18; end = Sat 19 00:00 EDT = Sat 19 04:00 UTC.
        Assert.Equal(Utc(2025, 4, 19, 4), Policies.CalendarFor(Jurisdiction.UsCfpb).EndOfBusinessDaysAfter(Utc(2025, 4, 17, 12), 1));
    }

    [Fact]
    public void EndOfBusinessDaysAfter_LateEveningUtc_CountsFromTheLocalDateOfReceipt()
    {
        // Mon 2 June 2025 23:30 UTC is already Tue 3 June 00:30 in London: next business day Wed 4; end = Wed 23:00 UTC.
        Assert.Equal(Utc(2025, 6, 4, 23), Policies.CalendarFor(Jurisdiction.UkFca).EndOfBusinessDaysAfter(Utc(2025, 6, 2, 23, 30), 1));
        // Sun 1 June 2025 15:00 UTC is Mon 2 June 01:00 AEST in Sydney: next business day Tue 3; end = Wed 4 00:00 AEST = Tue 3 14:00 UTC.
        Assert.Equal(Utc(2025, 6, 3, 14), Policies.CalendarFor(Jurisdiction.AuAsic).EndOfBusinessDaysAfter(Utc(2025, 6, 1, 15), 1));
        // Same instant in UTC (the default calendar): Sunday; next business day Mon 2; end = Tue 3 00:00 UTC.
        Assert.Equal(Utc(2025, 6, 3), Policies.CalendarFor(Jurisdiction.Unspecified).EndOfBusinessDaysAfter(Utc(2025, 6, 1, 15), 1));
    }

    [Fact]
    public void BusinessTimeBetween_FridayNoonToMondayNoon_CountsOnlyBusinessHours()
    {
        var utc = Policies.CalendarFor(Jurisdiction.Unspecified);
        // Fri 7 March 2025 12:00 to Mon 10 March 12:00 UTC: 12 h Friday + 12 h Monday; the weekend does not count.
        Assert.Equal(TimeSpan.FromHours(24), utc.BusinessTimeBetween(Utc(2025, 3, 7, 12), Utc(2025, 3, 10, 12)));
        Assert.Equal(TimeSpan.Zero, utc.BusinessTimeBetween(Utc(2025, 3, 8), Utc(2025, 3, 10)));
    }

    [Fact]
    public void AddBusinessTime_FridayEvening_ContinuesOnMonday()
    {
        var utc = Policies.CalendarFor(Jurisdiction.Unspecified);
        // Fri 7 March 2025 20:00 + 6 business hours: 4 h on Friday, then 2 h on Monday 10 March.
        Assert.Equal(Utc(2025, 3, 10, 2), utc.AddBusinessTime(Utc(2025, 3, 7, 20), TimeSpan.FromHours(6)));
    }

    [Fact]
    public void DueFrom_BusinessHoursOverAHoliday_SkipsTheHoliday()
    {
        var uk = Policies.CalendarFor(Jurisdiction.UkFca);
        // Critical severity acknowledges within 4 business hours. Thu 24 Dec 2025 22:00 UTC (= GMT) + 4 h: 2 h on the 24th,
        // then 25 and 26 December are bank holidays and 27-28 a weekend: 2 h on Mon 29 December.
        var duration = Policies.SlaFor(Jurisdiction.UkFca, Routing.V1.Severity.Critical).Acknowledge;
        Assert.Equal(new ClockDuration(DurationUnit.BusinessHours, 4), duration);
        Assert.Equal(Utc(2025, 12, 29, 2), duration.DueFrom(Utc(2025, 12, 24, 22), uk));
    }
}
