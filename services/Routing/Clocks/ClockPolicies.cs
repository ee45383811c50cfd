using System.Globalization;
using System.Text.Json;
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
/// SLA durations (default, per jurisdiction, per severity), statutory rules and business calendars per jurisdiction.
/// Policies are data: changing a deadline is an edit of the file, not of code.
/// </summary>
public sealed class ClockPolicies
{
    public const string PathKey = "Routing:ClockPoliciesPath";
    private const string DefaultCalendar = "default";

    private readonly Dictionary<string, SlaOverride> _slaByJurisdiction;
    private readonly Dictionary<string, SlaOverride> _slaBySeverity;
    private readonly Dictionary<Jurisdiction, StatutoryRule> _statutory;
    private readonly Dictionary<Jurisdiction, BusinessCalendar> _calendars;

    private ClockPolicies(SlaPolicy sla, Dictionary<string, SlaOverride> byJurisdiction, Dictionary<string, SlaOverride> bySeverity,
        Dictionary<Jurisdiction, StatutoryRule> statutory, Dictionary<Jurisdiction, BusinessCalendar> calendars, BusinessCalendar fallback)
    {
        DefaultSla = sla;
        _slaByJurisdiction = byJurisdiction;
        _slaBySeverity = bySeverity;
        _statutory = statutory;
        _calendars = calendars;
        FallbackCalendar = fallback;
    }

    public SlaPolicy DefaultSla { get; }

    public BusinessCalendar FallbackCalendar { get; }

    /// <summary>Whether the file gives the jurisdiction a calendar of its own (otherwise <see cref="FallbackCalendar"/> applies).</summary>
    public bool HasOwnCalendar(Jurisdiction jurisdiction) => _calendars.ContainsKey(jurisdiction);

    public BusinessCalendar CalendarFor(Jurisdiction jurisdiction) =>
        _calendars.TryGetValue(jurisdiction, out var calendar) ? calendar : FallbackCalendar;

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
    /// Fails (naming the calendar) when a calendar's holidays end before <paramref name="year"/>: checked at start
    /// for the year after the current one, so no deadline counted in that time meets an unknown year.
    /// </summary>
    public void EnsureCoveredThrough(int year)
    {
        foreach (var calendar in _calendars.Values.Append(FallbackCalendar))
        {
            calendar.EnsureCovered(year);
        }
    }

    /// <summary><c>Routing:ClockPoliciesPath</c> (relative to the application folder), default Policies/clocks.json.</summary>
    public static string ResolvePath(IConfiguration configuration)
    {
        var configured = configuration[PathKey];
        var path = string.IsNullOrWhiteSpace(configured) ? Path.Combine("Policies", "clocks.json") : configured;
        return Path.IsPathRooted(path) ? path : Path.Combine(AppContext.BaseDirectory, path);
    }

