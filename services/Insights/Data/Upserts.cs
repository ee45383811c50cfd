using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Insights.Data;

/// <summary>How an upsert combines a new value with the stored one.</summary>
public enum Combine
{
    /// <summary>stored + new: an increment.</summary>
    Add,
    /// <summary>min(stored, new): a first-seen day.</summary>
    Min,
    /// <summary>max(stored, new): a high-water mark.</summary>
    Max,
}

/// <summary>
/// Aggregate rows are changed in the database by one statement each (insert if missing, else stored = stored ⊕ new),
/// never read, changed in memory and written back: two replicas, or two feeds writing the same bucket, cannot lose
/// each other's increments (a read-modify-write without a concurrency token would, on SQL Server's read committed).
/// The statement runs in the caller's transaction, so a later query of the same unit of work sees it.
/// </summary>
public static class Upserts
{
    /// <summary>Rows per statement.</summary>
    private const int Chunk = 200;
    /// <summary>Parameters per statement: under SQL Server's 2,100 (and SQLite's 32,766).</summary>
    private const int MaxParameters = 2_000;

    /// <param name="table">The table (a name from the model, never user input).</param>
    /// <param name="keys">The columns of the primary key or a unique index.</param>
    /// <param name="value">The column combined with <paramref name="combine"/>.</param>
    /// <param name="rows">Key values in the order of <paramref name="keys"/>, then the value.</param>
    public static Task UpsertAsync(this InsightsDbContext db, string table, string[] keys, string value, Combine combine,
        IReadOnlyList<object[]> rows, CancellationToken ct) =>
        db.UpsertAsync(table, keys, [value], combine, rows, ct);

    /// <summary>The same with several value columns, each combined with <paramref name="combine"/>.</summary>
    /// <param name="rows">Key values in the order of <paramref name="keys"/>, then the values in the order of <paramref name="values"/>.</param>
    public static async Task UpsertAsync(this InsightsDbContext db, string table, string[] keys, string[] values, Combine combine,
        IReadOnlyList<object[]> rows, CancellationToken ct)
    {
        var columns = keys.Concat(values).ToArray();
        var sqlServer = db.Database.IsSqlServer();
        // One row per key: MERGE refuses a source that matches a target row twice.
        var merged = rows.GroupBy(r => string.Join('\u001f', r.Take(keys.Length)))
            .Select(g => g.Skip(1).Aggregate(g.First(), (a, b) =>
                [.. a.Take(keys.Length), .. Enumerable.Range(keys.Length, values.Length).Select(i => CombineValues(a[i], b[i], combine))]))
            .ToList();
        // On SQLite, integers are written as literals (numbers computed here: nothing to inject) and only the other
        // values are parameters: SQLite finds each bound parameter by a linear search of the statement's names, so a
        // wide row of parameters costs quadratic time. SQL Server keeps every value a parameter (one cached plan per
        // shape), within its limit of 2,100.
        static bool Literal(object value, bool sqlServer) => !sqlServer && value is long or int;
        var perRow = Math.Max(1, merged.Count == 0 ? 1 : merged.Max(r => r.Count(v => !Literal(v, sqlServer))));
        var chunk = Math.Max(1, Math.Min(Chunk, MaxParameters / perRow));
        foreach (var part in merged.Chunk(chunk))
        {
            var args = new List<object>(part.Length * perRow);
            var sql = new StringBuilder();
            foreach (var row in part)
            {
                sql.Append(sql.Length == 0 ? "(" : ", (");
                for (var i = 0; i < columns.Length; i++)
                {
                    sql.Append(i == 0 ? "" : ", ");
                    if (Literal(row[i], sqlServer))
                    {
                        sql.Append(Convert.ToInt64(row[i], CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sql.Append('{').Append(args.Count).Append('}');
                        args.Add(row[i]);
                    }
                }
                sql.Append(')');
            }
            var statement = sqlServer ? SqlServer(table, keys, values, columns, combine, sql.ToString()) : Sqlite(table, keys, values, columns, combine, sql.ToString());
            await db.Database.ExecuteSqlRawAsync(statement, args, ct);
        }
    }

    private static object CombineValues(object a, object b, Combine combine) =>
        combine switch
        {
            Combine.Add => Convert.ToInt64(a) + Convert.ToInt64(b),
            Combine.Min => Math.Min(Convert.ToInt64(a), Convert.ToInt64(b)),
            _ => Math.Max(Convert.ToInt64(a), Convert.ToInt64(b)),
        };

    private static string Sqlite(string table, string[] keys, string[] valueColumns, string[] columns, Combine combine, string values)
    {
        var set = string.Join(", ", valueColumns.Select(value => combine switch
        {
            Combine.Add => $"\"{value}\" = \"{value}\" + excluded.\"{value}\"",
            Combine.Min => $"\"{value}\" = min(\"{value}\", excluded.\"{value}\")",
            _ => $"\"{value}\" = max(\"{value}\", excluded.\"{value}\")",
        }));
        return $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES {values} " +
            $"ON CONFLICT ({string.Join(", ", keys.Select(c => $"\"{c}\""))}) DO UPDATE SET {set};";
    }

    private static string SqlServer(string table, string[] keys, string[] valueColumns, string[] columns, Combine combine, string values)
    {
        var set = string.Join(", ", valueColumns.Select(value => combine switch
        {
            Combine.Add => $"[{value}] = t.[{value}] + s.[{value}]",
            Combine.Min => $"[{value}] = CASE WHEN s.[{value}] < t.[{value}] THEN s.[{value}] ELSE t.[{value}] END",
            _ => $"[{value}] = CASE WHEN s.[{value}] > t.[{value}] THEN s.[{value}] ELSE t.[{value}] END",
        }));
        // HOLDLOCK: the key range stays locked from the match to the insert, so two writers cannot both insert.
        return $"MERGE [{table}] WITH (HOLDLOCK) AS t USING (VALUES {values}) AS s ({string.Join(", ", columns.Select(c => $"[{c}]"))}) " +
            $"ON {string.Join(" AND ", keys.Select(c => $"t.[{c}] = s.[{c}]"))} " +
            $"WHEN MATCHED THEN UPDATE SET {set} " +
            $"WHEN NOT MATCHED THEN INSERT ({string.Join(", ", columns.Select(c => $"[{c}]"))}) VALUES ({string.Join(", ", columns.Select(c => $"s.[{c}]"))});";
    }
}
