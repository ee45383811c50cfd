using System.Globalization;
using Complaints.Routing.Data;
using Complaints.ServiceDefaults.Errors;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Routing.Watch;

/// <summary>Positions in the revision log (<see cref="CaseRevision"/>) as queue resume tokens: "q" and the sequence.</summary>
public static class CaseRevisions
{
    public static async Task<long> PositionAsync(RoutingDbContext db, CancellationToken ct) =>
        await db.Revisions.MaxAsync(r => (long?)r.Seq, ct) ?? 0;

    public static string Token(long seq) => "q" + seq.ToString(CultureInfo.InvariantCulture);

    /// <summary>Null for "" (from now); else the position, or a violation naming resumeToken.</summary>
    public static long? Parse(string? token, Validator v)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return null;
        }
        var text = token.Trim();
        if (text.Length > 1 && text[0] == 'q' && long.TryParse(text.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            return seq;
        }
        v.Add("resumeToken", "must be the resume_token of ListCases or of an earlier change of WatchCases, or empty to start from now");
        return null;
    }
}
