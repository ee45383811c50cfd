using Complaints.Common.V1;
using Complaints.Intake.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Localization;

namespace Complaints.Web.Portal.Follow;

/// <summary>
/// The one place where the tracking contract becomes the complainant's words: statuses, channels, delivery states,
/// deadlines, and the timeline's titles and the next step in the page's language. Timeline entries and the next step
/// come from Routing in English (title, detail); this class is where they are translated, and where codes replace them.
/// </summary>
public sealed class FollowWords(IStringLocalizer<FollowTexts> texts, PortalDates dates, TimeProvider time)
{
    public string this[string key] => texts[key];

    public string Format(string key, params object[] values) => texts[key, values];

    public string Status(CaseStatus status) => texts[$"Status{status}"];

    public string Channel(DeliveryChannel channel) => texts[$"Channel{channel}"];

    public string Delivery(DeliveryStatus status) => texts[$"Delivery{status}"];

    /// <summary>A part of the view Intake could not fetch ("case", "messages"), in words.</summary>
    public string MissingPart(string part) => texts[$"Missing_{part}"] is { ResourceNotFound: false } found ? found : part;

    /// <summary>The entry's title in the page's language.</summary>
    public string Title(TimelineEntry entry) => entry.Title;

    /// <summary>The entry's words, or null when it has none.</summary>
    public string? Detail(TimelineEntry entry) => string.IsNullOrWhiteSpace(entry.Detail) ? null : entry.Detail;

    /// <summary>What happens next, in the page's language.</summary>
    public string NextStep(TrackComplaintResponse view) => view.NextStep;

    /// <summary>What a live change is about, for the announcement: the entry's title, else the new status.</summary>
    public string Change(ComplaintChange change) =>
        Format("LiveUpdated", change.Entry is { } entry ? Title(entry) : Status(change.Status));

    /// <summary>The complainant's time zone (IANA), or null for UTC.</summary>
    public string? Zone(TrackComplaintResponse view) => null;

    public string? AcknowledgeBy(TrackComplaintResponse view) => view.AcknowledgeBy is { } at ? Moment(at, Zone(view)) : null;

    public string? AcknowledgedAt(TrackComplaintResponse view) => view.AcknowledgedAt is { } at ? Moment(at, Zone(view)) : null;

    public string? FinalResponseDue(TrackComplaintResponse view) => view.FinalResponseDue is { } at ? Deadline(at, null, Zone(view)) : null;

    public string? ResolveBy(TrackComplaintResponse view) => view.ResolveBy is { } at ? Deadline(at, null, Zone(view)) : null;

    public string? InformationDue(TrackComplaintResponse view) => view.InformationDue is { } at ? Deadline(at, null, Zone(view)) : null;

    /// <summary>An instant in the complainant's time zone.</summary>
    public string Moment(Timestamp at, string? timeZone) => dates.Moment(at.ToDateTimeOffset(), timeZone);

    /// <summary>
    /// A deadline: the day when the contract gives it as a date (it ends with that day, wherever the complainant is),
    /// else the instant in the complainant's zone.
    /// </summary>
    public string Deadline(Timestamp at, string? date, string? timeZone) => dates.Day(date) ?? Moment(at, timeZone);

    /// <summary>A deadline that has passed while the case was still open: said in words beside it, never by colour alone.</summary>
    public bool IsPast(Timestamp? at) => at is not null && at.ToDateTimeOffset() < time.GetUtcNow();
}
