using Complaints.ServiceDefaults.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Xunit;

namespace Complaints.TestSupport;

/// <summary>Checks that each provider's committed migrations match the model. SQL Server is checked offline, by script.</summary>
public static class MigrationChecks
{
    public static void AssertNoPendingModelChanges<TContext>(DatabaseProvider provider) where TContext : DbContext
    {
        using var db = DesignTimeFactory<TContext>.Create(DesignTimeFactory<TContext>.Options(provider));

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(),
            $"{typeof(TContext).Name} has model changes without a migration: run dotnet ef migrations add <Name> --context {typeof(TContext).Name}.");
    }

    /// <summary>The idempotent SQL Server script, as a DBA would run it.</summary>
    public static string SqlServerScript<TContext>() where TContext : DbContext
    {
        using var db = DesignTimeFactory<TContext>.Create(DesignTimeFactory<TContext>.Options(DatabaseProvider.SqlServer));
        return db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);
    }

    /// <summary>Applies the SQLite migrations to a fresh file and returns the table names created.</summary>
    public static async Task<IReadOnlyList<string>> ApplySqliteAsync<TContext>(string file) where TContext : DbContext
    {
        await using var db = DesignTimeFactory<TContext>.Create(DesignTimeFactory<TContext>.Options(DatabaseProvider.Sqlite, $"Data Source={file};Pooling=False"));
        await db.Database.MigrateAsync();
        return await db.Database.SqlQueryRaw<string>("SELECT name AS Value FROM sqlite_master WHERE type = 'table' ORDER BY name").ToListAsync();
    }
}
