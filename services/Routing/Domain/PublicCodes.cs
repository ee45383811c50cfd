using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Complaints.Calendars;

namespace Complaints.Routing.Domain;

/// <summary>
/// The catalogue of what the complainant is shown, as stable codes a client translates: one code per kind of public
/// timeline entry and per next step, with the names of its parameters (dates, instants, counts, references: never
/// personal data) and where the entry's <c>text</c> (the words a person wrote, shown as written) comes from. The English
/// title, detail and next step stay beside the codes for clients that do not translate. docs/routing.md lists the same
/// table (a test keeps the two in step): add a code here and there together, and never change what a code means.
/// </summary>
public static partial class PublicCodes
{
    // Timeline entries.
    public const string CaseReceived = "case.received";
    public const string CaseOpened = "case.opened";
    public const string CaseAcknowledged = "case.acknowledged";
    public const string InvestigationStarted = "investigation.started";
    public const string UpdatePosted = "update.posted";
    public const string InformationRequested = "information.requested";
    public const string InformationAnswered = "information.answered";
    public const string DocumentAdded = "document.added";
    public const string ReopenRequested = "reopen.requested";
    public const string DeadlineExtended = "deadline.extended";
    public const string DeadlineRenewed = "deadline.renewed";
    public const string FinalResponseSent = "final_response.sent";
    public const string SummaryResolutionSent = "summary_resolution.sent";
    public const string CaseClosed = "case.closed";
    public const string CaseWithdrawn = "case.withdrawn";
    public const string CaseReopened = "case.reopened";
    public const string CaseMerged = "case.merged";
    public const string CaseImportedClosed = "case.imported_closed";

    // Next steps.
    public const string NextAcknowledge = "next.acknowledge";
    public const string NextReview = "next.review";
    public const string NextInvestigate = "next.investigate";
    public const string NextAnswerRequest = "next.answer_request";
    public const string NextFinalise = "next.finalise";
    public const string NextMayReopen = "next.may_reopen";
    public const string NextClosed = "next.closed";
    public const string NextReopened = "next.reopened";
    public const string NextMerged = "next.merged";

    // Parameter names. An instant is RFC 3339 in UTC ("2027-02-02T00:00:00Z"); a date is YYYY-MM-DD, the last day of a
    // deadline in the jurisdiction's calendar, given only when the deadline is the end of a local day (DeadlineDates).
    public const string ResolveBy = "resolve_by";
    public const string ResolveByDate = "resolve_by_date";
    public const string InformationDue = "information_due";
    public const string InformationDueDate = "information_due_date";
    public const string FinalResponseDue = "final_response_due";
    public const string FinalResponseDueDate = "final_response_due_date";
    public const string Via = "via";
    public const string Documents = "documents";
    public const string MergedIntoReference = "merged_into_reference";

    /// <summary>Where an entry's <c>text</c> comes from.</summary>
    public enum TextSource
    {
        /// <summary>Written by the system: no text; the code and its parameters say it all.</summary>
        None,

        /// <summary>The entry's detail, as a person wrote it (a handler's update, question or final response; the complainant's reason).</summary>
        Detail,

        /// <summary>The complainant's own words in the detail, without the note of documents attached (counted in <see cref="Documents"/>).</summary>
        ComplainantWords,

        /// <summary>The reason the handler gave (the holding reply's reason for the delay).</summary>
        Reason,

        /// <summary>The outcome recorded in the source system of an imported case, as given.</summary>
        SourceOutcome,
    }

    /// <summary>One code: what it means (in English, for the table), its parameters (those in brackets may be absent) and its text.</summary>
    public sealed record Code(string Name, bool NextStep, string Meaning, IReadOnlyList<string> Parameters, IReadOnlyList<string> Optional, TextSource Text)
    {
        public bool Allows(string parameter) => Parameters.Contains(parameter) || Optional.Contains(parameter);
    }

