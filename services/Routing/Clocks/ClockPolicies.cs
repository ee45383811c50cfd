using System.Globalization;
using System.Text.Json;
using Complaints.Calendars;
using Complaints.Common.V1;
using Complaints.Routing.V1;

namespace Complaints.Routing.Clocks;

/// <summary>How a duration is counted; see <see cref="BusinessCalendar"/> for the day-boundary rules.</summary>
public enum DurationUnit
{
    CalendarDays,
    BusinessDays,
    Hours,
    BusinessHours,
    Weeks,
}

/// <summary>A deadline's length: <see cref="Value"/> units, <see cref="ExtendedValue"/> once extended.</summary>
public sealed record ClockDuration(DurationUnit Unit, int Value, int? ExtendedValue = null)
{
    public DateTimeOffset DueFrom(DateTimeOffset start, BusinessCalendar calendar, bool extended = false)
    {
        var value = extended && ExtendedValue is { } e ? e : Value;
        return Unit switch
        {
            DurationUnit.CalendarDays => calendar.EndOfCalendarDaysAfter(start, value),
            DurationUnit.Weeks => calendar.EndOfCalendarDaysAfter(start, value * 7),
            DurationUnit.BusinessDays => calendar.EndOfBusinessDaysAfter(start, value),
            DurationUnit.Hours => start.AddHours(value),
            DurationUnit.BusinessHours => calendar.AddBusinessTime(start, TimeSpan.FromHours(value)),
            _ => throw new ArgumentOutOfRangeException(nameof(Unit), Unit, null),
        };
    }

    /// <summary>
    /// As a margin before a deadline (<see cref="ClockPolicies.StatutoryMarginFor"/>): the end of the local day
    /// <see cref="Value"/> business or calendar days before the day the deadline falls on, or the deadline less
    /// <see cref="Value"/> hours. Zero is the deadline itself.
    /// </summary>
    public DateTimeOffset Before(DateTimeOffset deadline, BusinessCalendar calendar) => Unit switch
    {
        DurationUnit.CalendarDays => calendar.EndOfCalendarDaysBefore(deadline, Value),
        DurationUnit.BusinessDays => calendar.EndOfBusinessDaysBefore(deadline, Value),
        DurationUnit.Hours => deadline.AddHours(-Value),
        _ => throw new ArgumentOutOfRangeException(nameof(Unit), Unit, "a margin is counted in calendarDays, businessDays or hours"),
    };

    /// <summary>For people: "2 business days", "1 hour".</summary>
    public string Describe() => Value.ToString(CultureInfo.InvariantCulture) + " " + Unit switch
    {
        DurationUnit.CalendarDays => "calendar day",
        DurationUnit.BusinessDays => "business day",
        DurationUnit.Hours => "hour",
        DurationUnit.BusinessHours => "business hour",
        _ => "week",
    } + (Value == 1 ? "" : "s");

    public override string ToString() => $"{Value} {Unit}" + (ExtendedValue is { } e ? $" (extended: {e})" : "");
}

/// <summary>The internal SLA of one case: every clock pauses while the case waits for the complainant.</summary>
public sealed record SlaPolicy(ClockDuration Acknowledge, ClockDuration FirstResponse, ClockDuration Resolve);

/// <summary>
/// A regulator's clocks; they never pause. <see cref="Extension"/> names the extension the regime allows
/// (PSD2 "exceptional" with a holding reply, CFPB "inProgress"), once per complaint.
/// </summary>
public sealed record StatutoryRule(
    ClockDuration? Acknowledge,
    ClockDuration? FinalResponse,
    string? Extension,
    int? SummaryResolutionBusinessDays,
    bool RestartOnReopen);

/// <summary>A policy file that cannot be used; the message names the file and the bad field.</summary>
public sealed class ClockPolicyException(string message) : Exception(message);

/// <summary>
/// Routing's clock policies, loaded from <c>Policies/clocks.json</c> (or <c>Routing:ClockPoliciesPath</c>) at start:
/// SLA durations (default, per jurisdiction, per severity), the SLA's margin before the statutory deadlines (default,
/// per jurisdiction) and statutory rules per jurisdiction, counted on the shared
/// business calendars (<see cref="JurisdictionCalendars"/>, the Calendars library's own file). Policies are data:
/// changing a deadline is an edit of the file, not of code.
/// </summary>
public sealed class ClockPolicies
{
    public const string PathKey = "Routing:ClockPoliciesPath";

    private readonly Dictionary<string, SlaOverride> _slaByJurisdiction;
    private readonly Dictionary<string, SlaOverride> _slaBySeverity;
    private readonly Dictionary<Jurisdiction, StatutoryRule> _statutory;

