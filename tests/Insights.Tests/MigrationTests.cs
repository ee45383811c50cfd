using Complaints.Insights.Data;
using Complaints.ServiceDefaults.Data;
using Complaints.TestSupport;

namespace Complaints.Insights.Tests;

/// <summary>Each provider's committed migrations match the model; SQL Server is checked by generating its script.</summary>
public class MigrationTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.SqlServer)]
    public void Migrations_EachProvider_MatchTheModel(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            MigrationChecks.AssertNoPendingModelChanges<SqliteInsightsDbContext>(provider);
        }
        else
        {
            MigrationChecks.AssertNoPendingModelChanges<SqlServerInsightsDbContext>(provider);
        }
    }

    [Fact]
    public void Migrations_SqlServer_GenerateIdempotentScript()
    {
        var script = MigrationChecks.SqlServerScript<SqlServerInsightsDbContext>();

        Assert.Contains("CREATE TABLE [counter]", script);
        Assert.Contains("CREATE TABLE [feed_checkpoint]", script);
        Assert.Contains("CREATE TABLE [processed_event]", script);
        Assert.Contains("IF NOT EXISTS", script);
    }

    [Fact]
    public async Task Migrations_Sqlite_ApplyToFreshFile()
    {
        using var folder = new TempFolder();

        var tables = await MigrationChecks.ApplySqliteAsync<SqliteInsightsDbContext>(folder.File("Insights.db"));

        Assert.Contains("counter", tables);
        Assert.Contains("feed_checkpoint", tables);
        Assert.Contains("processed_event", tables);
        Assert.Contains("__EFMigrationsHistory", tables);
    }
}
