using Complaints.Common.V1;
using Complaints.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace Complaints.Intake.Domain;

public sealed class IntakeOptions
{
    /// <summary>The largest request message Intake reads (gRPC or REST body): 1 MiB.</summary>
    public const int MaxMessageBytes = 1024 * 1024;

    /// <summary>The taxonomy: "default" (billing, service, product, conduct, privacy, other), "cfpb", or a JSON file's path.</summary>
    public string Taxonomy { get; set; } = "default";

    /// <summary>
    /// The jurisdiction of a submission that names none, so its statutory clock runs: <c>UK_FCA</c> or
    /// <c>JURISDICTION_UK_FCA</c> (any case), <c>EU_PSD2</c>, <c>US_CFPB</c>, <c>AU_ASIC</c>; empty (the default): none.
    /// </summary>
    public string DefaultJurisdiction { get; set; } = "";

    /// <summary><see cref="DefaultJurisdiction"/> as the enum (UNSPECIFIED: none); the start check refuses a value that is not one.</summary>
    public Jurisdiction DefaultJurisdictionValue => ParseJurisdiction(DefaultJurisdiction, out var value) ? value : Jurisdiction.Unspecified;

    /// <summary>A jurisdiction by its proto name with or without the <c>JURISDICTION_</c> prefix, any case; empty is none.</summary>
    public static bool ParseJurisdiction(string? text, out Jurisdiction value)
    {
        value = Jurisdiction.Unspecified;
        var key = text?.Trim() ?? "";
        if (key.Length == 0)
        {
            return true;
        }
        foreach (var candidate in Enum.GetValues<Jurisdiction>())
        {
            var name = ProtoEnums.Name(candidate);
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)
                || string.Equals(key, name["JURISDICTION_".Length..], StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }
        return false;
    }

    /// <summary>Deadline for each query Intake makes to Routing and Notifications while composing the tracking view.</summary>
    public TimeSpan DependencyTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A complaint by the same complainant in the same category within this window is a possible duplicate.</summary>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The FCA minimum for keeping complaint records (DISP 1.9): a shorter retention is refused at start.</summary>
    public static readonly TimeSpan MinimumRetention = TimeSpan.FromDays(365.25 * 3);

    /// <summary>Largest attachment (default 10 MiB).</summary>
    public long MaxAttachmentBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>
    /// Most attachments of one submission or complainant action (default 5): the uploads sharing a batch key
    /// (<c>AttachmentHeader.batch_key</c>), and the documents one answer or added document may name.
    /// </summary>
    public int MaxAttachmentsPerSubmission { get; set; } = 5;

    /// <summary>Most attachments per complaint in all its submissions and actions (default 25).</summary>
    public int MaxAttachmentsPerComplaint { get; set; } = 25;

    /// <summary>Where attachment content goes: "Database" (default) or "File" (under DataDir/attachments).</summary>
    public string AttachmentStore { get; set; } = "Database";

    /// <summary>How long closed complaints keep their personal data and text (default 6 years, never less than 3).</summary>
    public TimeSpan RetentionPeriod { get; set; } = TimeSpan.FromDays(365.25 * 6);

    /// <summary>How often the retention job looks for complaints past their period.</summary>
    public TimeSpan RetentionScanInterval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A lost tracking token: new tokens sent to the address on file (<c>Intake:TrackingAccess</c>).</summary>
    public TrackingAccessOptions TrackingAccess { get; set; } = new();

    /// <summary><c>Intake:SuggestionContacts</c>: the addresses suggestion submitters leave to hear back.</summary>
    public SuggestionContactOptions SuggestionContacts { get; set; } = new();
}

public sealed class SuggestionContactOptions
{
    /// <summary>
    /// An address not yet forgotten (no response, or its message not yet delivered) is forgotten this long after it was
    /// left (default 180 days): long enough for staff to respond, not kept for ever.
    /// </summary>
    public TimeSpan KeepFor { get; set; } = TimeSpan.FromDays(180);
}

public sealed class TrackingAccessOptions
{
    /// <summary>The most new tokens one complaint gets per UTC day (default 3); more requests are answered the same, and nothing is sent.</summary>
    public int GrantsPerDay { get; set; } = 3;

    /// <summary>
    /// No answer comes sooner than this after the request (default 300 ms), matched or not, so the time taken does not
    /// tell whether a complaint and an address matched.
    /// </summary>
    public TimeSpan MinimumAnswerTime { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>A token not yet reported delivered is discarded this long after it was issued (default 7 days, beyond Notifications' retries).</summary>
    public TimeSpan KeepTokenFor { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>Refuses a start whose <c>Intake:DefaultJurisdiction</c> is not a jurisdiction, naming the value and the choices.</summary>
public sealed class IntakeOptionsCheck : IValidateOptions<IntakeOptions>
{
    public ValidateOptionsResult Validate(string? name, IntakeOptions options)
    {
        var failures = new List<string>();
        if (!IntakeOptions.ParseJurisdiction(options.DefaultJurisdiction, out _))
        {
            var choices = Enum.GetValues<Jurisdiction>().Where(j => j != Jurisdiction.Unspecified).Select(j => ProtoEnums.Name(j)["JURISDICTION_".Length..]);
            failures.Add($"Intake:DefaultJurisdiction is '{options.DefaultJurisdiction}', which is not a jurisdiction: use one of "
                + $"{string.Join(", ", choices)} (with or without the JURISDICTION_ prefix), or leave it empty for none.");
        }
        if (options.MaxAttachmentsPerSubmission < 1 || options.MaxAttachmentsPerComplaint < options.MaxAttachmentsPerSubmission)
        {
            failures.Add($"Intake:MaxAttachmentsPerSubmission ({options.MaxAttachmentsPerSubmission}) must be at least 1 and at most "
                + $"Intake:MaxAttachmentsPerComplaint ({options.MaxAttachmentsPerComplaint}).");
        }
        if (options.TrackingAccess.GrantsPerDay < 1)
        {
            failures.Add($"Intake:TrackingAccess:GrantsPerDay ({options.TrackingAccess.GrantsPerDay}) must be at least 1.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