    public static ClockPolicies Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ClockPolicyException($"Clock policies: file {path} not found (set {PathKey}).");
        }
        return Parse(File.ReadAllText(path), path);
    }

    public static ClockPolicies Parse(string json, string source = "clocks.json")
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
                return Read(document.RootElement);
            }
            catch (PolicyFieldException e)
            {
                throw new ClockPolicyException($"Clock policies {source}: {e.Field}: {e.Message}");
            }
        }
    }

    private static ClockPolicies Read(JsonElement root)
    {
        var sla = Object(root, "sla", "sla");
        var defaults = Object(sla, "default", "sla.default");
        var defaultSla = new SlaPolicy(
            Duration(Required(defaults, "acknowledge", "sla.default"), "sla.default.acknowledge"),
            Duration(Required(defaults, "firstResponse", "sla.default"), "sla.default.firstResponse"),
            Duration(Required(defaults, "resolve", "sla.default"), "sla.default.resolve"));
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

        var calendars = new Dictionary<Jurisdiction, BusinessCalendar>();
        BusinessCalendar? fallback = null;
        foreach (var entry in Object(root, "calendars", "calendars").EnumerateObject())
        {
            var path = "calendars." + entry.Name;
            var calendar = Calendar(entry.Value, path);
            if (entry.Name == DefaultCalendar)
            {
                fallback = calendar;
                continue;
            }
            var jurisdiction = Enum<Jurisdiction>("JURISDICTION_", entry.Name)
                ?? throw new PolicyFieldException(path, "unknown jurisdiction (expected default, UK_FCA, EU_PSD2, US_CFPB or AU_ASIC)");
            calendars[jurisdiction] = calendar;
        }
        if (fallback is null)
        {
            throw new PolicyFieldException("calendars.default", "is required (used where no jurisdiction's calendar applies)");
        }
        foreach (var jurisdiction in statutory.Keys.Where(j => !calendars.ContainsKey(j)))
        {
            throw new PolicyFieldException("calendars." + ShortName(jurisdiction), "is required: the jurisdiction has statutory rules");
        }
        return new ClockPolicies(defaultSla, byJurisdiction, bySeverity, statutory, calendars, fallback);
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
            result[ShortName(key)] = new SlaOverride(
                Optional(entry.Value, "acknowledge") is { } a ? Duration(a, path + ".acknowledge") : null,
                Optional(entry.Value, "firstResponse") is { } f ? Duration(f, path + ".firstResponse") : null,
                Optional(entry.Value, "resolve") is { } r ? Duration(r, path + ".resolve") : null);
        }
        return result;
    }

    private static BusinessCalendar Calendar(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new PolicyFieldException(path, "must be an object");
        }
        var zoneId = Text(Required(e, "timeZone", path), path + ".timeZone");
        TimeZoneInfo zone;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new PolicyFieldException(path + ".timeZone", $"unknown time zone '{zoneId}'");
        }
        var weekend = new List<DayOfWeek>();
        var weekendElement = Required(e, "weekend", path);
        if (weekendElement.ValueKind != JsonValueKind.Array)
        {
            throw new PolicyFieldException(path + ".weekend", "must be an array of day names");
        }
        var i = 0;
        foreach (var day in weekendElement.EnumerateArray())
        {
            var dayPath = $"{path}.weekend[{i++}]";
            if (day.ValueKind != JsonValueKind.String || !System.Enum.TryParse<DayOfWeek>(day.GetString(), ignoreCase: true, out var d) || int.TryParse(day.GetString(), out _))
            {
                throw new PolicyFieldException(dayPath, $"'{day}' is not a day name (Monday..Sunday)");
            }
            weekend.Add(d);
        }
        if (weekend.Distinct().Count() >= 7)
        {
            throw new PolicyFieldException(path + ".weekend", "leaves no working day");
        }
        var holidays = Dates(e, "holidays", path);
        var notHolidays = Dates(e, "notHolidays", path);
        var rules = new List<HolidayRule>();
        if (Optional(e, "rules") is { } ruleList)
        {
            if (ruleList.ValueKind != JsonValueKind.Array)
            {
                throw new PolicyFieldException(path + ".rules", "must be an array of holiday rules");
            }
            i = 0;
            foreach (var rule in ruleList.EnumerateArray())
            {
                rules.Add(Rule(rule, $"{path}.rules[{i++}]"));
            }
        }
        int? through = null;
        if (Optional(e, "holidaysThrough") is { } t)
        {
            if (rules.Count > 0)
            {
                throw new PolicyFieldException(path + ".holidaysThrough", "is only for a calendar without rules (rules cover every year)");
            }
            through = Positive(t, path + ".holidaysThrough");
        }
        return new BusinessCalendar(zone, weekend, holidays, rules, notHolidays, through, path);
    }

    private static List<DateOnly> Dates(JsonElement e, string name, string path)
    {
        var dates = new List<DateOnly>();
        if (Optional(e, name) is not { } list)
        {
            return dates;
        }
        if (list.ValueKind != JsonValueKind.Array)
        {
            throw new PolicyFieldException($"{path}.{name}", "must be an array of yyyy-MM-dd dates");
        }
        var i = 0;
        foreach (var day in list.EnumerateArray())
        {
            var dayPath = $"{path}.{name}[{i++}]";
            if (day.ValueKind != JsonValueKind.String
                || !DateOnly.TryParseExact(day.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                throw new PolicyFieldException(dayPath, $"'{day}' is not a yyyy-MM-dd date");
            }
            dates.Add(date);
        }
        return dates;
    }

    /// <summary>
    /// One of: <c>{"month", "day"}</c> (a fixed date), <c>{"month", "weekday", "nth"}</c> (nth 1-4, or -1 for the
    /// last), <c>{"easterOffset"}</c> (days from Western Easter Sunday); each with an optional <c>name</c> and
    /// <c>weekend</c> (none, nextWorkday or nearestWeekday; default none).
    /// </summary>
    private static HolidayRule Rule(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new PolicyFieldException(path, "must be an object");
        }
        var name = Optional(e, "name") is { } n ? Text(n, path + ".name") : path;
        var weekendText = Optional(e, "weekend") is { } w ? Text(w, path + ".weekend") : nameof(WeekendRule.None);
        if (!System.Enum.TryParse<WeekendRule>(weekendText, ignoreCase: true, out var weekend) || int.TryParse(weekendText, out _))
        {
            throw new PolicyFieldException(path + ".weekend", $"unknown '{weekendText}' (expected none, nextWorkday or nearestWeekday)");
        }
        if (Optional(e, "easterOffset") is { } offset)
        {
            if (Optional(e, "month") is not null || Optional(e, "day") is not null || Optional(e, "weekday") is not null)
            {
                throw new PolicyFieldException(path, "an Easter rule takes easterOffset alone (no month, day or weekday)");
            }
            if (offset.ValueKind != JsonValueKind.Number || !offset.TryGetInt32(out var days) || Math.Abs(days) > 100)
            {
                throw new PolicyFieldException(path + ".easterOffset", $"must be a whole number of days from Easter Sunday (-100..100), not {offset.GetRawText()}");
            }
            return new HolidayRule(name, null, null, null, null, days, weekend);
        }
        var month = Positive(Required(e, "month", path), path + ".month");
        if (month > 12)
        {
            throw new PolicyFieldException(path + ".month", $"must be 1-12, not {month}");
        }
        if (Optional(e, "weekday") is { } wd)
        {
            var dayText = Text(wd, path + ".weekday");
            if (!System.Enum.TryParse<DayOfWeek>(dayText, ignoreCase: true, out var weekday) || int.TryParse(dayText, out _))
            {
                throw new PolicyFieldException(path + ".weekday", $"'{dayText}' is not a day name (Monday..Sunday)");
            }
            var nthElement = Required(e, "nth", path);
            // A fifth weekday is not in every month: -1 names the last.
            if (nthElement.ValueKind != JsonValueKind.Number || !nthElement.TryGetInt32(out var nth) || nth is 0 or < -1 or > 4)
            {
                throw new PolicyFieldException(path + ".nth", $"must be 1-4 or -1 (the last), not {nthElement.GetRawText()}");
            }
            if (Optional(e, "day") is not null)
            {
                throw new PolicyFieldException(path + ".day", "a weekday rule takes nth, not day");
            }
            return new HolidayRule(name, month, null, weekday, nth, null, weekend);
        }
        var day = Positive(Required(e, "day", path), path + ".day");
        if (day > DateTime.DaysInMonth(2023, month))
        {
            throw new PolicyFieldException(path + ".day", $"month {month} has no day {day} every year");
        }
        return new HolidayRule(name, month, day, null, null, null, weekend);
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

    private sealed record SlaOverride(ClockDuration? Acknowledge, ClockDuration? FirstResponse, ClockDuration? Resolve)
    {
        public SlaPolicy Apply(SlaPolicy sla) => new(Acknowledge ?? sla.Acknowledge, FirstResponse ?? sla.FirstResponse, Resolve ?? sla.Resolve);
    }

    private sealed class PolicyFieldException(string field, string message) : Exception(message)
    {
        public string Field { get; } = field;
    }
}
