using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Complaints.Common.V1;

namespace Complaints.Notifications.Domain;

/// <summary>
/// The non-personal values a message is rendered from, stored with it as JSON: dates, amounts, codes and the
/// ids of words held elsewhere (public entries in Routing, survey links in Insights), fetched at send time.
/// </summary>
public sealed class MessageData
{
    public Dictionary<string, DateTimeOffset> Dates { get; set; } = [];
    /// <summary>
    /// Deadlines that are dates: the last day (YYYY-MM-DD, in the jurisdiction's calendar) of those in <see cref="Dates"/>
    /// whose instant is the end of a local day. A message shows the day; the instant stays for partners' webhooks.
    /// </summary>
    public Dictionary<string, string> Days { get; set; } = [];
    public Dictionary<string, string> Values { get; set; } = [];
    public Dictionary<string, MoneyValue> Amounts { get; set; } = [];
    /// <summary>The public entry whose title and detail the message carries.</summary>
    public long? EntryId { get; set; }
    /// <summary>The message carries the case's latest public entry (the holding reply's "We need more time").</summary>
    public bool LatestPublicEntry { get; set; }
    public string? SurveyId { get; set; }
    /// <summary>A tracking access grant in Intake, whose token and address are asked for at send time (never stored here).</summary>
    public string? GrantId { get; set; }
    /// <summary>A suggestion contact in Intake, whose address is asked for at send time (never stored here).</summary>
    public string? SuggestionContactId { get; set; }
    /// <summary>For a partner webhook: the event type, e.g. "case.opened", and the case status it implies.</summary>
    public string? EventType { get; set; }
    public DateTimeOffset? OccurredAt { get; set; }
}

public sealed record MoneyValue(string Amount, string Currency);

public static class MessageIds
{
    /// <summary>
    /// A stable id per (event, kind, channel, recipient): the same event always maps to the same messages, so a
    /// replayed event finds them instead of sending again. The complainant's email keeps the original form.
    /// </summary>
    public static Guid From(string eventId, MessageKind kind, DeliveryChannel channel = DeliveryChannel.Email, string? recipient = null)
    {
        var key = channel == DeliveryChannel.Email && recipient is null ? $"{eventId}/{kind}" : $"{eventId}/{kind}/{channel}/{recipient}";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        return new Guid(hash.AsSpan(0, 16));
    }
}

/// <summary>Dates in the recipient's language and time zone; money in the language's number format.</summary>
public static class Formatting
{
    public static TimeZoneInfo Zone(string? timeZone)
    {
        if (!string.IsNullOrWhiteSpace(timeZone) && TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone))
        {
            return zone;
        }
        return TimeZoneInfo.Utc;
    }

    /// <summary>
    /// A date-valued deadline as that day, in the language's long date form: "Monday, February 1, 2027" (en),
    /// "Monday 1 February 2027" (en-GB), "2027년 2월 1일 월요일" (ko), "понеделник, 1 февруари 2027 г." (bg). No time and no
    /// zone: the day is the jurisdiction's, whatever the reader's time zone.
    /// </summary>
    public static string Day(DateOnly day, CultureInfo culture) => day.ToString("D", culture);

    /// <summary>E.g. "Tuesday, 20 May 2025 23:30 (Europe/London)": long date and short time, and the zone named.</summary>
    public static string Date(DateTimeOffset at, CultureInfo culture, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var name = zone == TimeZoneInfo.Utc ? "UTC" : zone.Id;
        return $"{local.ToString("D", culture)} {local.ToString("t", culture)} ({name})";
    }

    /// <summary>The amount with the language's separators and the ISO currency code, e.g. "1,234.50 GBP", "1 234,50 BGN".</summary>
    public static string Money(MoneyValue money, CultureInfo culture)
    {
        if (!decimal.TryParse(money.Amount, NumberStyles.Number, CultureInfo.InvariantCulture, out var amount))
        {
            return $"{money.Amount} {money.Currency}";
        }
        var digits = money.Currency.ToUpperInvariant() is "JPY" or "KRW" ? 0 : 2;
        return $"{amount.ToString("N" + digits, culture)} {money.Currency.ToUpperInvariant()}";
    }
}
