using Complaints.Common.V1;
using Microsoft.Extensions.Configuration;

namespace Complaints.Calendars.Tests;

/// <summary>The calendar file: the shipped one loads with every jurisdiction, and a bad one fails naming the field.</summary>
public sealed class JurisdictionCalendarsTests
{
    private static readonly string ShippedPath = Path.Combine(AppContext.BaseDirectory, "Policies", "calendars.json");

    private static string Shipped() => File.ReadAllText(ShippedPath);

    [Fact]
    public void Load_ShippedFile_HasEveryJurisdictionsCalendar()
    {
        var calendars = JurisdictionCalendars.Load(ShippedPath);

        Assert.Equal("UTC", calendars.For(Jurisdiction.Unspecified).Zone.Id);
        Assert.False(calendars.Has(Jurisdiction.Unspecified));
        Assert.Equal("Europe/London", calendars.For(Jurisdiction.UkFca).Zone.Id);
        Assert.Equal("America/New_York", calendars.For(Jurisdiction.UsCfpb).Zone.Id);
        Assert.Equal("Europe/Brussels", calendars.For(Jurisdiction.EuPsd2).Zone.Id);
        Assert.Equal("Australia/Sydney", calendars.For(Jurisdiction.AuAsic).Zone.Id);
        // Observed US federal holidays, e.g. Independence Day 2026 observed on Friday 3 July.
        Assert.Contains(new DateOnly(2026, 7, 3), calendars.For(Jurisdiction.UsCfpb).HolidaysIn(2026));
        Assert.Contains(new DateOnly(2027, 12, 28), calendars.For(Jurisdiction.UkFca).HolidaysIn(2027));
        // Every calendar is rule-based: none runs out.
        Assert.All(new[] { Jurisdiction.Unspecified, Jurisdiction.UkFca, Jurisdiction.EuPsd2, Jurisdiction.UsCfpb, Jurisdiction.AuAsic },
            j => Assert.Null(calendars.For(j).CoveredThrough));
        calendars.EnsureCoveredThrough(2100);
        Assert.Equal(ShippedPath, calendars.Source);
    }

    [Theory]
    [InlineData("\"timeZone\": \"America/New_York\"", "\"timeZone\": \"America/Gotham\"", "calendars.US_CFPB.timeZone")]
    [InlineData("\"name\": \"Labour Day\", \"month\": 5, \"day\": 1", "\"name\": \"Labour Day\", \"month\": 5, \"day\": 32", "calendars.EU_PSD2.rules[3].day")]
    [InlineData("\"weekday\": \"Thursday\", \"nth\": 4", "\"weekday\": \"Thursday\", \"nth\": 5", "calendars.US_CFPB.rules[9].nth")]
    [InlineData("\"month\": 1, \"day\": 26, \"weekend\": \"nextWorkday\"", "\"month\": 1, \"day\": 26, \"weekend\": \"sometimes\"", "calendars.AU_ASIC.rules[1].weekend")]
    [InlineData("\"easterOffset\": -2 }", "\"easterOffset\": \"Friday\" }", "calendars.UK_FCA.rules[1].easterOffset")]
    [InlineData("\"holidays\": [] },", "\"holidays\": [ \"2025-04-31\" ] },", "calendars.default.holidays[0]")]
    [InlineData("\"AU_ASIC\": {", "\"AU_NZ\": {", "calendars.AU_NZ")]
    [InlineData("\"default\": { \"timeZone\": \"UTC\", \"weekend\": [ \"Saturday\", \"Sunday\" ], \"holidays\": [] },", "", "calendars.default")]
    [InlineData("\"calendars\": {", "\"holidayCalendars\": {", "calendars")]
    public void Parse_BadField_ErrorNamesTheField(string find, string replace, string field)
    {
        var json = Shipped();
        Assert.Contains(find, json);

        var e = Assert.Throws<CalendarException>(() => JurisdictionCalendars.Parse(json.Replace(find, replace, StringComparison.Ordinal), "test.json"));

        Assert.Contains("test.json", e.Message);
        Assert.Contains(field + ":", e.Message);
    }

    [Fact]
    public void Parse_FileWithOtherSections_ReadsOnlyTheCalendars()
    {
        // A clock policy file from before the calendars had a file of their own: its sla and statutory sections are not ours.
        var json = Shipped().Replace("\"calendars\": {", "\"sla\": { \"default\": \"not read\" },\n  \"calendars\": {", StringComparison.Ordinal);

        var calendars = JurisdictionCalendars.Parse(json, "clocks.json");

        Assert.True(calendars.Has(Jurisdiction.UkFca));
        Assert.Equal("Europe/London", calendars.For(Jurisdiction.UkFca).Zone.Id);
    }

    [Fact]
    public void Load_MissingFile_ErrorNamesThePathAndTheSetting()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "no-such-calendars.json");

        var e = Assert.Throws<CalendarException>(() => JurisdictionCalendars.Load(path));

        Assert.Contains(path, e.Message);
        Assert.Contains(JurisdictionCalendars.PathKey, e.Message);
    }

    [Theory]
    [InlineData(null, "Policies/calendars.json")]
    [InlineData("", "Policies/calendars.json")]
    [InlineData("Other/holidays.json", "Other/holidays.json")]
    public void ResolvePath_RelativeOrUnset_UnderTheApplicationFolder(string? configured, string expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [JurisdictionCalendars.PathKey] = configured }).Build();

        Assert.Equal(Path.Combine(AppContext.BaseDirectory, expected), JurisdictionCalendars.ResolvePath(configuration));
    }

    [Fact]
    public void ResolvePath_Rooted_AsConfigured()
    {
        var rooted = Path.Combine(Path.GetTempPath(), "calendars.json");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [JurisdictionCalendars.PathKey] = rooted }).Build();

        Assert.Equal(rooted, JurisdictionCalendars.ResolvePath(configuration));
    }
}