    public static readonly IReadOnlyList<Code> All =
    [
        Entry(CaseReceived, "We have received the complaint.", [], []),
        Entry(CaseOpened, "The complaint is registered; we aim to resolve it by the date given.", [ResolveBy], [ResolveByDate]),
        Entry(CaseAcknowledged, "The acknowledgement was sent (via `message`), or the reference and timeline were given at submission (via `submission`: an anonymous complaint).", [Via], []),
        Entry(InvestigationStarted, "The handler started investigating.", [], []),
        Entry(UpdatePosted, "An update from the handler.", [], [], TextSource.Detail),
        Entry(InformationRequested, "The handler needs information from the complainant, by the date given.", [InformationDue], [InformationDueDate], TextSource.Detail),
        Entry(InformationAnswered, "The complainant's answer was received, with the number of documents attached.", [Documents], [], TextSource.ComplainantWords),
        Entry(DocumentAdded, "The complainant added documents.", [Documents], [], TextSource.ComplainantWords),
        Entry(ReopenRequested, "The complainant asked to reopen the complaint.", [], [], TextSource.Detail),
        Entry(DeadlineExtended, "We need more time: the final response is now due by the date given (the holding reply).", [FinalResponseDue], [FinalResponseDueDate], TextSource.Reason),
        Entry(DeadlineRenewed, "The complaint was reopened: a new final response is due by the date given.", [FinalResponseDue], [FinalResponseDueDate]),
        Entry(FinalResponseSent, "Our final response.", [], [], TextSource.Detail),
        Entry(SummaryResolutionSent, "Our final response, as a summary resolution (UK FCA: within three business days).", [], [], TextSource.Detail),
        Entry(CaseClosed, "The complaint is closed.", [], []),
        Entry(CaseWithdrawn, "The complainant withdrew the complaint; it is closed.", [], []),
        Entry(CaseReopened, "The complaint was reopened and will be reviewed again.", [], []),
        Entry(CaseMerged, "The complaint is handled together with the complaint whose reference is given; updates follow there.", [MergedIntoReference], []),
        Entry(CaseImportedClosed, "A historical complaint, imported already closed (its recorded outcome as text).", [], [], TextSource.SourceOutcome),
        Next(NextAcknowledge, "We will acknowledge the complaint and say who is handling it.", []),
        Next(NextReview, "A handler will review the complaint and make contact.", []),
        Next(NextInvestigate, "We are investigating the complaint.", []),
        Next(NextAnswerRequest, "We need information from the complainant: answer our request by the date given.", [InformationDue], [InformationDueDate]),
        Next(NextFinalise, "We are finalising our response.", []),
        Next(NextMayReopen, "We have sent our final response; the complainant may ask us to reopen the complaint.", []),
        Next(NextClosed, "The complaint is closed; the complainant may ask us to reopen it.", []),
        Next(NextReopened, "We have reopened the complaint and will review it again.", []),
        Next(NextMerged, "The complaint is handled together with the complaint whose reference is given: follow that one.", [MergedIntoReference]),
    ];

    private static readonly Dictionary<string, Code> ByName = All.ToDictionary(c => c.Name, StringComparer.Ordinal);

    public static Code? Find(string? name) => name is null ? null : ByName.GetValueOrDefault(name);

    /// <summary>
    /// Entries written before codes existed: the code their English title stands for ("" for a title with none). Their
    /// parameters are only those the stored entry still shows (a merged case's reference, the documents counted in the
    /// detail); a client missing a parameter its translation needs shows the English title and detail instead.
    /// </summary>
    public static string ForLegacyTitle(string title) => title switch
    {
        "Complaint received" => CaseReceived,
        "Case opened" => CaseOpened,
        "Acknowledgement sent" => CaseAcknowledged,
        "Investigation started" => InvestigationStarted,
        "Update from your handler" => UpdatePosted,
        "Information requested" => InformationRequested,
        "Your answer was received" => InformationAnswered,
        "You added a document" => DocumentAdded,
        "You asked us to reopen your complaint" => ReopenRequested,
        "We need more time" => DeadlineExtended,
        "New final response deadline" => DeadlineRenewed,
        "Final response sent" => FinalResponseSent,
        "Summary resolution sent" => SummaryResolutionSent,
        "Case closed" => CaseClosed,
        "Complaint withdrawn" => CaseWithdrawn,
        "Complaint reopened" => CaseReopened,
        _ when title.StartsWith("Merged into ", StringComparison.Ordinal) => CaseMerged,
        _ => "",
    };

