namespace Complaints.Calendars;

/// <summary>What happens to a holiday that falls on a weekend day.</summary>
public enum WeekendRule
{
    /// <summary>Nothing: the day is lost (TARGET days, Anzac Day in New South Wales).</summary>
    None,

    /// <summary>The next day that is neither a weekend day nor already a holiday (UK and Australian substitute days).</summary>
    NextWorkday,

    /// <summary>Saturday: the Friday before; Sunday: the Monday after (US federal holidays).</summary>
    NearestWeekday,
}

/// <summary>
/// A public holiday that recurs every year: a fixed date (<see cref="Month"/>, <see cref="Day"/>), the
/// <see cref="Nth"/> <see cref="Weekday"/> of a month (-1: the last), or <see cref="EasterOffset"/> days from
/// Western Easter Sunday; with what happens when it falls on a weekend.
/// </summary>
public sealed record HolidayRule(string Name, int? Month, int? Day, DayOfWeek? Weekday, int? Nth, int? EasterOffset, WeekendRule Weekend)
{
    /// <summary>The date the rule names in <paramref name="year"/>, before any weekend substitution.</summary>
    public DateOnly ActualDate(int year)
    {
        if (EasterOffset is { } offset)
        {
            return EasterSunday(year).AddDays(offset);
        }
        if (Weekday is { } weekday && Nth is { } nth)
        {
            if (nth > 0)
            {
                var first = new DateOnly(year, Month!.Value, 1);
                return first.AddDays(((int)weekday - (int)first.DayOfWeek + 7) % 7 + (nth - 1) * 7);
            }
            var last = new DateOnly(year, Month!.Value, DateTime.DaysInMonth(year, Month.Value));
            return last.AddDays(-(((int)last.DayOfWeek - (int)weekday + 7) % 7));
        }
        return new DateOnly(year, Month!.Value, Day!.Value);
    }

    /// <summary>Western (Gregorian) Easter Sunday: the anonymous Gregorian algorithm (Meeus/Jones/Butcher).</summary>
    public static DateOnly EasterSunday(int year)
    {
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = (19 * a + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + 2 * e + 2 * i - h - k) % 7;
        var m = (a + 11 * h + 22 * l) / 451;
        var month = (h + l - 7 * m + 114) / 31;
        var day = (h + l - 7 * m + 114) % 31 + 1;
        return new DateOnly(year, month, day);
    }

    /// <summary>
    /// The days off the rules give for <paramref name="year"/>'s occurrences. A substitute can fall in another year
    /// (a US New Year's Day on a Saturday is observed on 31 December before it).
    /// </summary>
    public static IEnumerable<DateOnly> DaysOff(IReadOnlyList<HolidayRule> rules, int year, IReadOnlySet<DayOfWeek> weekend)
    {
        var actual = rules.Select(r => (Rule: r, Date: r.ActualDate(year))).OrderBy(x => x.Date).ToList();
        var days = new HashSet<DateOnly>(actual.Where(x => !weekend.Contains(x.Date.DayOfWeek)).Select(x => x.Date));
        // In date order, so Christmas on a Saturday takes the Monday and Boxing Day on the Sunday the Tuesday.
        foreach (var (rule, date) in actual.Where(x => weekend.Contains(x.Date.DayOfWeek)))
        {
            switch (rule.Weekend)
            {
                case WeekendRule.NextWorkday:
                    var next = date.AddDays(1);
                    while (weekend.Contains(next.DayOfWeek) || days.Contains(next))
                    {
                        next = next.AddDays(1);
                    }
                    days.Add(next);
                    break;
                case WeekendRule.NearestWeekday when date.DayOfWeek == DayOfWeek.Saturday:
                    days.Add(date.AddDays(-1));
                    break;
                case WeekendRule.NearestWeekday when date.DayOfWeek == DayOfWeek.Sunday:
                    days.Add(date.AddDays(1));
                    break;
            }
        }
        return days;
    }
}
