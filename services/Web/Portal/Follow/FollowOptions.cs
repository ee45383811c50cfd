namespace Complaints.Web.Portal.Follow;

/// <summary>The follow pages' limits (configuration section <c>Portal:Follow</c>).</summary>
public sealed class FollowOptions
{
    public const string Section = "Portal:Follow";

    /// <summary>Live-update streams one browser session (one <see cref="FollowedComplaint.SessionId"/>) may hold open at once.</summary>
    public int MaxWatchesPerSession { get; set; } = 3;

    /// <summary>Live-update streams this replica holds open at once, over all sessions.</summary>
    public int MaxWatches { get; set; } = 1000;

    /// <summary>
    /// How long one live-update stream lasts before the web app ends it; the browser reconnects (after the resume token),
    /// so a session that was signed out or has expired stops being watched within this time.
    /// </summary>
    public TimeSpan WatchLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A comment line sent this often on a quiet stream, so proxies (the gateway's 100 s idle timeout) keep it open.</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The deadline of each unary call to Intake.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The deadline of one document's upload to Intake.</summary>
    public TimeSpan UploadTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Documents per answer or per "add a document" form.</summary>
    public int MaxFiles { get; set; } = 5;

    /// <summary>The largest document (Intake's limit too).</summary>
    public long MaxFileBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>The longest answer or reason, in characters (Intake's limit too).</summary>
    public int MaxTextLength { get; set; } = 10_000;

    /// <summary>The request body limit of the upload forms: every document at its largest, plus the text and the form's parts.</summary>
    public long MaxUploadBodyBytes => MaxFiles * MaxFileBytes + 1024 * 1024;
}
