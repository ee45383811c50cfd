using System.Globalization;
using System.Text.RegularExpressions;
using Complaints.Common.V1;
using Complaints.Intake.V1;
using Google.Protobuf.WellKnownTypes;

namespace Complaints.Import;

/// <summary>The outcome of mapping one row: a request to send, or why the row cannot be sent.</summary>
/// <param name="SourceId">"cfpb:" + Complaint ID when the row has one, for reporting even a rejected row.</param>
public sealed record MappedRow(string? SourceId, ImportComplaintRequest? Request, string? Error)
{
    public bool IsValid => Request is not null;

    public static MappedRow Failed(string? sourceId, string error) => new(sourceId, null, error);
}

/// <summary>
/// Maps a CFPB export row to an <see cref="ImportComplaintRequest"/>. Deterministic: the same row gives the
/// same request, so importing a file again is recognised as a duplicate by the server.
/// Sends no personal or quasi-identifying data: CFPB complaints are anonymous here, and State and ZIP
/// code are deliberately dropped (as are Company, Tags and the other CFPB bookkeeping columns).
/// </summary>
public static partial class CfpbRowMapper
{
    public const string SourcePrefix = "cfpb:";
    public const int SubjectMax = 200;
    public const int DescriptionMax = 20_000;
    public const string InProgress = "In progress";
    public const string SubjectSeparator = " — ";

    /// <summary>Date received: the export's ISO date, or the US form some tools save it in.</summary>
    public static readonly IReadOnlyList<string> DateFormats = ["yyyy-MM-dd", "MM/dd/yyyy", "M/d/yyyy"];

    /// <summary>"Submitted via" values and their channel; Fax counts as postal mail (a paper channel).</summary>
    public static readonly IReadOnlyDictionary<string, Channel> Channels = new Dictionary<string, Channel>(StringComparer.OrdinalIgnoreCase)
    {
        ["Web"] = Channel.Web,
        ["Referral"] = Channel.Referral,
        ["Phone"] = Channel.Phone,
        ["Postal mail"] = Channel.PostalMail,
        ["Fax"] = Channel.PostalMail,
        ["Email"] = Channel.Email,
    };

    // The server takes the source id as the record's key: letters, digits and . _ : -, at most 128.
    private const int ComplaintIdMax = 128 - 5;

    public static MappedRow Map(CfpbRow row, bool openAll = false)
    {
        ArgumentNullException.ThrowIfNull(row);
        var errors = new List<string>();

        var complaintId = Clean(row.ComplaintId);
        var sourceId = SourceIdOf(row);
        if (complaintId.Length == 0)
        {
            errors.Add("Complaint ID: is required");
        }
        else if (complaintId.Length > ComplaintIdMax || !ComplaintIdPattern().IsMatch(complaintId))
        {
            errors.Add($"Complaint ID: \"{complaintId}\" must be 1-{ComplaintIdMax} letters, digits or . _ : -");
        }

        var dateText = Clean(row.DateReceived);
        DateOnly received = default;
        if (dateText.Length == 0)
        {
            errors.Add("Date received: is required");
        }
        else if (!DateOnly.TryParseExact(dateText, [.. DateFormats], CultureInfo.InvariantCulture, DateTimeStyles.None, out received))
        {
            errors.Add($"Date received: \"{dateText}\" is not a date (yyyy-MM-dd or MM/dd/yyyy)");
        }

        var via = Clean(row.SubmittedVia);
        var channel = Channel.Unspecified;
        if (via.Length == 0)
        {
            errors.Add("Submitted via: is required");
        }
        else if (!Channels.TryGetValue(via, out channel))
        {
            errors.Add($"Submitted via: \"{via}\" is not a known channel (one of {string.Join(", ", Channels.Keys)})");
        }

        var product = Clean(row.Product);
        var issue = Clean(row.Issue);
        if (product.Length == 0)
        {
            errors.Add("Product: is required");
        }
        if (issue.Length == 0)
        {
            errors.Add("Issue: is required");
        }

        if (errors.Count > 0)
        {
            return MappedRow.Failed(sourceId, string.Join("; ", errors));
        }

        var outcome = Clean(row.CompanyResponseToConsumer);
        var request = new ImportComplaintRequest
        {
            SourceId = sourceId,
            ReceivedAt = Timestamp.FromDateTime(received.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)),
            Outcome = outcome,
            Open = openAll || string.Equals(outcome, InProgress, StringComparison.OrdinalIgnoreCase),
            Complaint = new SubmitComplaintRequest
            {
                // Ignored by the server (the source id is the key), set for readers of the stream.
                IdempotencyKey = sourceId,
                Channel = channel,
                Category = product,
                Subcategory = issue,
                Subject = Subject(issue, Clean(row.SubIssue)),
                Description = Description(row),
                Jurisdiction = Jurisdiction.UsCfpb,
                ComplainantKind = ComplainantKind.Anonymous,
            },
        };
        return new MappedRow(sourceId, request, null);
    }

    /// <summary>"cfpb:" + Complaint ID, or null when the row has none.</summary>
    public static string? SourceIdOf(CfpbRow row)
    {
        var id = Clean(row.ComplaintId);
        return id.Length == 0 ? null : SourcePrefix + id;
    }

    /// <summary>Issue, then " — " and the sub-issue when there is one; at most 200 characters.</summary>
    public static string Subject(string issue, string subIssue) =>
        Truncate(subIssue.Length == 0 ? issue : issue + SubjectSeparator + subIssue, SubjectMax);

    /// <summary>The narrative exactly as written (at most 20,000 characters), or a neutral line naming the product and issue.</summary>
    public static string Description(CfpbRow row)
    {
        if (!string.IsNullOrWhiteSpace(row.ConsumerComplaintNarrative))
        {
            return Truncate(row.ConsumerComplaintNarrative, DescriptionMax);
        }
        var parts = new[] { row.Product, row.SubProduct, row.Issue, row.SubIssue }.Select(Clean).Where(p => p.Length > 0);
        return Truncate($"Imported from the CFPB database without a narrative: {string.Join(" / ", parts)}.", DescriptionMax);
    }

    /// <summary>At most <paramref name="max"/> UTF-16 characters, never splitting a surrogate pair.</summary>
    public static string Truncate(string value, int max)
    {
        if (value.Length <= max)
        {
            return value;
        }
        var cut = char.IsHighSurrogate(value[max - 1]) ? max - 1 : max;
        return value[..cut];
    }

    private static string Clean(string? value) => value?.Trim() ?? string.Empty;

    [GeneratedRegex("^[A-Za-z0-9._:-]+$")]
    private static partial Regex ComplaintIdPattern();
}