    /// <summary>The stored form of an entry's parameters (null when there are none).</summary>
    public static string? Serialize(IReadOnlyDictionary<string, string>? parameters) =>
        parameters is null || parameters.Count == 0 ? null : JsonSerializer.Serialize(parameters);

    public static Dictionary<string, string> Deserialize(string? stored) =>
        string.IsNullOrEmpty(stored) ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(stored) ?? [];

    /// <summary>An instant as a parameter: RFC 3339 in UTC, to the second.</summary>
    public static string Instant(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// A deadline as parameters: <c>{name}</c> (the instant) and, when it is the end of a local day of the calendar,
    /// <c>{name}_date</c> (that day). Nothing when there is no deadline.
    /// </summary>
    public static void AddDeadline(Dictionary<string, string> parameters, string name, DateTimeOffset? due, BusinessCalendar calendar)
    {
        if (due is not { } at)
        {
            return;
        }
        parameters[name] = Instant(at);
        if (DeadlineDates.Of(at, calendar) is { } date)
        {
            parameters[name + "_date"] = date;
        }
    }

    /// <summary>"1 document attached." / "N documents attached.", after the words (if any) and a blank line: the detail of a complainant's answer.</summary>
    public static string? DescribeWithDocuments(string? words, int documents) => documents switch
    {
        0 => words,
        1 => words is null ? "1 document attached." : $"{words}\n\n1 document attached.",
        _ => words is null ? $"{documents} documents attached." : $"{words}\n\n{documents} documents attached.",
    };

    /// <summary>The complainant's words and the count of documents from a detail <see cref="DescribeWithDocuments"/> wrote.</summary>
    public static (string Words, int Documents) SplitDocuments(string detail)
    {
        var m = DocumentsNote().Match(detail);
        if (!m.Success)
        {
            return (detail, 0);
        }
        var count = m.Groups["n"].Success ? int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture) : 1;
        return (detail[..m.Index], count);
    }

    [GeneratedRegex(@"(?:\n\n|^)(?:1 document|(?<n>\d+) documents) attached\.$")]
    private static partial Regex DocumentsNote();

    private static Code Entry(string name, string meaning, string[] parameters, string[] optional, TextSource text = TextSource.None) =>
        new(name, false, meaning, parameters, optional, text);

    private static Code Next(string name, string meaning, string[] parameters, string[]? optional = null) =>
        new(name, true, meaning, parameters, optional ?? [], TextSource.None);
}

/// <summary>
/// Which deadlines are dates. Day-based deadlines (calendar days, weeks, business days: the statutory final response of
/// every regime, the SLA targets, the date to answer a request for information) end at the end of a local day of the
/// jurisdiction's calendar, stored as the next local midnight. Shown as that instant they read as "00:00 the next day",
/// so beside the instant they are also given as the day itself. A deadline that is not at a local midnight (an hours
/// deadline such as AU ASIC's 24-hour acknowledgement, or an SLA target moved by a pause) is a time, and has no date.
/// </summary>
public static class DeadlineDates
{
    /// <summary>YYYY-MM-DD, the last day of the deadline, when it is the end of a local day; else null.</summary>
    public static string? Of(DateTimeOffset? due, BusinessCalendar calendar)
    {
        if (due is not { } at)
        {
            return null;
        }
        var day = calendar.DeadlineDate(at);
        return calendar.StartOfDay(day.AddDays(1)) == at ? day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null;
    }

    /// <summary>
    /// For the English texts: the last day ("2027-02-01") of a date, else the instant in UTC ("2027-02-01 14:30 UTC"); ""
    /// when there is no deadline.
    /// </summary>
    public static string Describe(DateTimeOffset? due, BusinessCalendar calendar) =>
        due is not { } at ? "" : Of(at, calendar) ?? at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>"" when the deadline is not a date (proto strings are never null).</summary>
    public static string OrEmpty(DateTimeOffset? due, BusinessCalendar calendar) => Of(due, calendar) ?? "";
}
