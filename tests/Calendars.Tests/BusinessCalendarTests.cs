using Complaints.Common.V1;

namespace Complaints.Calendars.Tests;

/// <summary>Business days on the shipped calendars; every expected instant is worked out by hand in the comment.</summary>
public sealed class BusinessCalendarTests
{
    private static readonly JurisdictionCalendars Shipped = JurisdictionCalendars.Load(Path.Combine(AppContext.BaseDirectory, "Policies", "calendars.json"));

    private static DateTimeOffset Utc(int y, int m, int d, int h = 0, int min = 0, int s = 0) => new(y, m, d, h, min, s, TimeSpan.Zero);

    [Fact]
    public void EndOfBusinessDaysAfter_FridayReceipt_SkipsWeekend()
    {
        var uk = Shipped.For(Jurisdiction.UkFca);
        // Fri 6 June 2025 10:00 BST; 3 business days after: Mon 9, Tue 10, Wed 11; end of Wed = Thu 00:00 BST = Wed 23:00 UTC.
        Assert.Equal(Utc(2025, 6, 11, 23), uk.EndOfBusinessDaysAfter(Utc(2025, 6, 6, 9), 3));
    }

    [Fact]
    public void EndOfBusinessDaysAfter_EasterWeekend_SkipsEachJurisdictionsOwnHolidays()
    {
        // Thu 17 April 2025, one business day after.
        // UK: Good Friday 18 and Easter Monday 21 are bank holidays: Tue 22; end = Wed 23 00:00 BST = Tue 22 23:00 UTC.
        Assert.Equal(Utc(2025, 4, 22, 23), Shipped.For(Jurisdiction.UkFca).EndOfBusinessDaysAfter(Utc(2025, 4, 17, 12), 1));
        // US: Good Friday is not a federal holiday: Fri 18; end = Sat 19 00:00 EDT = Sat 19 04:00 UTC.
        Assert.Equal(Utc(2025, 4, 19, 4), Shipped.For(Jurisdiction.UsCfpb).EndOfBusinessDaysAfter(Utc(2025, 4, 17, 12), 1));
    }

    [Fact]
    public void EndOfBusinessDaysAfter_LateEveningUtc_CountsFromTheLocalDateOfReceipt()
    {
        // Mon 2 June 2025 23:30 UTC is already Tue 3 June 00:30 in London: next business day Wed 4; end = Wed 23:00 UTC.
        Assert.Equal(Utc(2025, 6, 4, 23), Shipped.For(Jurisdiction.UkFca).EndOfBusinessDaysAfter(Utc(2025, 6, 2, 23, 30), 1));
        // Sun 1 June 2025 15:00 UTC is Mon 2 June 01:00 AEST in Sydney: next business day Tue 3; end = Wed 4 00:00 AEST = Tue 3 14:00 UTC.
        Assert.Equal(Utc(2025, 6, 3, 14), Shipped.For(Jurisdiction.AuAsic).EndOfBusinessDaysAfter(Utc(2025, 6, 1, 15), 1));
        // Same instant in UTC (the default calendar): Sunday; next business day Mon 2; end = Tue 3 00:00 UTC.
        Assert.Equal(Utc(2025, 6, 3), Shipped.For(Jurisdiction.Unspecified).EndOfBusinessDaysAfter(Utc(2025, 6, 1, 15), 1));
    }

    [Fact]
    public void BusinessTimeBetween_FridayNoonToMondayNoon_CountsOnlyBusinessHours()
    {
        var utc = Shipped.For(Jurisdiction.Unspecified);
        // Fri 7 March 2025 12:00 to Mon 10 March 12:00 UTC: 12 h Friday + 12 h Monday; the weekend does not count.
        Assert.Equal(TimeSpan.FromHours(24), utc.BusinessTimeBetween(Utc(2025, 3, 7, 12), Utc(2025, 3, 10, 12)));
        Assert.Equal(TimeSpan.Zero, utc.BusinessTimeBetween(Utc(2025, 3, 8), Utc(2025, 3, 10)));
    }

    [Fact]
    public void AddBusinessTime_FridayEvening_ContinuesOnMonday()
    {
        var utc = Shipped.For(Jurisdiction.Unspecified);
        // Fri 7 March 2025 20:00 + 6 business hours: 4 h on Friday, then 2 h on Monday 10 March.
        Assert.Equal(Utc(2025, 3, 10, 2), utc.AddBusinessTime(Utc(2025, 3, 7, 20), TimeSpan.FromHours(6)));
    }