    private ClockPolicies(SlaPolicy sla, ClockDuration? margin, Dictionary<string, SlaOverride> byJurisdiction, Dictionary<string, SlaOverride> bySeverity,
        Dictionary<Jurisdiction, StatutoryRule> statutory, JurisdictionCalendars calendars)
    {
        DefaultSla = sla;
        DefaultStatutoryMargin = margin;
        _slaByJurisdiction = byJurisdiction;
        _slaBySeverity = bySeverity;
        _statutory = statutory;
        Calendars = calendars;
    }

    public SlaPolicy DefaultSla { get; }

    /// <summary><c>sla.statutoryMargin</c>: null when the file sets none (SLA targets are capped at the statutory deadlines themselves).</summary>
    public ClockDuration? DefaultStatutoryMargin { get; }

    /// <summary>The calendars the clocks count on: the same ones Insights' FCA return counts on.</summary>
    public JurisdictionCalendars Calendars { get; }

    public BusinessCalendar CalendarFor(Jurisdiction jurisdiction) => Calendars.For(jurisdiction);

    /// <summary>Null when the jurisdiction has no statutory clock (JURISDICTION_UNSPECIFIED).</summary>
    public StatutoryRule? StatutoryFor(Jurisdiction jurisdiction) => _statutory.GetValueOrDefault(jurisdiction);

    /// <summary>The default, then the jurisdiction's override, then the severity's (the most specific wins per clock).</summary>
    public SlaPolicy SlaFor(Jurisdiction jurisdiction, Severity severity)
    {
        var sla = DefaultSla;
        if (_slaByJurisdiction.TryGetValue(ShortName(jurisdiction), out var j))
        {
            sla = j.Apply(sla);
        }
        if (_slaBySeverity.TryGetValue(ShortName(severity), out var s))
        {
            sla = s.Apply(sla);
        }
        return sla;
    }

    /// <summary>
    /// How long before a statutory deadline the jurisdiction's SLA targets are capped: <c>sla.byJurisdiction.J.statutoryMargin</c>,
    /// else <c>sla.statutoryMargin</c>; null (or a value of 0) caps at the statutory deadline itself. Units: calendarDays,
    /// businessDays, hours (<see cref="ClockDuration.Before"/>).
    /// </summary>
    public ClockDuration? StatutoryMarginFor(Jurisdiction jurisdiction) =>
        _slaByJurisdiction.TryGetValue(ShortName(jurisdiction), out var j) && j.StatutoryMargin is { } margin ? margin : DefaultStatutoryMargin;

    /// <summary>See <see cref="JurisdictionCalendars.EnsureCoveredThrough"/>: checked at start for the year after the current one.</summary>
    public void EnsureCoveredThrough(int year) => Calendars.EnsureCoveredThrough(year);

    /// <summary><c>Routing:ClockPoliciesPath</c> (relative to the application folder), default Policies/clocks.json.</summary>
    public static string ResolvePath(IConfiguration configuration)
    {
        var configured = configuration[PathKey];
        var path = string.IsNullOrWhiteSpace(configured) ? Path.Combine("Policies", "clocks.json") : configured;
        return Path.IsPathRooted(path) ? path : Path.Combine(AppContext.BaseDirectory, path);
    }

    public static ClockPolicies Load(string path, JurisdictionCalendars calendars)
    {
        if (!File.Exists(path))
        {
            throw new ClockPolicyException($"Clock policies: file {path} not found (set {PathKey}).");
        }
        return Parse(File.ReadAllText(path), calendars, path);
    }

