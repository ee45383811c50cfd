using Complaints.Calendars;
using Complaints.Common.V1;

namespace Complaints.Insights.Domain;

/// <summary>
/// The UK working calendar for DISP's "by close of the third business day after receipt": the Calendars library's
/// <see cref="BusinessCalendar"/> over the <c>calendars.UK_FCA</c> entry of its <c>Policies/calendars.json</c>, the
/// calendar Routing's summary-resolution clock counts on, so both agree on every day. <c>Insights:CalendarPath</c>
/// (for Insights alone) or <c>Calendars:Path</c> points at another file.
/// </summary>
public sealed class FcaCalendar(BusinessCalendar calendar)
{
    public const string PathKey = "Insights:CalendarPath";
    public const string Entry = "UK_FCA";
    public const int SummaryResolutionBusinessDays = 3;

    public BusinessCalendar Calendar { get; } = calendar;

    /// <summary>Closed by the end of the third business day after the local day of receipt (that day never counts).</summary>
    public bool WithinThreeBusinessDays(DateTimeOffset received, DateTimeOffset closed) =>
        closed <= Calendar.EndOfBusinessDaysAfter(received, SummaryResolutionBusinessDays);

    /// <summary>Closed by the end of the local day 8 weeks after receipt, as Routing's statutory clock counts it.</summary>
    public bool WithinEightWeeks(DateTimeOffset received, DateTimeOffset closed) =>
        closed <= Calendar.EndOfCalendarDaysAfter(received, 56);

    public static FcaCalendar From(IConfiguration configuration) =>
        Load(configuration[PathKey] is { Length: > 0 } path ? path : JurisdictionCalendars.ResolvePath(configuration));

    /// <summary>Read by the reader Routing uses, so holiday rules and one-off days mean the same in both.</summary>
    public static FcaCalendar Load(string path)
    {
        try
        {
            var calendars = JurisdictionCalendars.Load(path);
            return calendars.Has(Jurisdiction.UkFca)
                ? new FcaCalendar(calendars.For(Jurisdiction.UkFca))
                : throw new InvalidOperationException($"{path}: calendars.{Entry} is required (the FCA return's business days).");
        }
        catch (CalendarException e)
        {
            throw new InvalidOperationException($"{path}: not a valid calendar for the FCA return ({e.Message}).", e);
        }
    }
}
