using Complaints.Calendars;
using Complaints.Common.V1;
using Complaints.Routing.Clocks;
using Complaints.Routing.Domain;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Complaints.Routing.Tests.Clocks;

/// <summary>The policy file: the shipped one loads on the shipped calendars, and a bad one fails at start naming the field.</summary>
public sealed class ClockPolicyTests
{
    private static readonly string ShippedPath = Path.Combine(AppContext.BaseDirectory, "Policies", "clocks.json");

    /// <summary>The Calendars library's file, copied next to Routing's policies by the project reference.</summary>
    private static readonly string CalendarsPath = Path.Combine(AppContext.BaseDirectory, "Policies", "calendars.json");

    private static string Shipped() => File.ReadAllText(ShippedPath);

    /// <summary>The calendars the service ships with (the Calendars library's file).</summary>
    public static JurisdictionCalendars ShippedCalendars() => JurisdictionCalendars.Load(CalendarsPath);

    /// <summary>The policies and calendars the service ships with, as it loads them.</summary>
    public static ClockPolicies LoadShipped() => ClockPolicies.Load(ShippedPath, ShippedCalendars());

    private static DateTimeOffset Utc(int y, int m, int d, int h = 0) => new(y, m, d, h, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Load_ShippedFile_HasEveryRegimeOnItsCalendar()
    {
        var policies = LoadShipped();

        Assert.Equal(new ClockDuration(DurationUnit.Weeks, 8), policies.StatutoryFor(Jurisdiction.UkFca)!.FinalResponse);
        Assert.Equal(new ClockDuration(DurationUnit.BusinessDays, 15, 35), policies.StatutoryFor(Jurisdiction.EuPsd2)!.FinalResponse);
        Assert.Equal(new ClockDuration(DurationUnit.CalendarDays, 15, 60), policies.StatutoryFor(Jurisdiction.UsCfpb)!.FinalResponse);
        Assert.Equal(new ClockDuration(DurationUnit.Hours, 24), policies.StatutoryFor(Jurisdiction.AuAsic)!.Acknowledge);
        Assert.Null(policies.StatutoryFor(Jurisdiction.Unspecified));
        Assert.Equal("Europe/London", policies.CalendarFor(Jurisdiction.UkFca).Zone.Id);
        Assert.Equal("Australia/Sydney", policies.CalendarFor(Jurisdiction.AuAsic).Zone.Id);
        Assert.Equal("UTC", policies.CalendarFor(Jurisdiction.Unspecified).Zone.Id);
        Assert.Equal(CalendarsPath, policies.Calendars.Source);
        policies.EnsureCoveredThrough(2100);
    }

    [Fact]
    public void DueFrom_BusinessHoursOverAHoliday_SkipsTheHoliday()
    {
        var policies = LoadShipped();
        var uk = policies.CalendarFor(Jurisdiction.UkFca);
        // Critical severity acknowledges within 4 business hours. Thu 24 Dec 2025 22:00 UTC (= GMT) + 4 h: 2 h on the 24th,
        // then 25 and 26 December are bank holidays and 27-28 a weekend: 2 h on Mon 29 December.
        var duration = policies.SlaFor(Jurisdiction.UkFca, Severity.Critical).Acknowledge;
        Assert.Equal(new ClockDuration(DurationUnit.BusinessHours, 4), duration);
        Assert.Equal(Utc(2025, 12, 29, 2), duration.DueFrom(Utc(2025, 12, 24, 22), uk));
    }

    [Fact]
    public void SlaFor_JurisdictionAndSeverityOverrides_MostSpecificWinsPerClock()
    {
        var policies = LoadShipped();

        var eu = policies.SlaFor(Jurisdiction.EuPsd2, Severity.Medium);
        Assert.Equal(new ClockDuration(DurationUnit.BusinessDays, 10), eu.Resolve);
        Assert.Equal(new ClockDuration(DurationUnit.BusinessDays, 1), eu.Acknowledge);
        var euCritical = policies.SlaFor(Jurisdiction.EuPsd2, Severity.Critical);
        Assert.Equal(new ClockDuration(DurationUnit.BusinessDays, 5), euCritical.Resolve);
        Assert.Equal(new ClockDuration(DurationUnit.BusinessDays, 40), policies.SlaFor(Jurisdiction.UkFca, Severity.Low).Resolve);
    }

    [Theory]
    [InlineData("\"unit\": \"weeks\"", "\"unit\": \"fortnights\"", "statutory.UK_FCA.finalResponse.unit")]
    [InlineData("\"extendedValue\": 35", "\"extendedValue\": 0", "statutory.EU_PSD2.finalResponse.extendedValue")]
    [InlineData("\"CRITICAL\": {", "\"URGENT\": {", "sla.bySeverity.URGENT")]
    [InlineData("\"resolve\": { \"unit\": \"businessDays\", \"value\": 40 }", "\"resolve\": null", "sla.default.resolve")]
    [InlineData("\"AU_ASIC\": {\n      \"acknowledge\"", "\"AU_NZ\": {\n      \"acknowledge\"", "statutory.AU_NZ")]
    public void Parse_BadField_ErrorNamesTheField(string find, string replace, string field)
    {
        var json = Shipped();
        Assert.Contains(find, json);

        var e = Assert.Throws<ClockPolicyException>(() => ClockPolicies.Parse(json.Replace(find, replace, StringComparison.Ordinal), ShippedCalendars(), "test.json"));

        Assert.Contains("test.json", e.Message);
        Assert.Contains(field + ":", e.Message);
    }

    [Fact]
    public void Parse_FileWithCalendars_ErrorSaysWhereTheyAreRead()
    {
        // A policy file from before the calendars moved: its calendars would no longer be the ones counted on.
        var json = Shipped().Replace("\"statutory\": {", "\"calendars\": { \"default\": {} },\n  \"statutory\": {", StringComparison.Ordinal);

        var e = Assert.Throws<ClockPolicyException>(() => ClockPolicies.Parse(json, ShippedCalendars(), "old.json"));

        Assert.Contains("old.json: calendars:", e.Message);
        Assert.Contains(JurisdictionCalendars.PathKey, e.Message);
    }

    [Fact]
    public void Parse_StatutoryJurisdictionWithoutCalendar_ErrorNamesTheRegimeAndTheCalendarFile()
    {
        // The shipped calendars without Australia's: the AU ASIC clocks would have no business days to count on.
        var file = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(CalendarsPath),
            documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!;
        file["calendars"]!.AsObject().Remove("AU_ASIC");
        var calendars = JurisdictionCalendars.Parse(file.ToJsonString(), "cal.json");

        var e = Assert.Throws<ClockPolicyException>(() => ClockPolicies.Parse(Shipped(), calendars, "test.json"));

        Assert.Contains("test.json: statutory.AU_ASIC:", e.Message);
        Assert.Contains("cal.json needs calendars.AU_ASIC", e.Message);
    }

    [Fact]
    public async Task AddCaseClocks_BadPolicyFile_ServiceFailsAtStartNamingTheField()
    {
        using var folder = new TempFolder("clock-policies");
        var path = folder.File("clocks.json");
        await File.WriteAllTextAsync(path, Shipped().Replace("\"value\": 8", "\"value\": -8", StringComparison.Ordinal));
        await using var app = BuildApp(new() { [ClockPolicies.PathKey] = path, [ClockTimer.EnabledKey] = "false" });

        var e = await Assert.ThrowsAsync<ClockPolicyException>(() => app.StartAsync());

        Assert.Contains(path, e.Message);
        Assert.Contains("statutory.UK_FCA.finalResponse.value: must be a positive whole number, not -8", e.Message);
    }

    [Fact]
    public async Task AddCaseClocks_ListedHolidaysEndBeforeNextYear_ServiceFailsAtStartNamingTheCalendar()
    {
        using var folder = new TempFolder("clock-policies");
        var path = folder.File("calendars.json");
        // The UK calendar as dates only, through 2027, on 1 June 2027: a deadline may reach 2028, whose holidays are unknown.
        var json = System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(CalendarsPath), "(\"UK_FCA\": \\{[^{]*?)\"rules\": \\[.*?\\],\\s*\"holidays\": \\[\\]",
            "$1\"holidays\": [ \"2027-12-27\", \"2027-12-28\" ]", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.Contains("\"2027-12-27\", \"2027-12-28\"", json);
        await File.WriteAllTextAsync(path, json);
        await using var app = BuildApp(new() { [JurisdictionCalendars.PathKey] = path, [ClockTimer.EnabledKey] = "false" },
            new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2027, 6, 1, 0, 0, 0, TimeSpan.Zero)));

