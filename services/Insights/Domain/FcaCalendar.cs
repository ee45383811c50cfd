using Complaints.Common.V1;
using Complaints.Routing.Clocks;

namespace Complaints.Insights.Domain;

/// <summary>
/// The UK working calendar for DISP's "by close of the third business day after receipt": Routing's
/// <see cref="BusinessCalendar"/> (the same source file, compiled in) over the <c>calendars.UK_FCA</c> entry of
/// Routing's <c>Policies/clocks.json</c> (the same data file, copied to the output), so Insights and Routing's
/// summary-resolution clock agree on every day. <c>Insights:CalendarPath</c> points at another copy.
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
        Load(configuration[PathKey] is { Length: > 0 } path ? path : Path.Combine(AppContext.BaseDirectory, "Policies", "clocks.json"));

    /// <summary>Parsed by Routing's own policy reader, so holiday rules and one-off days mean the same in both.</summary>
    public static FcaCalendar Load(string path)
    {
        try
        {
            var policies = ClockPolicies.Load(path);
            return policies.HasOwnCalendar(Jurisdiction.UkFca)
                ? new FcaCalendar(policies.CalendarFor(Jurisdiction.UkFca))
                : throw new InvalidOperationException($"{path}: calendars.{Entry} is required (the FCA return's business days).");
        }
        catch (ClockPolicyException e)
        {
            throw new InvalidOperationException($"{path}: not a valid calendar for the FCA return ({e.Message}).", e);
        }
    }
}
