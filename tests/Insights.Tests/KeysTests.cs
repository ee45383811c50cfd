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
    }

    [Fact]
    public void FcaCalendar_FileWithoutUkEntry_ClearErrorNamingTheEntry()
    {
        using var data = new TempFolder("insights-calendar");
        var path = data.File("clocks.json");
        // Routing's policies without the UK calendar (UK statutory rules still there).
        var policies = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Policies", "clocks.json")),
            documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true })!;
        policies["calendars"]!.AsObject().Remove("UK_FCA");
        File.WriteAllText(path, policies.ToJsonString());

        var e = Assert.Throws<InvalidOperationException>(() => FcaCalendar.Load(path));

        Assert.Contains("calendars.UK_FCA", e.Message);
    }

    [Fact]
    public void FcaCalendar_RoutingPolicies_UkBankHolidayIsNoBusinessDay()
    {
        var calendar = FcaCalendar.From(new ConfigurationBuilder().Build()).Calendar;

        // Routing's own file, linked into the build: Spring bank holiday 2026 and a Saturday; an ordinary Tuesday.
        Assert.False(calendar.IsBusinessDay(new DateOnly(2026, 5, 25)));
        Assert.False(calendar.IsBusinessDay(new DateOnly(2026, 5, 23)));
        Assert.True(calendar.IsBusinessDay(new DateOnly(2026, 5, 26)));
        Assert.Equal("Europe/London", calendar.Zone.Id);
    }
}
