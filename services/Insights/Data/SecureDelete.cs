using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Complaints.Insights.Data;

/// <summary>
/// SQLite keeps deleted rows in free pages until they are reused: with secure_delete they are overwritten, so an
/// erased complainant's subtracted terms do not linger in the file.
/// </summary>
public sealed class SqliteSecureDelete : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (connection is Microsoft.Data.Sqlite.SqliteConnection)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA secure_delete = ON;";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static void Apply(DbConnection connection)
    {
        if (connection is Microsoft.Data.Sqlite.SqliteConnection)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA secure_delete = ON;";
            command.ExecuteNonQuery();
        }
    }
}
