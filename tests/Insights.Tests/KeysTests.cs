using Complaints.Calendars;
using Complaints.Insights.Domain;
using Complaints.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.Insights.Tests;

public sealed class KeysTests
{
    private static InsightsKeys Keys(Dictionary<string, string?> settings) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    [Fact]
    public async Task MasterKey_SqlServerWithoutSetting_StartFailsNamingTheSetting()
    {
        using var data = new TempFolder("insights-keys");
        var keys = Keys(new() { ["Database:Provider"] = "SqlServer", ["DataDir"] = data.Path });

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => new InsightsStartupCheck(keys, new ServiceCollection().BuildServiceProvider()).StartAsync(CancellationToken.None));

        Assert.Contains(InsightsKeys.Setting, e.Message);
        Assert.False(File.Exists(Path.Combine(data.Path, InsightsKeys.KeyFile)));
    }

    [Fact]
    public void MasterKey_Configured_UsedAsGiven()
    {
        var key = TestKeys.NewKey();

        Assert.Equal(Convert.FromBase64String(key), Keys(new() { ["Database:Provider"] = "SqlServer", [InsightsKeys.Setting] = key }).Master);
    }

    [Fact]
    public void MasterKey_EmbeddedWithoutSetting_KeyFileMadeOnceInDataDir()
    {
        using var data = new TempFolder("insights-keys");

        var first = Keys(new() { ["DataDir"] = data.Path }).Master;
        var second = Keys(new() { ["DataDir"] = data.Path }).Master;

        Assert.Equal(32, first.Length);
        Assert.Equal(first, second);
        Assert.True(File.Exists(Path.Combine(data.Path, InsightsKeys.KeyFile)));
        Assert.Empty(Directory.EnumerateFiles(data.Path, "*.tmp"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("c2hvcnQ=")]
    public void MasterKey_KeyFileNotA32ByteKey_FailsNamingTheFileAndKeepsIt(string content)
    {
        using var data = new TempFolder("insights-keys");
        var path = Path.Combine(data.Path, InsightsKeys.KeyFile);
        File.WriteAllText(path, content);

        var e = Assert.Throws<InvalidOperationException>(() => Keys(new() { ["DataDir"] = data.Path }).Master);

        Assert.Contains(path, e.Message);
        Assert.Equal(content, File.ReadAllText(path));
    }

    [Fact]
    public void FcaCalendar_FileWithoutUkEntry_ClearErrorNamingTheEntry()
    {
        using var data = new TempFolder("insights-calendar");
        var path = data.File("calendars.json");
        // The shipped calendars without the UK's.
        var calendars = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(ShippedCalendars),
            documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true })!;
        calendars["calendars"]!.AsObject().Remove("UK_FCA");
        File.WriteAllText(path, calendars.ToJsonString());

        var e = Assert.Throws<InvalidOperationException>(() => FcaCalendar.Load(path));

        Assert.Contains("calendars.UK_FCA", e.Message);
    }

    [Fact]
    public void FcaCalendar_ShippedCalendars_UkBankHolidayIsNoBusinessDay()
    {
        var calendar = FcaCalendar.From(new ConfigurationBuilder().Build()).Calendar;

        // The Calendars library's file, the one Routing's clocks count on: Spring bank holiday 2026 and a Saturday; an ordinary Tuesday.
        Assert.False(calendar.IsBusinessDay(new DateOnly(2026, 5, 25)));
        Assert.False(calendar.IsBusinessDay(new DateOnly(2026, 5, 23)));
        Assert.True(calendar.IsBusinessDay(new DateOnly(2026, 5, 26)));
        Assert.Equal("Europe/London", calendar.Zone.Id);
    }

    [Theory]
    [InlineData(FcaCalendar.PathKey)]
    [InlineData(JurisdictionCalendars.PathKey)]
    public void FcaCalendar_PathToAClockPolicyFileOfBefore_ReadsItsUkCalendar(string setting)
    {
        using var data = new TempFolder("insights-calendar");
        var path = data.File("clocks.json");
        // Insights:CalendarPath used to name a copy of Routing's clocks.json: its calendars section still reads (the rest is
        // not Insights' business). Here the UK calendar of that copy has an extra day off, Tuesday 26 May 2026.
        var file = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(ShippedCalendars),
            documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!.AsObject();
        file["calendars"]!["UK_FCA"]!["holidays"] = new System.Text.Json.Nodes.JsonArray("2026-05-26");
        file.Insert(0, "sla", new System.Text.Json.Nodes.JsonObject { ["default"] = "Routing's" });
        File.WriteAllText(path, file.ToJsonString());

        var calendar = FcaCalendar.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [setting] = path }).Build()).Calendar;

        Assert.False(calendar.IsBusinessDay(new DateOnly(2026, 5, 26)));
        Assert.True(calendar.IsBusinessDay(new DateOnly(2026, 5, 27)));
    }

    private static string ShippedCalendars => Path.Combine(AppContext.BaseDirectory, "Policies", "calendars.json");
}
