using System.Globalization;
using Microsoft.Extensions.Localization;

namespace Complaints.Web.Portal;

/// <summary>
/// Dates and times as a complainant reads them: in the page's language and the complainant's time zone. A deadline
/// that is a date reads as that day ("Monday 1 February 2027"), never as midnight UTC of the next one. The patterns come
/// from the texts (DateFormat, DateTimeFormat), so each language words them its own way.
/// </summary>
public sealed class PortalDates(IStringLocalizer<Texts> texts)
{
    /// <summary>A day: "Monday 1 February 2027", "2027년 2월 1일 월요일", "понеделник, 1 февруари 2027 г.".</summary>
    public string Day(DateOnly date) => date.ToString(texts["DateFormat"], CultureInfo.CurrentCulture);

    /// <summary>A day given as "yyyy-MM-dd" (as the contracts carry date deadlines), or null when absent or malformed.</summary>
    public string? Day(string? isoDate) =>
        DateOnly.TryParseExact(isoDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? Day(date) : null;

    /// <summary>An instant in the complainant's zone, with the zone named: "Monday 1 February 2027, 14:05 (Europe/London)".</summary>
    public string Moment(DateTimeOffset instant, string? timeZone)
    {
        var zone = Zone(timeZone);
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        return string.Format(CultureInfo.CurrentCulture, texts["DateTimeFormat"], local.ToString(texts["DateFormat"], CultureInfo.CurrentCulture),
            local.ToString("HH:mm", CultureInfo.CurrentCulture), zone.Id);
    }

    /// <summary>The complainant's IANA zone, or UTC when none is given or it is unknown here.</summary>
    public static TimeZoneInfo Zone(string? timeZone) =>
        timeZone is { Length: > 0 } && TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone) ? zone : TimeZoneInfo.Utc;
}
