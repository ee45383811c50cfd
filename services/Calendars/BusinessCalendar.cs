namespace Complaints.Calendars;

/// <summary>
/// A jurisdiction's working calendar: weekend days and public holidays, counted in its own time zone.
/// <para>
/// The rules, used everywhere (policies, pauses, extensions):
/// <list type="bullet">
/// <item>Day-based deadlines (calendar days, weeks, business days) end at the END of the local day: N business days
/// after receipt is the end (next local midnight) of the Nth business day after the local date of receipt; the day
/// of receipt never counts, whatever its time or kind.</item>
/// <item>Hour-based deadlines are exact instants; business hours count only time on business days (whole local days,
/// 00:00-24:00: there are no office hours).</item>
/// <item>Business time between two instants is the part of that span that falls on business days.</item>
/// <item>Counting back from a deadline (a margin before it): N business days before a deadline is the end of the Nth
/// business day before the local day the deadline falls on; a deadline at local midnight falls on the day it ends.</item>
/// </list>
/// </para>
/// </summary>
public sealed class BusinessCalendar
{
    private readonly HashSet<DayOfWeek> _weekend;
    private readonly HashSet<DateOnly> _holidays;
    private readonly HashSet<DateOnly> _notHolidays;
    private readonly IReadOnlyList<HolidayRule> _rules;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, HashSet<DateOnly>> _byYear = new();

    /// <param name="holidays">One-off days off (a coronation, a state funeral), besides the rules.</param>
    /// <param name="rules">Recurring holidays, computed for any year: the calendar never runs out.</param>
    /// <param name="notHolidays">Days a rule gives that are not off that year (a holiday moved by proclamation).</param>
    /// <param name="holidaysThrough">
    /// Without rules, the last year whose holidays are listed (default: the last listed year; a calendar with neither
    /// rules nor dates has no public holidays in any year). Counting a day after it fails instead of treating that
    /// year's holidays as business days.
    /// </param>
    public BusinessCalendar(TimeZoneInfo zone, IEnumerable<DayOfWeek> weekend, IEnumerable<DateOnly> holidays,
        IEnumerable<HolidayRule>? rules = null, IEnumerable<DateOnly>? notHolidays = null, int? holidaysThrough = null, string name = "calendar")
    {
        Zone = zone;
        Name = name;
        _weekend = [.. weekend];
        _holidays = [.. holidays];
        _rules = [.. rules ?? []];
        _notHolidays = [.. notHolidays ?? []];
        if (_weekend.Count >= 7)
        {
            throw new ArgumentException("A calendar needs at least one working weekday.", nameof(weekend));
        }
        CoveredThrough = _rules.Count > 0 ? null : holidaysThrough ?? (_holidays.Count > 0 ? _holidays.Max(d => d.Year) : null);
    }

    public TimeZoneInfo Zone { get; }

    /// <summary>The calendar's name in the calendar file (calendars.UK_FCA), for messages.</summary>
    public string Name { get; }

    /// <summary>The last year whose public holidays are known; null when they are known for every year.</summary>
    public int? CoveredThrough { get; }

    /// <summary>The public holidays (including substitute days) that fall in <paramref name="year"/>.</summary>
    public IReadOnlySet<DateOnly> HolidaysIn(int year)
    {
        EnsureCovered(year);
        return _byYear.GetOrAdd(year, y =>
        {
            // A rule's occurrence in the year before or after can be observed in this one (31 December for 1 January).
            var days = Enumerable.Range(y - 1, 3).SelectMany(r => HolidayRule.DaysOff(_rules, r, _weekend))
                .Concat(_holidays)
                .Where(d => d.Year == y && !_notHolidays.Contains(d));
            return [.. days];
        });
    }