    public static ClockPolicies Parse(string json, JurisdictionCalendars calendars, string source = "clocks.json")
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new ClockPolicyException($"Clock policies {source}: not valid JSON ({e.Message}).");
        }
        using (document)
        {
            try
            {
                return Read(document.RootElement, calendars);
            }
            catch (PolicyFieldException e)
            {
                throw new ClockPolicyException($"Clock policies {source}: {e.Field}: {e.Message}");
            }
        }
    }

    private static ClockPolicies Read(JsonElement root, JurisdictionCalendars calendars)
    {
        // Calendars here would count this service's clocks on other days than Insights' FCA return counts on.
        if (Optional(root, JurisdictionCalendars.Section) is not null)
        {
            throw new PolicyFieldException(JurisdictionCalendars.Section,
                $"business calendars are no longer read from the clock policies: move them to the calendar file ({JurisdictionCalendars.PathKey}, default Policies/calendars.json)");
        }
        var sla = Object(root, "sla", "sla");
        var defaults = Object(sla, "default", "sla.default");
        var defaultSla = new SlaPolicy(
            Duration(Required(defaults, "acknowledge", "sla.default"), "sla.default.acknowledge"),
            Duration(Required(defaults, "firstResponse", "sla.default"), "sla.default.firstResponse"),
            Duration(Required(defaults, "resolve", "sla.default"), "sla.default.resolve"));
        var margin = Optional(sla, "statutoryMargin") is { } m ? Margin(m, "sla.statutoryMargin") : null;
        var byJurisdiction = Overrides(sla, "byJurisdiction", name => Enum<Jurisdiction>("JURISDICTION_", name));
        var bySeverity = Overrides(sla, "bySeverity", name => Enum<Severity>("SEVERITY_", name));

        var statutory = new Dictionary<Jurisdiction, StatutoryRule>();
        foreach (var rule in Object(root, "statutory", "statutory").EnumerateObject())
        {
            var path = "statutory." + rule.Name;
            var jurisdiction = Enum<Jurisdiction>("JURISDICTION_", rule.Name)
                ?? throw new PolicyFieldException(path, "unknown jurisdiction (expected UK_FCA, EU_PSD2, US_CFPB or AU_ASIC)");
            if (jurisdiction == Jurisdiction.Unspecified)
            {
                throw new PolicyFieldException(path, "JURISDICTION_UNSPECIFIED has no statutory clock");
            }
            var acknowledge = Optional(rule.Value, "acknowledge") is { } a ? Duration(a, path + ".acknowledge") : null;
            var final = Optional(rule.Value, "finalResponse") is { } f ? Duration(f, path + ".finalResponse", allowExtension: true) : null;
            var extension = Optional(rule.Value, "extension") is { } x ? Text(x, path + ".extension") : null;
            if ((extension is null) != (final?.ExtendedValue is null))
            {
                throw new PolicyFieldException(path + ".extension", "an extension needs both finalResponse.extendedValue and extension, or neither");
            }
            var summary = Optional(rule.Value, "summaryResolutionBusinessDays") is { } s ? Positive(s, path + ".summaryResolutionBusinessDays") : (int?)null;
            var restart = Optional(rule.Value, "restartOnReopen") is { } r ? Bool(r, path + ".restartOnReopen") : false;
            statutory[jurisdiction] = new StatutoryRule(acknowledge, final, extension, summary, restart);
        }

        foreach (var jurisdiction in statutory.Keys.Where(j => !calendars.Has(j)))
        {
            throw new PolicyFieldException("statutory." + ShortName(jurisdiction),
                $"has no business calendar: {calendars.Source} needs {JurisdictionCalendars.Section}.{ShortName(jurisdiction)}");
        }
        return new ClockPolicies(defaultSla, margin, byJurisdiction, bySeverity, statutory, calendars);
    }

    private static Dictionary<string, SlaOverride> Overrides<T>(JsonElement sla, string name, Func<string, T?> parse) where T : struct, System.Enum
    {
        var result = new Dictionary<string, SlaOverride>(StringComparer.Ordinal);
        if (Optional(sla, name) is not { } section)
        {
            return result;
        }
        var sectionPath = "sla." + name;
        if (section.ValueKind != JsonValueKind.Object)
        {
            throw new PolicyFieldException(sectionPath, "must be an object");
        }
        foreach (var entry in section.EnumerateObject())
        {
            var path = sectionPath + "." + entry.Name;
            if (parse(entry.Name) is not { } key)
            {
                throw new PolicyFieldException(path, $"unknown {(typeof(T) == typeof(Severity) ? "severity (expected LOW, MEDIUM, HIGH or CRITICAL)" : "jurisdiction")}");
            }
            if (entry.Value.ValueKind != JsonValueKind.Object)
            {
                throw new PolicyFieldException(path, "must be an object");
            }
            ClockDuration? margin = null;
            if (Optional(entry.Value, "statutoryMargin") is { } m)
            {
                // The statutory deadlines are the jurisdiction's, whatever the severity.
                margin = typeof(T) == typeof(Jurisdiction)
                    ? Margin(m, path + ".statutoryMargin")
                    : throw new PolicyFieldException(path + ".statutoryMargin",
                        "the margin before the statutory deadlines is set in sla.statutoryMargin or per jurisdiction (sla.byJurisdiction.<J>.statutoryMargin), not per severity");
            }
            result[ShortName(key)] = new SlaOverride(
                Optional(entry.Value, "acknowledge") is { } a ? Duration(a, path + ".acknowledge") : null,
                Optional(entry.Value, "firstResponse") is { } f ? Duration(f, path + ".firstResponse") : null,
                Optional(entry.Value, "resolve") is { } r ? Duration(r, path + ".resolve") : null,
                margin);
        }
        return result;
    }

    private static ClockDuration Duration(JsonElement e, string path, bool allowExtension = false)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new PolicyFieldException(path, "must be an object with unit and value");
        }
        var unitText = Text(Required(e, "unit", path), path + ".unit");
        if (!System.Enum.TryParse<DurationUnit>(unitText, ignoreCase: true, out var unit) || int.TryParse(unitText, out _))
        {
            throw new PolicyFieldException(path + ".unit", $"unknown unit '{unitText}' (expected calendarDays, businessDays, hours, businessHours or weeks)");
        }
        var value = Positive(Required(e, "value", path), path + ".value");
        int? extended = null;
        if (Optional(e, "extendedValue") is { } x)
        {
            if (!allowExtension)
            {
                throw new PolicyFieldException(path + ".extendedValue", "only a statutory finalResponse can be extended");
            }
            extended = Positive(x, path + ".extendedValue");
            if (extended <= value)
            {
                throw new PolicyFieldException(path + ".extendedValue", $"must be greater than value ({value})");
            }
        }
        return new ClockDuration(unit, value, extended);
    }

    /// <summary>A margin before a statutory deadline: calendarDays, businessDays or hours; 0 means none.</summary>
    private static ClockDuration Margin(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new PolicyFieldException(path, "must be an object with unit and value");
        }
        var unitText = Text(Required(e, "unit", path), path + ".unit");
        if (!System.Enum.TryParse<DurationUnit>(unitText, ignoreCase: true, out var unit) || int.TryParse(unitText, out _)
            || unit is not (DurationUnit.BusinessDays or DurationUnit.CalendarDays or DurationUnit.Hours))
        {
            throw new PolicyFieldException(path + ".unit", $"unit '{unitText}' cannot count a margin (expected businessDays, calendarDays or hours)");
        }
        var value = NotNegative(Required(e, "value", path), path + ".value");
        if (Optional(e, "extendedValue") is not null)
        {
            throw new PolicyFieldException(path + ".extendedValue", "only a statutory finalResponse can be extended");
        }
        return new ClockDuration(unit, value);
    }

    private static JsonElement Object(JsonElement parent, string name, string path)
    {
        var e = Required(parent, name, path[..Math.Max(0, path.LastIndexOf('.'))]);
        return e.ValueKind == JsonValueKind.Object ? e : throw new PolicyFieldException(path, "must be an object");
    }

    private static JsonElement Required(JsonElement parent, string name, string parentPath) =>
        Optional(parent, name) ?? throw new PolicyFieldException(parentPath.Length == 0 ? name : parentPath + "." + name, "is required");

    private static JsonElement? Optional(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var e) && e.ValueKind != JsonValueKind.Null ? e : null;

    private static string Text(JsonElement e, string path) =>
        e.ValueKind == JsonValueKind.String && e.GetString() is { Length: > 0 } s ? s : throw new PolicyFieldException(path, "must be a non-empty string");

    private static bool Bool(JsonElement e, string path) =>
        e.ValueKind is JsonValueKind.True or JsonValueKind.False ? e.GetBoolean() : throw new PolicyFieldException(path, "must be true or false");

    private static int Positive(JsonElement e, string path) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var v) && v > 0 ? v : throw new PolicyFieldException(path, $"must be a positive whole number, not {e.GetRawText()}");

    private static int NotNegative(JsonElement e, string path) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var v) && v >= 0 ? v : throw new PolicyFieldException(path, $"must be a whole number, 0 or more, not {e.GetRawText()}");

    /// <summary>"UK_FCA" or "JURISDICTION_UK_FCA" (the proto names), case-insensitive.</summary>
    private static T? Enum<T>(string prefix, string name) where T : struct, System.Enum
    {
        var full = name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? name : prefix + name;
        var match = Values<T>().FirstOrDefault(v => string.Equals(v.Name, full, StringComparison.OrdinalIgnoreCase));
        return match is null ? null : (T)(object)match.Number;
    }

    /// <summary>The proto name without its prefix: UK_FCA, CRITICAL.</summary>
    private static string ShortName<T>(T value) where T : struct, System.Enum
    {
        var number = Convert.ToInt32(value, CultureInfo.InvariantCulture);
        var name = Values<T>().FirstOrDefault(v => v.Number == number)?.Name ?? number.ToString(CultureInfo.InvariantCulture);
        var prefix = typeof(T) == typeof(Jurisdiction) ? "JURISDICTION_" : "SEVERITY_";
        return name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : name;
    }

    private static IList<Google.Protobuf.Reflection.EnumValueDescriptor> Values<T>() =>
        (typeof(T) == typeof(Jurisdiction) ? Common.V1.TypesReflection.Descriptor : V1.ModelReflection.Descriptor)
            .EnumTypes.First(t => t.ClrType == typeof(T)).Values;

    private sealed record SlaOverride(ClockDuration? Acknowledge, ClockDuration? FirstResponse, ClockDuration? Resolve, ClockDuration? StatutoryMargin)
    {
        public SlaPolicy Apply(SlaPolicy sla) => new(Acknowledge ?? sla.Acknowledge, FirstResponse ?? sla.FirstResponse, Resolve ?? sla.Resolve);
    }

    private sealed class PolicyFieldException(string field, string message) : Exception(message)
    {
        public string Field { get; } = field;
    }
}