    [Fact]
    public void EndOfBusinessDaysAfter_Easter2029_SkipsGoodFridayAndEasterMonday()
    {
        // Easter Sunday 2029 is 1 April. UK, Thu 29 March 2029 12:00 BST: Fri 30 March and Mon 2 April are bank holidays,
        // so one business day after is Tue 3 April; end = Wed 4 April 00:00 BST = Tue 3 April 23:00 UTC.
        Assert.Equal(Utc(2029, 4, 3, 23), Shipped.For(Jurisdiction.UkFca).EndOfBusinessDaysAfter(Utc(2029, 3, 29, 11), 1));
        // US, Wed 22 November 2028: Thanksgiving Thu 23 is a federal holiday: Fri 24; end = Sat 25 00:00 EST = 05:00 UTC.
        Assert.Equal(Utc(2028, 11, 25, 5), Shipped.For(Jurisdiction.UsCfpb).EndOfBusinessDaysAfter(Utc(2028, 11, 22, 15), 1));
    }

    [Fact]
    public void EndOfBusinessDaysBefore_DeadlineAfterChristmasAndNewYear_SkipsHolidaysAndWeekends()
    {
        var uk = Shipped.For(Jurisdiction.UkFca);
        // A deadline at the end of Mon 4 January 2027 (5 January 00:00 GMT). Fri 1 January is a bank holiday, 2-3 a
        // weekend: one business day before is Thu 31 December, two is Wed 30; end of Wed 30 = 31 December 00:00 GMT.
        Assert.Equal(Utc(2026, 12, 31), uk.EndOfBusinessDaysBefore(Utc(2027, 1, 5), 2));
        // Five: Tue 29 (3); Mon 28 (Boxing Day's substitute), the weekend and Fri 25 (Christmas) are off; Thu 24 (4),
        // Wed 23 (5); end = 24 December 00:00 GMT.
        Assert.Equal(Utc(2026, 12, 24), uk.EndOfBusinessDaysBefore(Utc(2027, 1, 5), 5));
    }

    [Fact]
    public void EndOfBusinessDaysBefore_AcrossEasterAndTheClockChange_EndsAtLocalMidnight()
    {
        // The end of Tue 30 March 2027 (31 March 00:00 BST = 30 March 23:00 UTC). Easter Sunday is 28 March, the day
        // BST starts: Mon 29 (Easter Monday), the weekend and Fri 26 (Good Friday) are off: Thu 25 (1), Wed 24 (2);
        // end of Wed 24 = Thu 25 00:00 GMT = 25 March 00:00 UTC.
        Assert.Equal(Utc(2027, 3, 25), Shipped.For(Jurisdiction.UkFca).EndOfBusinessDaysBefore(Utc(2027, 3, 30, 23), 2));
    }

    [Fact]
    public void EndOfBusinessDaysBefore_DeadlineOnASunday_CountsTheBusinessDaysBeforeIt()
    {
        // US CFPB's 15 calendar days can end on a weekend: the end of Sun 6 December 2026 (7 December 00:00 EST =
        // 05:00 UTC). Two business days before: Fri 4 (1), Thu 3 (2); end of Thu 3 = Fri 4 00:00 EST = Fri 4 05:00 UTC.
        Assert.Equal(Utc(2026, 12, 4, 5), Shipped.For(Jurisdiction.UsCfpb).EndOfBusinessDaysBefore(Utc(2026, 12, 7, 5), 2));
        // Before Thanksgiving: the end of Fri 27 November 2026 (28 Nov 05:00 UTC). Thu 26 is Thanksgiving: Wed 25 (1),
        // Tue 24 (2); end of Tue 24 = Wed 25 00:00 EST = Wed 25 05:00 UTC.
        Assert.Equal(Utc(2026, 11, 25, 5), Shipped.For(Jurisdiction.UsCfpb).EndOfBusinessDaysBefore(Utc(2026, 11, 28, 5), 2));
    }

