using Complaints.ServiceDefaults.Data;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Complaints.TestSupport;

/// <summary>
/// Each provider's committed migrations match the model, the SQLite ones apply to a fresh file, and SQL
/// Server (no engine here) is checked by generating its idempotent script. A service's test project
/// derives once and names its tables.
/// </summary>
public abstract class MigrationTestsBase<TSqlite, TSqlServer>
    where TSqlite : DbContext
    where TSqlServer : DbContext
{
    protected abstract IReadOnlyList<string> Tables { get; }

    [Fact]
    public void Migrations_Sqlite_MatchTheModel() => MigrationChecks.AssertNoPendingModelChanges<TSqlite>(DatabaseProvider.Sqlite);

    [Fact]
    public void Migrations_SqlServer_MatchTheModel() => MigrationChecks.AssertNoPendingModelChanges<TSqlServer>(DatabaseProvider.SqlServer);

    [Fact]
    public void Migrations_SqlServer_GenerateIdempotentScript()
    {
        var script = MigrationChecks.SqlServerScript<TSqlServer>();

        Assert.All(Tables, t => Assert.Contains($"CREATE TABLE [{t}]", script));
        Assert.Contains("IF NOT EXISTS", script);
    }

    [Fact]
    public async Task Migrations_Sqlite_ApplyToFreshFile()
    {
        using var folder = new TempFolder();

        var tables = await MigrationChecks.ApplySqliteAsync<TSqlite>(folder.File("migrated.db"));

        Assert.All(Tables, t => Assert.Contains(t, tables));
        Assert.Contains("__EFMigrationsHistory", tables);
    }
}
