using System.Globalization;
using System.Linq.Expressions;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Complaints.Common.V1;
using Complaints.Routing.Data;
using Complaints.Routing.Domain;
using Complaints.Routing.Queues;
using Complaints.Routing.V1;
using Complaints.Routing.Watch;
using Complaints.ServiceDefaults.Auth;
using Complaints.ServiceDefaults.Errors;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Complaints.Routing.Directory;

/// <summary>
/// A queue, or the caller's own cases, with filters (<see cref="CaseQueueFilter"/>), an order, keyset paging and
/// faceted counters, all computed in the database. Each order ends with the complaint id and the page token is the
/// last row's key (with the order and a fingerprint of the filter), so rows changing between pages neither repeat nor
/// skip the rows around them.
/// </summary>
public sealed class CaseListQuery(RoutingDbContext db, CaseAccess access, TimeProvider clock, IOptions<ResolutionOptions> options)
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 200;

    public async Task<ListCasesResponse> ListAsync(ListCasesRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var v = new Validator();
        if (request.PageSize is < 0 or > 10_000)
        {
            v.Add("pageSize", $"must be between 0 (default {DefaultPageSize}) and {MaxPageSize} (more is read as {MaxPageSize})");
        }
        if (!Enum.IsDefined(request.Order))
        {
            v.Add("order", "is not a case order");
        }
        var filter = CaseQueueFilter.Parse(request.Filter, v, options.Value.MaxEscalationTier);
        var viewer = await access.ViewerAsync(user, ct);
        filter.EnsureConsistent(viewer.StaffId, v);
        var order = request.Order == CaseOrder.Unspecified ? CaseOrder.NearestDeadline : request.Order;
        var keys = Enum.IsDefined(order) ? KeysOf(order) : [];
        var fingerprint = Fingerprint(filter, order);
        Expression<Func<Case, bool>>? after = null;
        if (request.PageToken.Length > 0 && v.IsValid)
        {
            var values = PageToken.Parse(request.PageToken, fingerprint, keys.Count, out var problem);
            after = values is null ? null : Keyset.After(keys, values);
            if (after is null)
            {
                v.Add("pageToken", problem ?? "is not a page token from a previous response");
            }
        }
        v.ThrowIfInvalid();

        // Read before the list: a change committed meanwhile is watched again rather than missed.
        var position = await CaseRevisions.PositionAsync(db, ct);
        var now = clock.GetUtcNow();
        var me = viewer.StaffId;
        var visible = db.Cases.AsNoTracking().VisibleTo(viewer);
        var cases = filter.Apply(visible, me, now);
        if (after is not null)
        {
            cases = cases.Where(after);
        }
        var size = request.PageSize == 0 ? DefaultPageSize : Math.Min(request.PageSize, MaxPageSize);
        var ordered = keys[0].OrderFirst(cases);
        foreach (var key in keys.Skip(1))
        {
            ordered = key.OrderNext(ordered);
        }
        var page = await ordered.Take(size + 1).ToListAsync(ct);

        var response = new ListCasesResponse
        {
            ResumeToken = CaseRevisions.Token(position),
            TotalCount = await filter.Apply(visible, me, now).CountAsync(ct),
            Counts = await CountAsync(filter, visible, me, now, ct),
        };
        response.Cases.AddRange(await CaseQueries.SummariesAsync(db, page.Take(size).ToList(), ct));
        if (page.Count > size)
        {
            var last = page[size - 1];
            response.NextPageToken = PageToken.Format(fingerprint, keys.Select(k => k.Read(last)));
        }
        return response;
    }

    /// <summary>Each dimension counted over the cases every other filter selects (faceted), visible to the caller only.</summary>
    private async Task<CaseCounts> CountAsync(CaseQueueFilter filter, IQueryable<Case> visible, string? me, DateTimeOffset now, CancellationToken ct)
    {
        IQueryable<Case> Without(CaseFacet facet) => filter.Apply(visible, me, now, except: facet);

        async Task<List<(int Key, int Count)>> ByAsync(IQueryable<Case> rows, Expression<Func<Case, int>> key) =>
            (await rows.GroupBy(key).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
                .Select(x => (x.Key, x.Count)).OrderBy(x => x.Key).ToList();

        var statusRows = Without(CaseFacet.Status);
        if (filter.StatusCounterDomain is { } domain)
        {
            var statuses = domain.ToList();
            statusRows = statusRows.Where(c => statuses.Contains(c.Status));
        }
        var counts = new CaseCounts { BreachingSoonHours = filter.BreachingSoonHours };
        counts.Statuses.AddRange((await ByAsync(statusRows, c => c.Status)).Select(x => new StatusCount { Status = (CaseStatus)x.Key, Count = x.Count }));
        counts.Severities.AddRange((await ByAsync(Without(CaseFacet.Severity), c => c.Severity)).Select(x => new SeverityCount { Severity = (Severity)x.Key, Count = x.Count }));
        counts.EscalationTiers.AddRange((await ByAsync(Without(CaseFacet.EscalationTier), c => c.EscalationTier)).Select(x => new EscalationTierCount { Tier = x.Key, Count = x.Count }));
        counts.Channels.AddRange((await ByAsync(Without(CaseFacet.Channel), c => c.Channel)).Select(x => new ChannelCount { Channel = (Channel)x.Key, Count = x.Count }));
        counts.Jurisdictions.AddRange((await ByAsync(Without(CaseFacet.Jurisdiction), c => c.Jurisdiction)).Select(x => new JurisdictionCount { Jurisdiction = (Jurisdiction)x.Key, Count = x.Count }));
        var confidential = await ByAsync(Without(CaseFacet.Confidential), c => c.Confidential ? 1 : 0);
        counts.Confidential = confidential.Where(x => x.Key == 1).Sum(x => x.Count);
        counts.NotConfidential = confidential.Where(x => x.Key == 0).Sum(x => x.Count);
        counts.BreachingSoon = await Without(CaseFacet.BreachingSoon).Where(CaseQueueFilter.BreachingBy<Case>(now.AddHours(filter.BreachingSoonHours))).CountAsync(ct);
        counts.AwaitingApproval = await Without(CaseFacet.AwaitingApproval).CountAsync(c => c.AwaitingApproval, ct);
        return counts;
    }

    private static string Fingerprint(CaseQueueFilter filter, CaseOrder order) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{(int)order}|{filter.Canonical}")), 0, 8);

    // Nulls last without a second key: a case with no running deadline sorts as if due at the end of time.
    private static readonly Expression<Func<Case, DateTimeOffset>> Deadline = c => c.NextDeadline ?? DateTimeOffset.MaxValue;

    private static List<Keyset.Key> KeysOf(CaseOrder order) => order switch
    {
        CaseOrder.Newest => [Keyset.Time(c => c.ReceivedAt, descending: true), Keyset.Id(descending: true)],
        CaseOrder.Oldest => [Keyset.Time(c => c.ReceivedAt), Keyset.Id()],
        CaseOrder.Severity => [Keyset.Number(c => c.Severity, descending: true), Keyset.Time(Deadline), Keyset.Time(c => c.ReceivedAt), Keyset.Id()],
        _ => [Keyset.Time(Deadline), Keyset.Time(c => c.ReceivedAt), Keyset.Id()],
    };

    /// <summary>The last row's keys, the order and the filter's fingerprint: opaque to clients (base64url), not a secret (visibility applies to every page).</summary>
    private static class PageToken
    {
        private const string Version = "2";

        public static string Format(string fingerprint, IEnumerable<string> values) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Join('|', [Version, fingerprint, .. values])))
                .TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static string[]? Parse(string token, string fingerprint, int keys, out string? problem)
        {
            problem = "is not a page token from a previous response";
            if (token.Length > 400)
            {
                return null;
            }
            try
            {
                var b64 = token.Replace('-', '+').Replace('_', '/');
                b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
                var parts = Encoding.UTF8.GetString(Convert.FromBase64String(b64)).Split('|');
                if (parts.Length != keys + 2 || parts[0] != Version)
                {
                    return null;
                }
                if (parts[1] != fingerprint)
                {
                    problem = "was given for another filter or order: repeat the first request's filter and order, or start again without a page token";
                    return null;
                }
                problem = null;
                return parts[2..];
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }
}

