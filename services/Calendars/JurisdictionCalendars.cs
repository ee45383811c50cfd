using System.Globalization;
using System.Text.Json;
using Complaints.Common.V1;
using Microsoft.Extensions.Configuration;

namespace Complaints.Calendars;

/// <summary>
/// A calendar file that cannot be used (the message names the file and the bad field), or a count past the last year
/// whose public holidays a calendar knows (the message names the calendar).
/// </summary>
public sealed class CalendarException(string message) : Exception(message);

/// <summary>
/// The business calendar of each jurisdiction, from the <c>calendars</c> section of <c>Policies/calendars.json</c>
/// (shipped with this library; <c>Calendars:Path</c> overrides it), validated when loaded. Routing counts its clocks
/// and Insights its FCA return on these same calendars. Other top-level sections are ignored, so a file that holds
/// more (a clock policy file from before the calendars had one of their own) still reads.
/// </summary>
public sealed class JurisdictionCalendars
{
    public const string PathKey = "Calendars:Path";
    public const string Section = "calendars";
    private const string DefaultEntry = "default";
    private const string JurisdictionPrefix = "JURISDICTION_";

    private readonly Dictionary<Jurisdiction, BusinessCalendar> _calendars;

    private JurisdictionCalendars(Dictionary<Jurisdiction, BusinessCalendar> calendars, BusinessCalendar fallback, string source)
    {
        _calendars = calendars;
        Fallback = fallback;
        Source = source;
    }

    /// <summary>The file the calendars were read from, for messages.</summary>
    public string Source { get; }

    /// <summary>The <c>default</c> entry: where a jurisdiction has no calendar of its own (JURISDICTION_UNSPECIFIED).</summary>
    public BusinessCalendar Fallback { get; }

    /// <summary>Whether the file gives the jurisdiction a calendar of its own (otherwise <see cref="Fallback"/> applies).</summary>
    public bool Has(Jurisdiction jurisdiction) => _calendars.ContainsKey(jurisdiction);

    public BusinessCalendar For(Jurisdiction jurisdiction) => _calendars.TryGetValue(jurisdiction, out var calendar) ? calendar : Fallback;

    /// <summary>
    /// Fails (naming the calendar) when a calendar's holidays end before <paramref name="year"/>: a service checks the
    /// year after the current one at start, so no deadline counted in that time meets an unknown year.
    /// </summary>
    public void EnsureCoveredThrough(int year)
    {
        foreach (var calendar in _calendars.Values.Append(Fallback))
        {
            calendar.EnsureCovered(year);
        }
    }

    /// <summary><c>Calendars:Path</c> (relative to the application folder), default Policies/calendars.json.</summary>
    public static string ResolvePath(IConfiguration configuration)
    {
        var configured = configuration[PathKey];
        var path = string.IsNullOrWhiteSpace(configured) ? Path.Combine("Policies", "calendars.json") : configured;
        return Path.IsPathRooted(path) ? path : Path.Combine(AppContext.BaseDirectory, path);
    }

