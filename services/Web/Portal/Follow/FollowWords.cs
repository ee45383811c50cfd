using System.Globalization;
using Complaints.Common.V1;
using Complaints.Intake.V1;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Localization;

namespace Complaints.Web.Portal.Follow;

/// <summary>A timeline entry as the complainant reads it: the title, a sentence with its dates and counts, and the words a person wrote.</summary>
public sealed record EntryWords(string Title, string? Sentence, string? Text);

/// <summary>
/// The one place where the tracking contract becomes the complainant's words: statuses, channels, delivery states,
/// deadlines, and the timeline and the next step, which Routing gives as stable codes with parameters
/// (docs/routing.md). Each code has its own texts in FollowTexts: <c>Code_{code}</c> (the title) and
/// <c>CodeDetail_{code}</c> (a sentence whose {parameter} placeholders take the parameters: a date as the day, an
/// instant in the complainant's zone, a count, a reference); <c>Next_{code}</c> for the next step ('.' as '_').
/// An entry without a code, with a code this app does not know, or missing a parameter its sentence needs is shown
/// as Routing's English title and detail.
/// </summary>
public sealed class FollowWords(IStringLocalizer<FollowTexts> texts, PortalDates dates, TimeProvider time)
{
    public string this[string key] => texts[key];

    public string Format(string key, params object[] values) => Sentences.Format(texts[key], values);

    public string Status(CaseStatus status) => texts[$"Status{status}"];

    public string Channel(DeliveryChannel channel) => texts[$"Channel{channel}"];

    public string Delivery(DeliveryStatus status) => texts[$"Delivery{status}"];

    /// <summary>A message's subject, or what kind of message it is while its subject is not yet rendered.</summary>
    public string Subject(MessageSummary message) =>
        message.Subject.Length > 0 ? message.Subject
        : texts[$"Kind{message.Kind}"] is { ResourceNotFound: false } kind ? kind : texts["KindUnspecified"];

    /// <summary>A part of the view Intake could not fetch ("case", "messages"), in words.</summary>
    public string MissingPart(string part) => texts[$"Missing_{part}"] is { ResourceNotFound: false } found ? found : part;

    /// <summary>The entry in the page's language, from its code; Routing's English for one this app cannot translate.</summary>
    public EntryWords Entry(TimelineEntry entry, string? timeZone)
    {
        var text = string.IsNullOrWhiteSpace(entry.Text) ? null : entry.Text;
        if (Known($"Code_{Key(entry.Code)}") is { } title)
        {
            var detailKey = $"CodeDetail_{Key(entry.Code)}" + (entry.Parameters.TryGetValue("via", out var via) ? "_" + Key(via) : "");
            if (Known(detailKey) is not { } pattern)
            {
                return new EntryWords(title, null, text);
            }
            if (entry.Parameters.TryGetValue("documents", out var count) && count == "0")
            {
                // "Documents attached: 0" says nothing.
                return new EntryWords(title, null, text);
            }
            if (Fill(pattern, entry.Parameters, timeZone) is { } sentence)
            {
                return new EntryWords(title, sentence, text);
            }
        }
        return new EntryWords(entry.Title, string.IsNullOrWhiteSpace(entry.Detail) ? null : entry.Detail, null);
    }

    /// <summary>The entry's title alone (for the live announcement).</summary>
    public string Title(TimelineEntry entry) => Entry(entry, null).Title;

    /// <summary>What happens next, in the page's language.</summary>
    public string NextStep(TrackComplaintResponse view) =>
        Known($"Next_{Key(view.NextStepCode)}") is { } pattern && Fill(pattern, view.NextStepParameters, Zone(view)) is { } next ? next : view.NextStep;

    /// <summary>What a live change is about, for the announcement: the entry's title, else the new status.</summary>
    public string Change(ComplaintChange change) =>
        Format("LiveUpdated", change.Entry is { } entry ? Title(entry) : Status(change.Status));

    /// <summary>The complainant's time zone (IANA), or null for UTC.</summary>
    public string? Zone(TrackComplaintResponse view) => view.TimeZone is { Length: > 0 } zone ? zone : null;

    /// <summary>A document's size in the page's language: "12 KB", "1.5 MB".</summary>
    public string Size(long bytes) => bytes < 1024 * 1024
        ? Format("SizeKilobytes", Math.Max(1, (long)Math.Ceiling(bytes / 1024.0)))
        : Format("SizeMegabytes", (bytes / (1024.0 * 1024.0)).ToString("0.#", CultureInfo.CurrentCulture));

    /// <summary>
    /// The complainant's own language when the page is in another one the portal has (so the page can offer it), else
    /// null. The offer is worded in that language, as a reader who does not read this one needs it.
    /// </summary>
    public (string Culture, string Offer)? OtherLanguage(TrackComplaintResponse view)
    {
        var preferred = view.PreferredLanguage is { Length: >= 2 } language ? language[..2].ToLowerInvariant() : null;
        if (preferred is null || preferred == PortalCultures.Current || !PortalCultures.Supported.Contains(preferred))
        {
            return null;
        }
        var page = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = new CultureInfo(preferred);
            return (preferred, texts["OfferLanguage"]);
        }
        finally
        {
            CultureInfo.CurrentUICulture = page;
        }
    }

    public string? AcknowledgeBy(TrackComplaintResponse view) => view.AcknowledgeBy is { } at ? Moment(at, Zone(view)) : null;

    public string? AcknowledgedAt(TrackComplaintResponse view) => view.AcknowledgedAt is { } at ? Moment(at, Zone(view)) : null;

    public string? FinalResponseDue(TrackComplaintResponse view) =>
        view.FinalResponseDue is { } at ? Deadline(at, view.FinalResponseDueDate, Zone(view)) : null;

    public string? ResolveBy(TrackComplaintResponse view) => view.ResolveBy is { } at ? Deadline(at, view.ResolveByDate, Zone(view)) : null;

    public string? InformationDue(TrackComplaintResponse view) =>
        view.InformationDue is { } at ? Deadline(at, view.InformationDueDate, Zone(view)) : null;

    /// <summary>An instant in the complainant's time zone.</summary>
    public string Moment(Timestamp at, string? timeZone) => dates.Moment(at.ToDateTimeOffset(), timeZone);

    /// <summary>
    /// A deadline: the day when the contract gives it as a date (it ends with that day, wherever the complainant is),
    /// else the instant in the complainant's zone.
    /// </summary>
    public string Deadline(Timestamp at, string? date, string? timeZone) => dates.Day(date) ?? Moment(at, timeZone);

    /// <summary>A deadline that has passed while the case was still open: said in words beside it, never by colour alone.</summary>
    public bool IsPast(Timestamp? at) => at is not null && at.ToDateTimeOffset() < time.GetUtcNow();

    private static string Key(string code) => code.Replace('.', '_');

    private string? Known(string key) => texts[key] is { ResourceNotFound: false } found ? found.Value : null;

    /// <summary>
    /// The pattern with each {name} replaced: "{x}" by the day of "x_date" when given, else the instant "x" in the zone,
    /// else the value as it is (a count, a reference). Null when a parameter is missing.
    /// </summary>
    private string? Fill(string pattern, MapField<string, string> parameters, string? timeZone) => Sentences.Fill(pattern, name =>
    {
        if (dates.Day(parameters.GetValueOrDefault(name + "_date")) is { } day)
        {
            return day;
        }
        if (!parameters.TryGetValue(name, out var value) || value.Length == 0)
        {
            return null;
        }
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant) && value.Contains('T')
            ? dates.Moment(instant, timeZone)
            : value;
    });
}
