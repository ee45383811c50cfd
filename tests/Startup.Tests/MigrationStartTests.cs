using System.Diagnostics;
using Complaints.Launcher;
using Complaints.TestSupport;
using Microsoft.Data.Sqlite;

namespace Complaints.Startup.Tests;

/// <summary>How a service applies its migrations at start, in each <c>Database:Migrations</c> mode.</summary>
public sealed class MigrationStartTests : IDisposable
{
    private readonly TempFolder _data = new("migration-start");
    private readonly IReadOnlyList<PlatformComponent> _layout = PlatformComponents.FreeLayout();

    public static TheoryData<string> Services() => [.. Platform.Services];

    /// <summary>What a process stopped right after it took SQLite's migration lock leaves (EF Core issue 38958).</summary>
    [Theory]
    [MemberData(nameof(Services))]
    public async Task Start_LockRowLeftByADeadProcess_ClearsItAndBecomesReady(string service)
    {
        var file = _data.File(service + ".db");
        await ExecuteAsync(file,
            """
            CREATE TABLE "__EFMigrationsLock" ("Id" INTEGER NOT NULL CONSTRAINT "PK___EFMigrationsLock" PRIMARY KEY, "Timestamp" TEXT NOT NULL);
            INSERT INTO "__EFMigrationsLock" ("Id", "Timestamp") VALUES (1, '2026-12-07 05:00:00.0000000+00:00');
            """);

        await using (var platform = Platform.Create(service, _data.Path, _layout))
        {
            await platform.StartAsync();
        }

        // The service's own file: migrated, and the lock gone.
        Assert.Equal(0L, await ScalarAsync(file, """SELECT count(*) FROM "__EFMigrationsLock" """));
        Assert.True(await ScalarAsync(file, """SELECT count(*) FROM "__EFMigrationsHistory" """) > 0);
    }

    /// <summary>Two processes starting on one SQLite file: the second waits for the first's migration lock, then starts.</summary>
    [Fact]
    public async Task Start_AnotherProcessHoldsTheMigrationLock_WaitsForItThenBecomesReady()
    {
        var service = PlatformComponents.Notifications;
        var held = new FileStream(_data.File(service + ".db") + ".migrations.lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        await using var platform = Platform.Create(service, _data.Path, _layout);

        var start = platform.StartAsync();
        await Eventually.True(() => Task.FromResult(start.IsFaulted || platform.LogTail(service, 200).Any(l => l.Contains("Another process is migrating"))),
            "the service waiting for the lock", TimeSpan.FromSeconds(60));
        Assert.False(start.IsCompleted, start.Exception?.ToString());
        await held.DisposeAsync();
        await start;

        Assert.True(await ScalarAsync(_data.File(service + ".db"), """SELECT count(*) FROM "__EFMigrationsHistory" """) > 0);
    }

    /// <summary>What a process killed after its last migration, before EF released its lock, leaves: nothing pending, the row still there.</summary>
    [Theory]
    [MemberData(nameof(Services))]
    public async Task Start_LockRowLeftAfterTheLastMigration_ClearsItAndBecomesReady(string service)
    {
        var file = _data.File(service + ".db");
        await using (var first = Platform.Create(service, _data.Path, _layout))
        {
            await first.StartAsync();
        }
        await ExecuteAsync(file, """INSERT INTO "__EFMigrationsLock" ("Id", "Timestamp") VALUES (1, '2026-12-07 05:00:00.0000000+00:00');""");

        await using (var again = Platform.Create(service, _data.Path, _layout))
        {
            await again.StartAsync();
        }

        Assert.Equal(0L, await ScalarAsync(file, """SELECT count(*) FROM "__EFMigrationsLock" """));
    }

    /// <summary>
    /// What a stop in the middle of a SQLite migration leaves: EF commits a migration in parts (a table rebuild runs
    /// outside its transaction), so a column can exist while the migration is not recorded, and running it again fails
    /// ("duplicate column name", met once by the SIGTERM start-kill test). The start had saved the database first.
    /// </summary>
    [Fact]
    public async Task Start_MigrationStoppedPartWay_RestoredFromTheCopyMadeBeforeItAndMigrated()
    {
        var file = _data.File("notifications.db");
        await using (var first = Platform.Create(PlatformComponents.Notifications, _data.Path, _layout))
        {
            await first.StartAsync();
        }
        // The state before the last migration (NeedToKnow adds case_context.Confidential), as the start saved it ...
        await ExecuteAsync(file, """
            DELETE FROM "__EFMigrationsHistory" WHERE "MigrationId" LIKE '%_NeedToKnow';
            ALTER TABLE case_context DROP COLUMN Confidential;
            """);
        await ExecuteAsync(file, $"VACUUM INTO '{file}.before-migration'");
        // ... and the file after a stop part-way: the column added, the migration not recorded.
        await ExecuteAsync(file, """ALTER TABLE case_context ADD COLUMN "Confidential" INTEGER NOT NULL DEFAULT 0;""");

        await using (var again = Platform.Create(PlatformComponents.Notifications, _data.Path, _layout))
        {
            await again.StartAsync();
        }

        Assert.Equal(1L, await ScalarAsync(file, """SELECT count(*) FROM "__EFMigrationsHistory" WHERE "MigrationId" LIKE '%_NeedToKnow'"""));
        Assert.Equal(1L, await ScalarAsync(file, "SELECT count(*) FROM pragma_table_info('case_context') WHERE name = 'Confidential'"));
        Assert.False(File.Exists(file + ".before-migration"));
    }

    [Fact]
    public async Task RunService_ApplyAndExit_MigratesAndExitsZeroThenAVerifyingStartIsReady()
    {
        var routing = _layout.Single(c => c.Name == PlatformComponents.Routing);
        var root = RepositoryLocator.FindRoot();
        var start = new ProcessStartInfo(DotnetHost.Find())
        {
            WorkingDirectory = routing.OutputFolder(root, Platform.Configuration),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(routing.AssemblyPath(root, Platform.Configuration));
        start.ArgumentList.Add("--Database:Migrations=ApplyAndExit");
        start.Environment["DataDir"] = _data.Path;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(Platform.RestartTimeout);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}: {await stdout}{await stderr}");
        Assert.Contains("Applying", await stdout);
        await using var verifying = Platform.Create(PlatformComponents.Routing, _data.Path, _layout,
            o => o.Environment["Database__Migrations"] = "Verify");
        await verifying.StartAsync();
    }

    [Fact]
    public async Task Start_VerifyWithMigrationsPending_FailsNamingTheMigrationStep()
    {
        await using var verifying = Platform.Create(PlatformComponents.Routing, _data.Path, _layout,
            o => o.Environment["Database__Migrations"] = "Verify");

        var failure = await Assert.ThrowsAsync<PlatformStartException>(() => verifying.StartAsync());

        Assert.Contains("pending migration", failure.Message);
        Assert.Contains("Database:Migrations=ApplyAndExit", failure.Message);
        Assert.Equal(0L, await ScalarAsync(_data.File("routing.db"),
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"));
    }

    public void Dispose() => _data.Dispose();

    private static async Task ExecuteAsync(string file, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(string file, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
