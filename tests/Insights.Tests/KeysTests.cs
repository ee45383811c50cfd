using Complaints.Insights.Domain;
using Complaints.TestSupport;
using Microsoft.Extensions.Configuration;

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

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => new InsightsKeysCheck(keys).StartAsync(CancellationToken.None));

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
}
