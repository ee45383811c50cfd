using Microsoft.Data.Sqlite;

namespace Complaints.Startup.Tests;

/// <summary>EF Core's SQLite migration lock: a row in <c>__EFMigrationsLock</c> while a process migrates.</summary>
internal static class MigrationLockRow
{
    public static async Task<bool> ExistsAsync(string database)
    {
        if (!File.Exists(database))
        {
            return false;
        }
        // Unpooled: holds nothing open after. Not read-only: that cannot open a WAL database whose -shm file is gone.
        await using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsLock'";
        if ((long)(await command.ExecuteScalarAsync())! == 0)
        {
            return false;
        }
        command.CommandText = """SELECT count(*) FROM "__EFMigrationsLock" """;
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }

    /// <summary>Cancels <paramref name="stop"/> as soon as the row is there; ends when <paramref name="stop"/> is cancelled.</summary>
    public static async Task CancelWhenTakenAsync(string database, CancellationTokenSource stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (await ExistsAsync(database))
                {
                    await stop.CancelAsync();
                    return;
                }
            }
            catch (SqliteException)
            {
                // The file is being created or changes journal mode: look again.
            }
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(5), stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
