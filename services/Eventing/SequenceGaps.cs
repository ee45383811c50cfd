namespace Complaints.Eventing;

/// <summary>
/// Reading a sequence the database assigns on insert (AUTOINCREMENT, IDENTITY) in order. A gap may be a transaction
/// still committing (SQL Server takes identity values before commit): a reader stops before it and looks again, for
/// <paramref name="grace"/> after it first saw that gap; then the gap is taken for a rolled-back write and passed.
/// SQLite never leaves gaps. One instance per reader (it remembers the gap it is waiting on).
/// </summary>
public sealed class SequenceGaps(TimeSpan grace, TimeProvider clock)
{
    private (long Expected, DateTimeOffset Since)? _gap;

    /// <summary>
    /// The rows (ordered by sequence, all after <paramref name="after"/>) that may be read now, and whether the reader
    /// stopped at a gap (then it should look again soon rather than wait for its slow poll).
    /// </summary>
    public (List<T> Rows, bool Waiting) Readable<T>(List<T> rows, long after, Func<T, long> sequence)
    {
        var expected = after + 1;
        for (var i = 0; i < rows.Count; i++)
        {
            if (sequence(rows[i]) != expected)
            {
                var now = clock.GetUtcNow();
                _gap = _gap?.Expected == expected ? _gap : (expected, now);
                if (now - _gap.Value.Since >= grace)
                {
                    // Waited long enough: a rolled-back write, not a slow commit.
                    _gap = null;
                    return (rows, false);
                }
                return (rows[..i], true);
            }
            expected = sequence(rows[i]) + 1;
        }
        return (rows, false);
    }
}
