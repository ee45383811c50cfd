namespace Complaints.Intake.Domain;

public sealed class IntakeOptions
{
    /// <summary>The largest request message Intake reads (gRPC or REST body): 1 MiB.</summary>
    public const int MaxMessageBytes = 1024 * 1024;

    /// <summary>The taxonomy: "default" (billing, service, product, conduct, privacy, other), "cfpb", or a JSON file's path.</summary>
    public string Taxonomy { get; set; } = "default";

    /// <summary>Deadline for each query Intake makes to Routing and Notifications while composing the tracking view.</summary>
    public TimeSpan DependencyTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A complaint by the same complainant in the same category within this window is a possible duplicate.</summary>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The FCA minimum for keeping complaint records (DISP 1.9): a shorter retention is refused at start.</summary>
    public static readonly TimeSpan MinimumRetention = TimeSpan.FromDays(365.25 * 3);

    /// <summary>Largest attachment (default 10 MiB).</summary>
    public long MaxAttachmentBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Most attachments per complaint (default 5).</summary>
    public int MaxAttachmentsPerComplaint { get; set; } = 5;

    /// <summary>Where attachment content goes: "Database" (default) or "File" (under DataDir/attachments).</summary>
    public string AttachmentStore { get; set; } = "Database";

    /// <summary>How long closed complaints keep their personal data and text (default 6 years, never less than 3).</summary>
    public TimeSpan RetentionPeriod { get; set; } = TimeSpan.FromDays(365.25 * 6);

    /// <summary>How often the retention job looks for complaints past their period.</summary>
    public TimeSpan RetentionScanInterval { get; set; } = TimeSpan.FromHours(24);
}
