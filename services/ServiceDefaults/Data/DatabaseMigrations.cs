using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Complaints.ServiceDefaults.Data;

/// <summary>When a service applies its committed migrations: <c>Database:Migrations</c>.</summary>
public enum MigrationMode
{
    /// <summary>At every start, before the service takes traffic (the embedded default).</summary>
    Apply,

    /// <summary>Apply, then exit without serving: a rollout's migration step (the Kubernetes init container).</summary>
    ApplyAndExit,

    /// <summary>Never apply; refuse to start while one is pending (replicas behind a migration step).</summary>
    Verify,
}

public static class MigrationModeExtensions
{
    extension(MigrationMode)
    {
        public static MigrationMode From(IConfiguration configuration) =>
            configuration["Database:Migrations"] switch
            {
                null or "" => MigrationMode.Apply,
                var v when Enum.TryParse<MigrationMode>(v, ignoreCase: true, out var mode) && Enum.IsDefined(mode) => mode,
                var v => throw new InvalidOperationException(
                    $"Database:Migrations is '{v}'; expected one of {string.Join(", ", Enum.GetNames<MigrationMode>())}."),
            };
    }
}

public interface IDatabaseMigrator
{
    /// <summary>Applies the pending migrations, if any.</summary>
    Task ApplyAsync(CancellationToken cancellationToken);

    /// <summary>Throws when a migration is pending.</summary>
    Task VerifyAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Applies one context's migrations so that a start never waits on a lock a dead process left. SQL Server's
/// migration lock belongs to the connection and dies with it; SQLite's is a row in <c>__EFMigrationsLock</c> that
/// outlives a process stopped mid-migration (EF Core issue 38958), after which every start waits on it forever.
/// So on SQLite the row is guarded by an operating-system lock on a file beside the database, which the kernel
/// releases when its holder dies: whoever holds that lock knows no live process is migrating, and clears the row.
/// </summary>
internal sealed class DatabaseMigrator<TContext>(
    IServiceProvider services,
    TimeProvider clock,
    ILogger<DatabaseMigrator<TContext>> logger) : IDatabaseMigrator
    where TContext : DbContext
{
    private const string LockTable = "__EFMigrationsLock";

    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        if (!db.Database.IsSqlite())
        {
            await MigratePendingAsync(db, cancellationToken);
            return;
        }
        var file = ((SqliteConnection)db.Database.GetDbConnection()).DataSource;
        await using var fileLock = await MigrationFileLock.AcquireAsync(file, clock, logger, cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            // WAL before the first write: readers never block the writer.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            if (fileLock is not null)
            {
                await ClearStaleLockAsync(db, cancellationToken);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        await MigratePendingAsync(db, cancellationToken);
    }

    public async Task VerifyAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            throw new InvalidOperationException(
                $"{typeof(TContext).Name} has {pending.Count} pending migration(s) ({string.Join(", ", pending)}) and " +
                "Database:Migrations is Verify: run the migration step (Database:Migrations=ApplyAndExit) first.");
        }
        logger.LogInformation("Database for {Context} is current ({Provider})", typeof(TContext).Name, db.Database.ProviderName);
    }

    private async Task MigratePendingAsync(TContext db, CancellationToken cancellationToken)
    {
        // Nothing pending, no lock taken: replicas that start together do not queue behind one another.
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            logger.LogInformation("Applying {Count} migration(s) to {Context}: {Migrations}", pending.Count, typeof(TContext).Name, string.Join(", ", pending));
            await db.Database.MigrateAsync(cancellationToken);
        }
        logger.LogInformation("Database for {Context} ready ({Provider})", typeof(TContext).Name, db.Database.ProviderName);
    }

    private async Task ClearStaleLockAsync(TContext db, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{LockTable}'";
        if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            return;
        }
        command.CommandText = $"DELETE FROM \"{LockTable}\"";
        if (await command.ExecuteNonQueryAsync(cancellationToken) > 0)
        {
            logger.LogWarning("Cleared a migration lock of {Context} left by a process that stopped while migrating", typeof(TContext).Name);
        }
    }
}

/// <summary>
/// An exclusive lock on <c>{database}.migrations.lock</c>. .NET takes it with flock(2) for <see cref="FileShare.None"/>
/// on Unix, so it is released by the kernel when its holder dies, however it dies.
/// </summary>
internal sealed class MigrationFileLock : IAsyncDisposable
{
    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(100);
    private readonly FileStream _stream;

    private MigrationFileLock(FileStream stream) => _stream = stream;

    /// <summary>Waits until no other process holds the lock. Null for an in-memory database (no file, no other process).</summary>
    public static async Task<MigrationFileLock?> AcquireAsync(string databaseFile, TimeProvider clock, ILogger logger, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(databaseFile) || databaseFile == ":memory:")
        {
            return null;
        }
        var path = databaseFile + ".migrations.lock";
        var waiting = false;
        while (true)
        {
            try
            {
                return new MigrationFileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (!cancellationToken.IsCancellationRequested)
            {
                if (!waiting)
                {
                    logger.LogInformation("Another process is migrating {Database}; waiting for it", Path.GetFileName(databaseFile));
                    waiting = true;
                }
                await Task.Delay(Retry, clock, cancellationToken);
            }
        }
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}

/// <summary>Applies (or, in <see cref="MigrationMode.Verify"/>, checks) the migrations before the service takes traffic.</summary>
internal sealed class DatabaseInitializer<TContext>(IEnumerable<IDatabaseMigrator> migrators, IConfiguration configuration) : IHostedService
    where TContext : DbContext
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var migrator = migrators.OfType<DatabaseMigrator<TContext>>().Single();
        if (MigrationMode.From(configuration) == MigrationMode.Verify)
        {
            await migrator.VerifyAsync(cancellationToken);
        }
        else
        {
            await migrator.ApplyAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
