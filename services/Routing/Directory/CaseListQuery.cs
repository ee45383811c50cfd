using System.Globalization;
using System.Security.Claims;
using System.Text;
using Complaints.Common.V1;
using Complaints.Routing.Data;
using Complaints.Routing.Domain;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Auth;
using Complaints.ServiceDefaults.Errors;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Routing.Directory;

/// <summary>
/// A queue, or the caller's own cases, with filters and keyset paging: soonest next deadline first (cases
/// without one last, oldest received first), then complaint id. The page token is the last row's key, so
/// rows changing between pages neither repeat nor skip the rows around them.
/// </summary>
public sealed class CaseListQuery(RoutingDbContext db, CaseAccess access, TimeProvider clock)
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 200;

    public async Task<ListCasesResponse> ListAsync(ListCasesRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var v = new Validator();
        if (request.PageSize < 0)
        {
            v.Add("pageSize", $"must be between 0 (default {DefaultPageSize}) and {MaxPageSize}");
        }
        if (request.BreachingWithinHours < 0)
        {
            v.Add("breachingWithinHours", "must not be negative");
        }
        if (!Enum.IsDefined(request.MinSeverity))
        {
            v.Add("minSeverity", "is not a severity");
        }
        if (!Enum.IsDefined(request.Confidential))
        {
            v.Add("confidential", "is not a confidential filter");
        }
        for (var i = 0; i < request.Statuses.Count; i++)
        {
            if (!Enum.IsDefined(request.Statuses[i]) || request.Statuses[i] == CaseStatus.Unspecified)
            {
                v.Add($"statuses[{i}]", "is not a case status");
            }
        }
        var after = PageKey.TryParse(request.PageToken, out var key) ? key : null;
        if (after is null && request.PageToken.Length > 0)
        {
            v.Add("pageToken", "is not a page token from a previous response");
        }
        v.ThrowIfInvalid();

        var viewer = await access.ViewerAsync(user, ct);
        var me = viewer.StaffId ?? "";
        var cases = db.Cases.AsNoTracking().VisibleTo(viewer);

        if (request.Mine || request.QueueId == "mine")
        {
            cases = cases.Where(c => c.AssigneeId == me);
        }
        else if (request.QueueId.Length > 0)
        {
            cases = cases.Where(c => c.QueueId == request.QueueId);
        }
        if (request.Statuses.Count > 0)
        {
            var statuses = request.Statuses.Select(s => (int)s).Distinct().ToList();
            cases = cases.Where(c => statuses.Contains(c.Status));
        }
        else if (!request.IncludeClosed)
        {
            var open = StaffDirectory.OpenStatusCodes.ToList();
            cases = cases.Where(c => open.Contains(c.Status));
        }
        if (request.MinSeverity != Severity.Unspecified)
        {
            var min = (int)request.MinSeverity;
            cases = cases.Where(c => c.Severity >= min);
        }
        if (request.BreachingWithinHours > 0)
        {
            var until = clock.GetUtcNow().AddHours(request.BreachingWithinHours);
            cases = cases.Where(c => c.NextDeadline != null && c.NextDeadline <= until);
        }
        cases = request.Confidential switch
        {
            ConfidentialFilter.Only => cases.Where(c => c.Confidential),
            ConfidentialFilter.Exclude => cases.Where(c => !c.Confidential),
            _ => cases,
        };
        if (after is { } k)
        {
            // The sort key is NextDeadline for cases with a deadline and ReceivedAt for the rest (which come after).
            cases = k.NoDeadline
                ? cases.Where(c => c.NextDeadline == null && (c.ReceivedAt > k.At || (c.ReceivedAt == k.At && c.ComplaintId.CompareTo(k.Id) > 0)))
                : cases.Where(c => c.NextDeadline == null || c.NextDeadline > k.At || (c.NextDeadline == k.At && c.ComplaintId.CompareTo(k.Id) > 0));
        }

        var size = request.PageSize == 0 ? DefaultPageSize : Math.Min(request.PageSize, MaxPageSize);
        var page = await cases
            .OrderBy(c => c.NextDeadline == null)
            .ThenBy(c => c.NextDeadline ?? c.ReceivedAt)
            .ThenBy(c => c.ComplaintId)
            .Take(size + 1)
            .ToListAsync(ct);
        var response = new ListCasesResponse();
        response.Cases.AddRange(page.Take(size).Select(CaseQueries.SummaryOf));
        if (page.Count > size)
        {
            var last = page[size - 1];
            response.NextPageToken = new PageKey(last.NextDeadline is null, last.NextDeadline ?? last.ReceivedAt, last.ComplaintId).Format();
        }
        return response;
    }

    /// <summary>The last row of a page: opaque to clients (base64url), not a secret (visibility is applied to every page).</summary>
    private sealed record PageKey(bool NoDeadline, DateTimeOffset At, Guid Id)
    {
        private const string Version = "1";

        public string Format() =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Join('|', Version, NoDeadline ? "n" : "d", At.UtcTicks.ToString(CultureInfo.InvariantCulture), Id.ToString("N"))))
                .TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static bool TryParse(string? token, out PageKey? key)
        {
            key = null;
            if (string.IsNullOrEmpty(token) || token.Length > 200)
            {
                return false;
            }
            try
            {
                var b64 = token.Replace('-', '+').Replace('_', '/');
                b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
                var parts = Encoding.UTF8.GetString(Convert.FromBase64String(b64)).Split('|');
                if (parts is [Version, "n" or "d", var ticks, var id]
                    && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var t)
                    && t >= DateTimeOffset.MinValue.UtcTicks && t <= DateTimeOffset.MaxValue.UtcTicks
                    && Guid.TryParseExact(id, "N", out var guid))
                {
                    key = new PageKey(parts[1] == "n", new DateTimeOffset(t, TimeSpan.Zero), guid);
                    return true;
                }
            }
            catch (FormatException)
            {
            }
            return false;
        }
    }
}
