using System.Globalization;
using Complaints.Common.V1;
using Complaints.Routing.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Localization;

namespace Complaints.Web.Console;

/// <summary>How soon a deadline is: a state named in words as well as colour.</summary>
public enum DeadlineState
{
    None,
    Ok,
    Soon,
    Overdue,
}

/// <summary>A deadline as a person reads it at a glance: its state and "in 3 h 20 min" / "by 2 d 4 h".</summary>
public sealed record Countdown(DeadlineState State, string Label, string Text, DateTimeOffset? At);

/// <summary>The console's wording of the contracts' values (statuses, severities, channels, deadlines) in the page's language.</summary>
public sealed class ConsoleWords(IStringLocalizer<ConsoleTexts> texts, TimeProvider time)
{
    /// <summary>A running deadline within this is "due soon".</summary>
    public static readonly TimeSpan Soon = TimeSpan.FromHours(24);

    public string this[string key] => texts[key];

    public string Format(string key, params object[] values) => string.Format(CultureInfo.CurrentCulture, texts[key], values);

    public string Status(CaseStatus status) => texts["Status_" + status];

    public string Severity(Severity severity) => texts["Severity_" + severity];

    public string Channel(Channel channel) => texts["Channel_" + channel];

    public string Jurisdiction(Jurisdiction jurisdiction) => texts["Jurisdiction_" + jurisdiction];

    public string Tier(int tier) => tier <= 0 ? texts["TierNone"] : Format("TierN", tier);

    public string Size(long bytes) =>
        bytes >= 1 << 20 ? Format("SizeMiB", Math.Round(bytes / 1048576.0, 1)) : Format("SizeKiB", Math.Max(1, (int)Math.Ceiling(bytes / 1024.0)));

    /// <summary>An access audit's action in words; one this console does not know yet is shown as Intake names it.</summary>
    public string AuditAction(string action) => texts["Audit_" + action] is { ResourceNotFound: false } text ? text.Value : action;

    public string Clock(ClockKind kind) => texts["Clock_" + kind];

    /// <summary>The notice after an action succeeded (post/redirect/get), or null for an unknown form name.</summary>
    public string? DoneText(string form) => texts["Done_" + form] is { ResourceNotFound: false } text ? text.Value : null;

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>A moment in the reader's language, to the minute, in UTC (staff work across zones; the zone is named).</summary>
    public string Moment(Timestamp? at) =>
        at is null ? "" : at.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public Countdown Deadline(Timestamp? at, bool paused = false)
    {
        if (at is null)
        {
            return new Countdown(DeadlineState.None, texts["NoDeadline"], "", null);
        }
        var due = at.ToDateTimeOffset();
        var left = due - Now;
        if (left <= TimeSpan.Zero)
        {
            return new Countdown(DeadlineState.Overdue, texts["DeadlineOverdue"], Format("OverdueBy", Duration(-left)), due);
        }
        var state = left <= Soon ? DeadlineState.Soon : DeadlineState.Ok;
        var label = paused ? texts["Paused"] : texts[state == DeadlineState.Soon ? "DeadlineSoon" : "DeadlineOk"];
        return new Countdown(state, label, Format("DueIn", Duration(left)), due);
    }

    private string Duration(TimeSpan span) =>
        span.TotalDays >= 1 ? Format("DurationDaysHours", (int)span.TotalDays, span.Hours)
        : span.TotalHours >= 1 ? Format("DurationHoursMinutes", (int)span.TotalHours, span.Minutes)
        : Format("DurationMinutes", Math.Max(1, (int)Math.Ceiling(span.TotalMinutes)));
}
