using Complaints.Intake.Data;
using Complaints.ServiceDefaults.Data;
using Complaints.TestSupport;

namespace Complaints.Intake.Tests;

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
            MigrationChecks.AssertNoPendingModelChanges<SqliteIntakeDbContext>(provider);
        }
        else
        {
            MigrationChecks.AssertNoPendingModelChanges<SqlServerIntakeDbContext>(provider);
        }
    }

    [Fact]
    public void Migrations_SqlServer_GenerateIdempotentScript()
    {
        var script = MigrationChecks.SqlServerScript<SqlServerIntakeDbContext>();

        Assert.Contains("CREATE TABLE [complaint]", script);
        Assert.Contains("CREATE TABLE [event_log]", script);
        Assert.Contains("IF NOT EXISTS", script);
    }

    [Fact]
    public async Task Migrations_Sqlite_ApplyToFreshFile()
    {
        using var folder = new TempFolder();

        var tables = await MigrationChecks.ApplySqliteAsync<SqliteIntakeDbContext>(folder.File("Intake.db"));

        Assert.Contains("complaint", tables);
        Assert.Contains("event_log", tables);
        Assert.Contains("__EFMigrationsHistory", tables);
    }
}
