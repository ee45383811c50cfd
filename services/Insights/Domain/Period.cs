using System.Globalization;
using Complaints.ServiceDefaults.Errors;

namespace Complaints.Insights.Domain;

/// <summary>Calendar days in UTC, both ends included.</summary>
public readonly record struct Period(int From, int To)
{
    /// <summary>At most ten years, so a query's cost stays bounded.</summary>
    public const int MaxDays = 3660;

    public static Period Parse(string from, string to, Validator v)
    {
        var f = Day(v, "from", from);
        var t = Day(v, "to", to);
        if (f is { } a && t is { } b)
        {
            if (b < a)
            {
                v.Add("to", "must not be before from");
            }
            else if (b - a >= MaxDays)
            {
                v.Add("to", $"the period must be at most {MaxDays} days");
            }
        }
        v.ThrowIfInvalid();
        return new Period(f!.Value, t!.Value);
    }

    private static int? Day(Validator v, string field, string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            v.Add(field, "is required (YYYY-MM-DD)");
            return null;
        }
        if (!DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            v.Add(field, "must be a date YYYY-MM-DD");
            return null;
        }
        return date.DayNumber;
    }
}