    public static JurisdictionCalendars Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new CalendarException($"Calendars: file {path} not found (set {PathKey}).");
        }
        return Parse(File.ReadAllText(path), path);
    }

    public static JurisdictionCalendars Parse(string json, string source = "calendars.json")
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new CalendarException($"Calendars {source}: not valid JSON ({e.Message}).");
        }
        using (document)
        {
            try
            {
                return Read(document.RootElement, source);
            }
            catch (CalendarFieldException e)
            {
                throw new CalendarException($"Calendars {source}: {e.Field}: {e.Message}");
            }
        }
    }

    private static JurisdictionCalendars Read(JsonElement root, string source)
    {
        if (root.ValueKind != JsonValueKind.Object || Optional(root, Section) is not { } section)
        {
            throw new CalendarFieldException(Section, "is required");
        }
        if (section.ValueKind != JsonValueKind.Object)
        {
            throw new CalendarFieldException(Section, "must be an object");
        }
        var calendars = new Dictionary<Jurisdiction, BusinessCalendar>();
        BusinessCalendar? fallback = null;
        foreach (var entry in section.EnumerateObject())
        {
            var path = Section + "." + entry.Name;
            var calendar = Calendar(entry.Value, path);
            if (entry.Name == DefaultEntry)
            {
                fallback = calendar;
                continue;
            }
            var jurisdiction = ParseJurisdiction(entry.Name)
                ?? throw new CalendarFieldException(path, "unknown jurisdiction (expected default, UK_FCA, EU_PSD2, US_CFPB or AU_ASIC)");
            calendars[jurisdiction] = calendar;
        }
        return fallback is null
            ? throw new CalendarFieldException(Section + "." + DefaultEntry, "is required (used where no jurisdiction's calendar applies)")
            : new JurisdictionCalendars(calendars, fallback, source);
    }

    private static BusinessCalendar Calendar(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new CalendarFieldException(path, "must be an object");
        }
        var zoneId = Text(Required(e, "timeZone", path), path + ".timeZone");
        TimeZoneInfo zone;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new CalendarFieldException(path + ".timeZone", $"unknown time zone '{zoneId}'");
        }
        var weekend = new List<DayOfWeek>();
        var weekendElement = Required(e, "weekend", path);
        if (weekendElement.ValueKind != JsonValueKind.Array)
        {
            throw new CalendarFieldException(path + ".weekend", "must be an array of day names");
        }
        var i = 0;
        foreach (var day in weekendElement.EnumerateArray())
        {
            var dayPath = $"{path}.weekend[{i++}]";
            if (day.ValueKind != JsonValueKind.String || !Enum.TryParse<DayOfWeek>(day.GetString(), ignoreCase: true, out var d) || int.TryParse(day.GetString(), out _))
            {
                throw new CalendarFieldException(dayPath, $"'{day}' is not a day name (Monday..Sunday)");
            }
            weekend.Add(d);
        }
        if (weekend.Distinct().Count() >= 7)
        {
            throw new CalendarFieldException(path + ".weekend", "leaves no working day");
        }
        var holidays = Dates(e, "holidays", path);
        var notHolidays = Dates(e, "notHolidays", path);
        var rules = new List<HolidayRule>();
        if (Optional(e, "rules") is { } ruleList)
        {
            if (ruleList.ValueKind != JsonValueKind.Array)
            {
                throw new CalendarFieldException(path + ".rules", "must be an array of holiday rules");
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
                throw new CalendarFieldException(path + ".holidaysThrough", "is only for a calendar without rules (rules cover every year)");
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
            throw new CalendarFieldException($"{path}.{name}", "must be an array of yyyy-MM-dd dates");
        }
        var i = 0;
        foreach (var day in list.EnumerateArray())
        {
            var dayPath = $"{path}.{name}[{i++}]";
            if (day.ValueKind != JsonValueKind.String
                || !DateOnly.TryParseExact(day.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                throw new CalendarFieldException(dayPath, $"'{day}' is not a yyyy-MM-dd date");
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
            throw new CalendarFieldException(path, "must be an object");
        }
        var name = Optional(e, "name") is { } n ? Text(n, path + ".name") : path;
        var weekendText = Optional(e, "weekend") is { } w ? Text(w, path + ".weekend") : nameof(WeekendRule.None);
        if (!Enum.TryParse<WeekendRule>(weekendText, ignoreCase: true, out var weekend) || int.TryParse(weekendText, out _))
        {
            throw new CalendarFieldException(path + ".weekend", $"unknown '{weekendText}' (expected none, nextWorkday or nearestWeekday)");
        }
        if (Optional(e, "easterOffset") is { } offset)
        {
            if (Optional(e, "month") is not null || Optional(e, "day") is not null || Optional(e, "weekday") is not null)
            {
                throw new CalendarFieldException(path, "an Easter rule takes easterOffset alone (no month, day or weekday)");
            }
            if (offset.ValueKind != JsonValueKind.Number || !offset.TryGetInt32(out var days) || Math.Abs(days) > 100)
            {
                throw new CalendarFieldException(path + ".easterOffset", $"must be a whole number of days from Easter Sunday (-100..100), not {offset.GetRawText()}");
            }
            return new HolidayRule(name, null, null, null, null, days, weekend);
        }
        var month = Positive(Required(e, "month", path), path + ".month");
        if (month > 12)
        {
            throw new CalendarFieldException(path + ".month", $"must be 1-12, not {month}");
        }
        if (Optional(e, "weekday") is { } wd)
        {
            var dayText = Text(wd, path + ".weekday");
            if (!Enum.TryParse<DayOfWeek>(dayText, ignoreCase: true, out var weekday) || int.TryParse(dayText, out _))
            {
                throw new CalendarFieldException(path + ".weekday", $"'{dayText}' is not a day name (Monday..Sunday)");
            }
            var nthElement = Required(e, "nth", path);
            // A fifth weekday is not in every month: -1 names the last.
            if (nthElement.ValueKind != JsonValueKind.Number || !nthElement.TryGetInt32(out var nth) || nth is 0 or < -1 or > 4)
            {
                throw new CalendarFieldException(path + ".nth", $"must be 1-4 or -1 (the last), not {nthElement.GetRawText()}");
            }
            if (Optional(e, "day") is not null)
            {
                throw new CalendarFieldException(path + ".day", "a weekday rule takes nth, not day");
            }
            return new HolidayRule(name, month, null, weekday, nth, null, weekend);
        }
        var day = Positive(Required(e, "day", path), path + ".day");
        if (day > DateTime.DaysInMonth(2023, month))
        {
            throw new CalendarFieldException(path + ".day", $"month {month} has no day {day} every year");
        }
        return new HolidayRule(name, month, day, null, null, null, weekend);
    }

    private static JsonElement Required(JsonElement parent, string name, string parentPath) =>
        Optional(parent, name) ?? throw new CalendarFieldException(parentPath + "." + name, "is required");

    private static JsonElement? Optional(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var e) && e.ValueKind != JsonValueKind.Null ? e : null;

    private static string Text(JsonElement e, string path) =>
        e.ValueKind == JsonValueKind.String && e.GetString() is { Length: > 0 } s ? s : throw new CalendarFieldException(path, "must be a non-empty string");

    private static int Positive(JsonElement e, string path) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var v) && v > 0 ? v : throw new CalendarFieldException(path, $"must be a positive whole number, not {e.GetRawText()}");

    /// <summary>"UK_FCA" or "JURISDICTION_UK_FCA" (the proto names), case-insensitive; null when unknown.</summary>
    private static Jurisdiction? ParseJurisdiction(string name)
    {
        var full = name.StartsWith(JurisdictionPrefix, StringComparison.OrdinalIgnoreCase) ? name : JurisdictionPrefix + name;
        var match = JurisdictionValues().FirstOrDefault(v => string.Equals(v.Name, full, StringComparison.OrdinalIgnoreCase));
        return match is null ? null : (Jurisdiction)match.Number;
    }

    private static IList<Google.Protobuf.Reflection.EnumValueDescriptor> JurisdictionValues() =>
        TypesReflection.Descriptor.EnumTypes.First(t => t.ClrType == typeof(Jurisdiction)).Values;

    private sealed class CalendarFieldException(string field, string message) : Exception(message)
    {
        public string Field { get; } = field;
    }
}
