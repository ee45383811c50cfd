using Complaints.Routing.Data;
using Complaints.ServiceDefaults.Data;
using Complaints.TestSupport;

namespace Complaints.Routing.Tests;

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
            MigrationChecks.AssertNoPendingModelChanges<SqliteRoutingDbContext>(provider);
        }
        else
        {
            MigrationChecks.AssertNoPendingModelChanges<SqlServerRoutingDbContext>(provider);
        }
    }

    [Fact]
    public void Migrations_SqlServer_GenerateIdempotentScript()
    {
        var script = MigrationChecks.SqlServerScript<SqlServerRoutingDbContext>();

        Assert.Contains("CREATE TABLE [case]", script);
        Assert.Contains("CREATE TABLE [case_timeline]", script);
        Assert.Contains("CREATE TABLE [event_log]", script);
        Assert.Contains("CREATE TABLE [feed_checkpoint]", script);
        Assert.Contains("CREATE TABLE [processed_event]", script);
        Assert.Contains("IF NOT EXISTS", script);
    }

    [Fact]
    public async Task Migrations_Sqlite_ApplyToFreshFile()
    {
        using var folder = new TempFolder();

        var tables = await MigrationChecks.ApplySqliteAsync<SqliteRoutingDbContext>(folder.File("Routing.db"));

        Assert.Contains("case", tables);
        Assert.Contains("case_timeline", tables);
        Assert.Contains("event_log", tables);
        Assert.Contains("feed_checkpoint", tables);
        Assert.Contains("processed_event", tables);
        Assert.Contains("__EFMigrationsHistory", tables);
    }
}