        var e = await Assert.ThrowsAsync<CalendarException>(() => app.StartAsync());

        Assert.Contains("calendars.UK_FCA lists public holidays through 2027 only", e.Message);
        Assert.Contains("2028", e.Message);
    }

    [Fact]
    public async Task AddCaseClocks_ShippedFile_StartsWithTheTimerAsAHostedService()
    {
        await using var app = BuildApp(new() { [ClockTimer.EnabledKey] = "false", [ClockTimer.IntervalKey] = "00:00:05" });

        await app.StartAsync();

        var timer = app.Services.GetRequiredService<ClockTimer>();
        Assert.Contains(app.Services.GetServices<IHostedService>(), s => ReferenceEquals(s, timer));
        Assert.Equal(TimeSpan.FromSeconds(5), timer.Interval);
        Assert.NotNull(app.Services.GetRequiredService<CaseClocks>().Policies.StatutoryFor(Jurisdiction.UkFca));
        // No Redis registered: one scan at a time within the process.
        Assert.IsType<InProcessClockTimerLease>(app.Services.GetRequiredService<IClockTimerLease>());
        await app.StopAsync();
    }

    [Theory]
    [InlineData(null, 15)]
    [InlineData("30", 30)]
    [InlineData("00:01:00", 60)]
    [InlineData("-5", 15)]
    public void ReadInterval_SecondsOrTimeSpan_DefaultFifteenSeconds(string? value, int expectedSeconds)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [ClockTimer.IntervalKey] = value }).Build();

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), ClockTimer.ReadInterval(configuration));
    }

    /// <summary>Only what <see cref="ClockExtensions.AddCaseClocks"/> needs; no configuration files, Kestrel on a free port.</summary>
    private static WebApplication BuildApp(Dictionary<string, string?> settings, TimeProvider? clock = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(clock ?? TimeProvider.System);
        builder.Services.AddSingleton(new CaseText(SealedBox.NewKey()));
        builder.Services.AddSingleton<CaseJournal>();
        builder.AddCaseClocks();
        return builder.Build();
    }
}