    [Fact]
    public void EndOfBusinessDaysBefore_MidDayDeadline_CountsFromItsLocalDate()
    {
        var au = Shipped.For(Jurisdiction.AuAsic);
        // AU ASIC's 24-hour acknowledgement: Tue 8 December 2026 12:00 AEDT (01:00 UTC). One business day before is
        // Mon 7; end of Mon 7 = Tue 8 00:00 AEDT = Mon 7 13:00 UTC.
        Assert.Equal(Utc(2026, 12, 7, 13), au.EndOfBusinessDaysBefore(Utc(2026, 12, 8, 1), 1));
        // None before: the deadline itself.
        Assert.Equal(Utc(2026, 12, 8, 1), au.EndOfBusinessDaysBefore(Utc(2026, 12, 8, 1), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => au.EndOfBusinessDaysBefore(Utc(2026, 12, 8, 1), -1));
    }

    [Fact]
    public void EndOfCalendarDaysBefore_DayBasedDeadline_EndOfTheDayThatManyDaysEarlier()
    {
        var uk = Shipped.For(Jurisdiction.UkFca);
        // The end of Mon 1 February 2027 (2 February 00:00 GMT) less 3 calendar days: the end of Fri 29 January =
        // 30 January 00:00 UTC (weekends and holidays count as days).
        Assert.Equal(Utc(2027, 1, 30), uk.EndOfCalendarDaysBefore(Utc(2027, 2, 2), 3));
        // The end of Tue 30 March 2027 (BST) less 3: the end of Sat 27 March (GMT) = 28 March 00:00 UTC.
        Assert.Equal(Utc(2027, 3, 28), uk.EndOfCalendarDaysBefore(Utc(2027, 3, 30, 23), 3));
        Assert.Equal(Utc(2027, 2, 2), uk.EndOfCalendarDaysBefore(Utc(2027, 2, 2), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => uk.EndOfCalendarDaysBefore(Utc(2027, 2, 2), -1));
    }

    /// <summary>The business-day holidays the rules give; checked against the published calendars (gov.uk, OPM, NSW, ECB TARGET).</summary>
    [Theory]
    [InlineData(Jurisdiction.UkFca, 2028, "2028-01-03 2028-04-14 2028-04-17 2028-05-01 2028-05-29 2028-08-28 2028-12-25 2028-12-26")]
    [InlineData(Jurisdiction.UkFca, 2029, "2029-01-01 2029-03-30 2029-04-02 2029-05-07 2029-05-28 2029-08-27 2029-12-25 2029-12-26")]
    [InlineData(Jurisdiction.UkFca, 2030, "2030-01-01 2030-04-19 2030-04-22 2030-05-06 2030-05-27 2030-08-26 2030-12-25 2030-12-26")]
    [InlineData(Jurisdiction.EuPsd2, 2028, "2028-04-14 2028-04-17 2028-05-01 2028-12-25 2028-12-26")]
    [InlineData(Jurisdiction.EuPsd2, 2029, "2029-01-01 2029-03-30 2029-04-02 2029-05-01 2029-12-25 2029-12-26")]
    [InlineData(Jurisdiction.EuPsd2, 2030, "2030-01-01 2030-04-19 2030-04-22 2030-05-01 2030-12-25 2030-12-26")]
    // 2028: New Year's Day is a Saturday, observed on Friday 31 December 2027; Veterans Day (Sat 11 Nov) on Fri 10.
    [InlineData(Jurisdiction.UsCfpb, 2028, "2028-01-17 2028-02-21 2028-05-29 2028-06-19 2028-07-04 2028-09-04 2028-10-09 2028-11-10 2028-11-23 2028-12-25")]
    [InlineData(Jurisdiction.UsCfpb, 2029, "2029-01-01 2029-01-15 2029-02-19 2029-05-28 2029-06-19 2029-07-04 2029-09-03 2029-10-08 2029-11-12 2029-11-22 2029-12-25")]
    [InlineData(Jurisdiction.UsCfpb, 2030, "2030-01-01 2030-01-21 2030-02-18 2030-05-27 2030-06-19 2030-07-04 2030-09-02 2030-10-14 2030-11-11 2030-11-28 2030-12-25")]
    // 2028: New Year's Day (Sat) substituted on Mon 3 January; 2030: Australia Day (Sat) on Mon 28 January.
    [InlineData(Jurisdiction.AuAsic, 2028, "2028-01-03 2028-01-26 2028-04-14 2028-04-17 2028-04-25 2028-06-12 2028-10-02 2028-12-25 2028-12-26")]
    [InlineData(Jurisdiction.AuAsic, 2029, "2029-01-01 2029-01-26 2029-03-30 2029-04-02 2029-04-25 2029-06-11 2029-10-01 2029-12-25 2029-12-26")]
    [InlineData(Jurisdiction.AuAsic, 2030, "2030-01-01 2030-01-28 2030-04-19 2030-04-22 2030-04-25 2030-06-10 2030-10-07 2030-12-25 2030-12-26")]
    public void HolidaysIn_2028To2030_PublishedBusinessDayHolidays(Jurisdiction jurisdiction, int year, string expected)
    {
        var calendar = Shipped.For(jurisdiction);

        var weekdays = calendar.HolidaysIn(year).Where(d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)).Order();

        Assert.Equal(expected, string.Join(' ', weekdays.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))));
    }

    /// <summary>The rules give exactly the dates the file listed by hand for 2025-2027 (weekend days aside).</summary>
    [Theory]
    [InlineData(Jurisdiction.UkFca,
        "2025-01-01 2025-04-18 2025-04-21 2025-05-05 2025-05-26 2025-08-25 2025-12-25 2025-12-26 "
        + "2026-01-01 2026-04-03 2026-04-06 2026-05-04 2026-05-25 2026-08-31 2026-12-25 2026-12-28 "
        + "2027-01-01 2027-03-26 2027-03-29 2027-05-03 2027-05-31 2027-08-30 2027-12-27 2027-12-28")]
    [InlineData(Jurisdiction.EuPsd2,
        "2025-01-01 2025-04-18 2025-04-21 2025-05-01 2025-12-25 2025-12-26 2026-01-01 2026-04-03 2026-04-06 2026-05-01 2026-12-25 "
        + "2027-01-01 2027-03-26 2027-03-29")]
    [InlineData(Jurisdiction.UsCfpb,
        "2025-01-01 2025-01-20 2025-02-17 2025-05-26 2025-06-19 2025-07-04 2025-09-01 2025-10-13 2025-11-11 2025-11-27 2025-12-25 "
        + "2026-01-01 2026-01-19 2026-02-16 2026-05-25 2026-06-19 2026-07-03 2026-09-07 2026-10-12 2026-11-11 2026-11-26 2026-12-25 "
        + "2027-01-01 2027-01-18 2027-02-15 2027-05-31 2027-06-18 2027-07-05 2027-09-06 2027-10-11 2027-11-11 2027-11-25 2027-12-24 2027-12-31")]
    [InlineData(Jurisdiction.AuAsic,
        "2025-01-01 2025-01-27 2025-04-18 2025-04-21 2025-04-25 2025-06-09 2025-10-06 2025-12-25 2025-12-26 "
        + "2026-01-01 2026-01-26 2026-04-03 2026-04-06 2026-06-08 2026-10-05 2026-12-25 2026-12-28 "
        + "2027-01-01 2027-01-26 2027-03-26 2027-03-29 2027-06-14 2027-10-04 2027-12-27 2027-12-28")]
    public void HolidaysIn_2025To2027_SameAsTheListedDates(Jurisdiction jurisdiction, string expected)
    {
        var calendar = Shipped.For(jurisdiction);

        var weekdays = new[] { 2025, 2026, 2027 }.SelectMany(calendar.HolidaysIn)
            .Where(d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)).Order();

        Assert.Equal(expected, string.Join(' ', weekdays.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Theory]
    [InlineData(2024, 3, 31)]
    [InlineData(2025, 4, 20)]
    [InlineData(2038, 4, 25)]
    [InlineData(2049, 4, 18)]
    [InlineData(2285, 3, 22)]
    public void EasterSunday_KnownYears_Gregorian(int year, int month, int day)
    {
        Assert.Equal(new DateOnly(year, month, day), HolidayRule.EasterSunday(year));
    }

    [Fact]
    public void EndOfBusinessDaysAfter_ListedDatesRunOut_FailsNamingTheCalendarAndYear()
    {
        // A calendar of dates without rules knows nothing of 2028: counting into it fails instead of skipping no holiday.
        var listed = new BusinessCalendar(TimeZoneInfo.Utc, [DayOfWeek.Saturday, DayOfWeek.Sunday],
            [new DateOnly(2027, 12, 27), new DateOnly(2027, 12, 28)], name: "calendars.UK_FCA");

        Assert.Equal(Utc(2027, 12, 30), listed.EndOfBusinessDaysAfter(Utc(2027, 12, 24, 9), 1));
        var e = Assert.Throws<CalendarException>(() => listed.EndOfBusinessDaysAfter(Utc(2027, 12, 24, 9), 5));
        Assert.Contains("calendars.UK_FCA", e.Message);
        Assert.Contains("through 2027 only", e.Message);
        Assert.Contains("2028", e.Message);
    }
}