    public DateOnly LocalDate(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Zone).DateTime);

    /// <summary>Local midnight at the start of <paramref name="date"/>, as an instant.</summary>
    public DateTimeOffset StartOfDay(DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // A zone that skips midnight (none of ours do) starts the day at the first valid minute.
        while (Zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }
        return new DateTimeOffset(local, Zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>Not a weekend day nor a public holiday; fails past <see cref="CoveredThrough"/>.</summary>
    public bool IsBusinessDay(DateOnly date) => !_weekend.Contains(date.DayOfWeek) && !HolidaysIn(date.Year).Contains(date);

    /// <summary>
    /// Throws when the year is past the holidays configured: a deadline counted on would silently treat that
    /// year's public holidays as business days.
    /// </summary>
    public void EnsureCovered(int year)
    {
        if (CoveredThrough is { } last && year > last)
        {
            throw new CalendarException(
                $"Calendars: {Name} lists public holidays through {last} only, and a deadline reaches {year}. "
                + $"Add holiday rules (or the dates of {year}) to the calendar.");
        }
    }

    /// <summary>The <paramref name="count"/>th business day strictly after <paramref name="date"/>.</summary>
    public DateOnly BusinessDayAfter(DateOnly date, int count)
    {
        var d = date;
        for (var n = 0; n < count;)
        {
            d = d.AddDays(1);
            if (IsBusinessDay(d))
            {
                n++;
            }
        }
        return d;
    }

    /// <summary>The end of the <paramref name="count"/>th business day after the local date of <paramref name="at"/>.</summary>
    public DateTimeOffset EndOfBusinessDaysAfter(DateTimeOffset at, int count) =>
        StartOfDay(BusinessDayAfter(LocalDate(at), count).AddDays(1));

    /// <summary>The end of the local day <paramref name="days"/> calendar days after the local date of <paramref name="at"/>.</summary>
    public DateTimeOffset EndOfCalendarDaysAfter(DateTimeOffset at, int days) => StartOfDay(LocalDate(at).AddDays(days + 1));

    /// <summary>The <paramref name="count"/>th business day strictly before <paramref name="date"/>.</summary>
    public DateOnly BusinessDayBefore(DateOnly date, int count)
    {
        var d = date;
        for (var n = 0; n < count;)
        {
            d = d.AddDays(-1);
            if (IsBusinessDay(d))
            {
                n++;
            }
        }
        return d;
    }

    /// <summary>
    /// The local day a deadline falls on: a deadline at local midnight (the end of a day-based deadline) belongs to the
    /// day it ends, an exact instant to the day it is in.
    /// </summary>
    public DateOnly DeadlineDate(DateTimeOffset deadline) => LocalDate(deadline.AddTicks(-1));

    /// <summary>
    /// The end of the <paramref name="count"/>th business day before the day <paramref name="deadline"/> falls on
    /// (<see cref="DeadlineDate"/>): 2 business days before the end of a Tuesday is the end of the Friday before it.
    /// Zero is the deadline itself.
    /// </summary>
    public DateTimeOffset EndOfBusinessDaysBefore(DateTimeOffset deadline, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return count == 0 ? deadline : StartOfDay(BusinessDayBefore(DeadlineDate(deadline), count).AddDays(1));
    }

    /// <summary>
    /// The end of the local day <paramref name="days"/> calendar days before the day <paramref name="deadline"/> falls
    /// on (<see cref="DeadlineDate"/>). Zero is the deadline itself.
    /// </summary>
    public DateTimeOffset EndOfCalendarDaysBefore(DateTimeOffset deadline, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        return days == 0 ? deadline : StartOfDay(DeadlineDate(deadline).AddDays(1 - days));
    }

    /// <summary>How much of [from, to) falls on business days.</summary>
    public TimeSpan BusinessTimeBetween(DateTimeOffset from, DateTimeOffset to)
    {
        var total = TimeSpan.Zero;
        for (var d = LocalDate(from); from < to; d = d.AddDays(1))
        {
            var end = StartOfDay(d.AddDays(1));
            var stop = end < to ? end : to;
            if (IsBusinessDay(d) && stop > from)
            {
                total += stop - from;
            }
            from = end > from ? end : from;
        }
        return total;
    }

    /// <summary>The instant when <paramref name="amount"/> of business time has passed after <paramref name="at"/>.</summary>
    public DateTimeOffset AddBusinessTime(DateTimeOffset at, TimeSpan amount)
    {
        if (amount <= TimeSpan.Zero)
        {
            return at;
        }
        var t = at;
        var left = amount;
        var d = LocalDate(t);
        while (true)
        {
            var end = StartOfDay(d.AddDays(1));
            if (IsBusinessDay(d))
            {
                var available = end - t;
                if (left <= available)
                {
                    return t + left;
                }
                left -= available;
            }
            t = end;
            d = d.AddDays(1);
        }
    }
}
