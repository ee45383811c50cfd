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
    ILogger<DatabaseMigrator<TContext>> logger) : IDatabaseMigrator
    where TContext : DbContext
{
    private const string LockTable = "__EFMigrationsLock";

    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var file = await PrepareSqliteAsync(db, cancellationToken);
        // Nothing pending, no lock taken: replicas that start together do not queue behind one another.
        if (!await HasPendingAsync(db, cancellationToken))
        {
            if (file is not null && (await LockRowsAsync(db, cancellationToken) > 0 || File.Exists(BeforeMigration(file))))
            {
                // A process killed after its last migration left EF's lock row, or the copy made before migrating:
                // cleared now (under the file lock, so never a live migrator's), so a later migration meets neither.
                await using var held = await MigrationFileLock.AcquireAsync(file, logger, cancellationToken);
                await ClearStaleLockAsync(db, cancellationToken);
                if (!await HasPendingAsync(db, cancellationToken))
                {
                    File.Delete(BeforeMigration(file));
                }
            }
            logger.LogInformation("Database for {Context} ready ({Provider})", typeof(TContext).Name, db.Database.ProviderName);
            return;
        }
        await using var fileLock = file is null ? null : await MigrationFileLock.AcquireAsync(file, logger, cancellationToken);
        if (fileLock is not null && file is not null)
        {
            await RestoreOrSaveAsync(db, file, cancellationToken);
            await ClearStaleLockAsync(db, cancellationToken);
        }
        // Another process may have migrated while this one waited for the file lock: EF looks again under its own lock.
        await db.Database.MigrateAsync(cancellationToken);
        if (file is not null)
        {
            File.Delete(BeforeMigration(file));
        }
        logger.LogInformation("Database for {Context} ready ({Provider})", typeof(TContext).Name, db.Database.ProviderName);
    }

    /// <summary>The copy of a SQLite database made before its pending migrations are applied.</summary>
    private static string BeforeMigration(string file) => file + ".before-migration";

    /// <summary>
    /// SQLite only, under the file lock, with migrations pending. EF applies a SQLite migration in parts (a table rebuild
    /// runs outside its transaction), so a stop part-way can leave a migration's changes without its history row, and
    /// running it again fails. So a copy is made before migrating and deleted after; a copy found here means the last
    /// migration stopped part-way: the database goes back to the copy, and the migrations run again from there.
    /// </summary>
    private async Task RestoreOrSaveAsync(TContext db, string file, CancellationToken cancellationToken)
    {
        var copy = BeforeMigration(file);
        await db.Database.CloseConnectionAsync();
        SqliteConnection.ClearAllPools();
        if (File.Exists(copy))
        {
            await CopyAsync(copy, file, cancellationToken);
            logger.LogWarning("Restored {Context} from the copy made before a migration that stopped part-way; migrating again", typeof(TContext).Name);
            return;
        }
        // Written aside, then moved into place: a stop while copying leaves no copy that looks whole.
        var temp = copy + ".tmp";
        File.Delete(temp);
        await CopyAsync(file, temp, cancellationToken);
        File.Move(temp, copy, overwrite: false);
    }

    /// <summary>SQLite's online backup: the whole database, write-ahead log included, page by page into the target.</summary>
    private static async Task CopyAsync(string from, string to, CancellationToken cancellationToken)
    {
        await using (var source = new SqliteConnection($"Data Source={from};Pooling=False"))
        await using (var target = new SqliteConnection($"Data Source={to};Pooling=False"))
        {
            await source.OpenAsync(cancellationToken);
            await target.OpenAsync(cancellationToken);
            source.BackupDatabase(target);
        }
        SqliteConnection.ClearAllPools();
    }

    public async Task VerifyAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var file = await PrepareSqliteAsync(db, cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0 && file is not null && File.Exists(BeforeMigration(file)))
        {
            // The migration step finished but stopped before deleting its copy: this service is about to write, so the
            // copy must go now, or a later migration step would take it for an unfinished migration and restore it.
            await using var held = await MigrationFileLock.AcquireAsync(file, logger, cancellationToken);
            if (!(await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
            {
                File.Delete(BeforeMigration(file));
            }
        }
        if (pending.Count > 0)
        {
            throw new InvalidOperationException(
                $"{typeof(TContext).Name} has {pending.Count} pending migration(s) ({string.Join(", ", pending)}) and " +
                "Database:Migrations is Verify: run the migration step (Database:Migrations=ApplyAndExit) first.");
        }
        logger.LogInformation("Database for {Context} is current ({Provider})", typeof(TContext).Name, db.Database.ProviderName);
    }

    private async Task<bool> HasPendingAsync(TContext db, CancellationToken cancellationToken)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            logger.LogInformation("Applying {Count} migration(s) to {Context}: {Migrations}", pending.Count, typeof(TContext).Name, string.Join(", ", pending));
        }
        return pending.Count > 0;
    }

    /// <summary>
    /// SQLite only: WAL before the first write (readers never block the writer; a no-op once set), and the database's
    /// full path as SQLite resolved it, to name the file lock (null for an in-memory database or another provider).
    /// </summary>
    private static async Task<string?> PrepareSqliteAsync(TContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite())
        {
            return null;
        }
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            // Open, DataSource is sqlite3_db_filename: absolute, and empty for an in-memory database.
            return ((SqliteConnection)db.Database.GetDbConnection()).DataSource is { Length: > 0 } path ? path : null;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The rows of SQLite's migration lock table (0 when the table does not exist yet).</summary>
    private static async Task<long> LockRowsAsync(TContext db, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{LockTable}'";
            if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                return 0;
            }
            command.CommandText = $"SELECT count(*) FROM \"{LockTable}\"";
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task ClearStaleLockAsync(TContext db, CancellationToken cancellationToken)
    {
        if (await LockRowsAsync(db, cancellationToken) == 0)
        {
            return;
        }
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = $"DELETE FROM \"{LockTable}\"";
            if (await command.ExecuteNonQueryAsync(cancellationToken) > 0)
            {
                logger.LogWarning("Cleared a migration lock of {Context} left by a process that stopped while migrating", typeof(TContext).Name);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}

/// <summary>
/// An exclusive lock on <c>{database}.migrations.lock</c>. .NET takes it with flock(2) for <see cref="FileShare.None"/>
/// on Unix, so it is released by the kernel when its holder dies, however it dies. The data folder must be on a file
/// system that honours flock (a local disk or a block volume; not every network file system does).
/// </summary>
internal sealed class MigrationFileLock : IAsyncDisposable
{
    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(30);
    private readonly FileStream _stream;

    private MigrationFileLock(FileStream stream) => _stream = stream;

    /// <summary>Waits until no other process (or host) holds the lock; any other file error is thrown.</summary>
    public static async Task<MigrationFileLock> AcquireAsync(string databaseFile, ILogger logger, CancellationToken cancellationToken)
    {
        var path = databaseFile + ".migrations.lock";
        // The system clock, not the injected one: a test host's fake clock would never end the wait.
        var clock = TimeProvider.System;
        var since = clock.GetTimestamp();
        TimeSpan? logged = null;
        while (true)
        {
            try
            {
                return new MigrationFileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException ex) when (FileLocks.HeldByAnother(ex))
            {
                var waited = clock.GetElapsedTime(since);
                // Said once at the start of the wait, then every LogEvery.
                if (logged is not { } last || waited - last >= LogEvery)
                {
                    logger.LogInformation("Another process is migrating {Database}; waiting for it ({Waited:0} s so far)", Path.GetFileName(databaseFile), waited.TotalSeconds);
                    logged = waited;
                }
                await Task.Delay(Retry, clock, cancellationToken);
            }
        }
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}

public static class FileLocks
{
    /// <summary>
    /// The open failed because another open file holds the lock (.NET's FileShare.None), not for any other reason
    /// (a read-only folder, a full disk): EWOULDBLOCK on Linux (11) and macOS (35), a sharing violation on Windows (32).
    /// </summary>
    public static bool HeldByAnother(IOException ex) =>
        OperatingSystem.IsWindows() ? (ex.HResult & 0xFFFF) == 32 : ex.HResult is 11 or 35;
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