/// <summary>Keyset paging over cases: an ordered list of keys, each with its direction, and "after this row" as one predicate.</summary>
public static class Keyset
{
    public abstract class Key
    {
        public abstract IOrderedQueryable<Case> OrderFirst(IQueryable<Case> rows);
        public abstract IOrderedQueryable<Case> OrderNext(IOrderedQueryable<Case> rows);
        public abstract string Read(Case c);

        /// <summary>(key == value, key beyond value in the key's direction); null when the value does not parse.</summary>
        public abstract (Expression Equal, Expression Beyond)? Compare(ParameterExpression row, string value);
    }

    public static Key Time(Expression<Func<Case, DateTimeOffset>> selector, bool descending = false) =>
        new Typed<DateTimeOffset>(selector, descending, t => t.UtcTicks.ToString(CultureInfo.InvariantCulture),
            s => long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var t) && t >= DateTimeOffset.MinValue.UtcTicks && t <= DateTimeOffset.MaxValue.UtcTicks
                ? new DateTimeOffset(t, TimeSpan.Zero) : null);

    public static Key Number(Expression<Func<Case, int>> selector, bool descending = false) =>
        new Typed<int>(selector, descending, n => n.ToString(CultureInfo.InvariantCulture),
            s => int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null);

    /// <summary>The complaint id: the last key of every order, so no two rows tie.</summary>
    public static Key Id(bool descending = false) =>
        new Typed<Guid>(c => c.ComplaintId, descending, g => g.ToString("N"), s => Guid.TryParseExact(s, "N", out var g) ? g : null);

    /// <summary>
    /// The rows after <paramref name="values"/> (the last row's keys): OR over i of (keys before i equal, key i beyond);
    /// null when a value does not parse.
    /// </summary>
    public static Expression<Func<Case, bool>>? After(IReadOnlyList<Key> keys, IReadOnlyList<string> values)
    {
        var row = Expression.Parameter(typeof(Case), "c");
        Expression? any = null;
        Expression equalSoFar = Expression.Constant(true);
        for (var i = 0; i < keys.Count; i++)
        {
            if (keys[i].Compare(row, values[i]) is not var (equal, beyond))
            {
                return null;
            }
            var clause = i == 0 ? beyond : Expression.AndAlso(equalSoFar, beyond);
            any = any is null ? clause : Expression.OrElse(any, clause);
            equalSoFar = i == 0 ? equal : Expression.AndAlso(equalSoFar, equal);
        }
        return Expression.Lambda<Func<Case, bool>>(any!, row);
    }

    private sealed class Typed<TValue>(Expression<Func<Case, TValue>> selector, bool descending, Func<TValue, string> format, Func<string, TValue?> parse) : Key
        where TValue : struct
    {
        private readonly Func<Case, TValue> _read = selector.Compile();

        public override IOrderedQueryable<Case> OrderFirst(IQueryable<Case> rows) => descending ? rows.OrderByDescending(selector) : rows.OrderBy(selector);

        public override IOrderedQueryable<Case> OrderNext(IOrderedQueryable<Case> rows) => descending ? rows.ThenByDescending(selector) : rows.ThenBy(selector);

        public override string Read(Case c) => format(_read(c));

        public override (Expression Equal, Expression Beyond)? Compare(ParameterExpression row, string value)
        {
            if (parse(value) is not { } parsed)
            {
                return null;
            }
            var key = new ParameterReplacer(selector.Parameters[0], row).Visit(selector.Body);
            // A captured value, so the database sees a parameter, not a literal.
            var constant = Expression.Property(Expression.Constant(new Box(parsed)), nameof(Box.Value));
            Expression sign = typeof(TValue) == typeof(Guid)
                ? Expression.Call(key, typeof(Guid).GetMethod(nameof(Guid.CompareTo), [typeof(Guid)])!, constant)
                : key;
            Expression other = typeof(TValue) == typeof(Guid) ? Expression.Constant(0) : constant;
            return (Expression.Equal(key, constant), descending ? Expression.LessThan(sign, other) : Expression.GreaterThan(sign, other));
        }

        private sealed class Box(TValue value)
        {
            public TValue Value { get; } = value;
        }
    }

    private sealed class ParameterReplacer(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
