using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using StackExchange.Redis;

namespace Complaints.Gateway;

/// <summary>
/// The gateway's one rate-limiting mechanism. Each <see cref="RateLimitPolicy"/> is declared once in
/// <see cref="Policies"/>: a fixed window per client IP (the connection's address, or the forwarded one from a trusted
/// proxy, <see cref="ServiceDefaults.ForwardedHeadersExtensions"/>) for the requests it applies to: the general one on the
/// REST/gRPC-Web listener only, the budgets for credential attempts, submissions and follow attempts (paths a browser or
/// REST client posts to) on both listeners; health probes are never limited. A request needs a permit from every policy
/// that applies to it; over a limit the gateway answers 429 with Retry-After. The store is chosen once, for all policies: with
/// <c>ConnectionStrings:Redis</c> the replicas share each budget through Redis (<see cref="RedisRateLimitStore"/>),
/// without it each replica counts on its own. Redis unreachable: each policy's <see cref="WhenRedisDown"/> says what
/// happens (docs/decisions/0016). Per-account lockout is Identity's own.
/// </summary>
public static class RateLimitingExtensions
{
    public const int DefaultPermitsPerMinute = 600;

    /// <summary>Password, code and token attempts per client per window: enough for a person, too few for guessing.</summary>
    public const int DefaultSignInPermitsPerMinute = 20;

    /// <summary>
    /// Complaint submissions per client per window: far more than one person sends, few enough that a script cannot
    /// flood the handlers' queues from one address.
    /// </summary>
    public const int DefaultSubmitPermitsPerMinute = 10;

    /// <summary>
    /// Attempts to open a complaint with its reference and tracking token (and lost-token requests, which send an email)
    /// per client per window: a person following a few complaints, or several people behind one address, never come
    /// near it; a token guesser gets nowhere at this rate.
    /// </summary>
    public const int DefaultFollowPermitsPerMinute = 30;

    /// <summary>How long a client is told to wait when a policy that refuses without Redis meets Redis down.</summary>
    public static readonly TimeSpan RedisDownRetryAfter = TimeSpan.FromSeconds(10);

    /// <summary>The requests that try a credential or send a reset email; the pages themselves (GET) and discovery are not counted here.</summary>
    private static readonly string[] SignInPaths =
        ["/account/sign-in", "/account/code", "/account/two-factor-setup", "/account/forgot-password", "/account/reset-password", "/connect/token"];

    /// <summary>
    /// POSTs that anyone may make to put something in: a complaint (the portal's form and the REST API, JSON transcoding
    /// of SubmitComplaint), a suggestion, and an address to hear back about one.
    /// </summary>
    private static readonly string[] SubmitPaths = ["/submit", "/api/v1/complaints", "/suggestions", "/api/v1/suggestions", "/api/v1/suggestion-contacts"];

    /// <summary>
    /// POSTs that present a reference and a tracking token, or ask for a lost one: the portal's forms; the REST API's
    /// <c>/api/v1/complaints/{reference}/{action}</c> (track, access, contact, answers, documents, withdraw, reopen: every
    /// one of them checks the token) is matched by its shape.
    /// </summary>
    private static readonly string[] FollowPaths = ["/follow", "/follow/lost"];

    /// <summary>The gateway's own health endpoints, never limited (probes); any other path under /health is.</summary>
    private static readonly string[] HealthPaths = ["/health/live", "/health/ready"];

    /// <summary>
    /// Every policy of the gateway, in the order a request asks them for a permit. A later issue adds its policy here
    /// (and its configuration keys to docs/operations.md); nothing else changes.
    /// </summary>
    public static IReadOnlyList<RateLimitPolicy> Policies(IConfiguration configuration)
    {
        var window = configuration.GetValue("RateLimiting:Window", TimeSpan.FromMinutes(1));
        if (window <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"RateLimiting:Window must be positive, not {window}.");
        }
        return
        [
            new RateLimitPolicy(
                "all",
                configuration.GetValue("RateLimiting:PermitsPerMinute", DefaultPermitsPerMinute),
                window,
                _ => true,
                WhenRedisDown.CountPerReplica,
                RestListenerOnly: true),
            new RateLimitPolicy(
                "sign-in",
                configuration.GetValue("RateLimiting:SignIn:PermitsPerMinute", DefaultSignInPermitsPerMinute),
                window,
                IsSignInAttempt,
                WhenRedisDown.Refuse,
                // The sign-in pages answer on the h2c listener too (the ingress's grpc host passes any path).
                RestListenerOnly: false),
            new RateLimitPolicy(
                "submit",
                configuration.GetValue("RateLimiting:Submit:PermitsPerMinute", DefaultSubmitPermitsPerMinute),
                window,
                IsSubmission,
                // The front door stays open while Redis is down (decision 16): counted per replica meanwhile.
                WhenRedisDown.CountPerReplica,
                // The h2c listener routes these paths too; gRPC's SubmitComplaint (partners, h2c) is not counted here.
                RestListenerOnly: false),
            new RateLimitPolicy(
                "follow",
                configuration.GetValue("RateLimiting:Follow:PermitsPerMinute", DefaultFollowPermitsPerMinute),
                window,
                IsFollowAttempt,
                WhenRedisDown.CountPerReplica,
                RestListenerOnly: false),
        ];
    }

    public static WebApplicationBuilder AddGatewayRateLimiting(this WebApplicationBuilder builder)
    {
        builder.Services.AddRateLimiter(_ => { });
        // Read from the built configuration and container (not the builder's), so every source, test hosts' included,
        // applies; the multiplexer is the one AddOptionalRedis registered from ConnectionStrings:Redis, if any.
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IConfiguration, IServiceProvider>((o, configuration, services) =>
        {
            var policies = Policies(configuration);
            var redis = services.GetService<IConnectionMultiplexer>();
            IRateLimitStore store = redis is null
                ? new InProcessRateLimitStore()
                : new RedisRateLimitStore(redis, services.GetRequiredService<ILogger<RedisRateLimitStore>>());
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = OnRejectedAsync;
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(policies.Select(p => PerClient(p, store)).ToArray());
        });
        return builder;
    }

    /// <summary>The policy's fixed window per client IP on the REST listener, for the requests it applies to.</summary>
    private static PartitionedRateLimiter<HttpContext> PerClient(RateLimitPolicy policy, IRateLimitStore store) =>
        PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            if (policy.Permits <= 0 || (policy.RestListenerOnly && !context.IsRestListener())
                || IsHealthProbe(context) || !policy.AppliesTo(context))
            {
                return RateLimitPartition.GetNoLimiter("unlimited");
            }
            var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            return store.Partition(policy, client);
        });

    /// <summary>
    /// 429 with Retry-After over a limit; a request for the portal (the web app's pages and forms) gets the page that
    /// says to wait and send again, the others an empty body. A policy that refuses while Redis is unreachable answers
    /// 503 with Retry-After instead (the client did nothing wrong): the sign-in-unavailable page on the browser's
    /// sign-in pages.
    /// </summary>
    private static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
        if (context.Lease.TryGetMetadata(RedisRateLimitStore.Unavailable, out _))
        {
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            if (GatewayErrorPages.IsSignInBrowserPath(http.Request))
            {
                await GatewayErrorPages.WriteSignInUnavailablePageAsync(http, http.Response.Headers.RetryAfter.ToString());
            }
        }
        else if (GatewayErrorPages.IsPortalRequest(http))
        {
            await GatewayErrorPages.WriteTooManyRequestsPageAsync(http, http.Response.Headers.RetryAfter.ToString());
        }
    }

    private static bool IsSignInAttempt(HttpContext context) => IsPostTo(context, SignInPaths);

    private static bool IsSubmission(HttpContext context) => IsPostTo(context, SubmitPaths);

    private static bool IsFollowAttempt(HttpContext context) =>
        IsPostTo(context, FollowPaths) || (HttpMethods.IsPost(context.Request.Method) && IsComplainantAction(PathOf(context)));

    /// <summary><c>/api/v1/complaints/{reference}/{action}</c>: the REST API's calls that carry a tracking token.</summary>
    private static bool IsComplainantAction(string path)
    {
        var segments = path.Split('/');
        return segments.Length == 6 && segments[0].Length == 0
            && segments[1].Equals("api", StringComparison.OrdinalIgnoreCase)
            && segments[2].Equals("v1", StringComparison.OrdinalIgnoreCase)
            && segments[3].Equals("complaints", StringComparison.OrdinalIgnoreCase)
            && segments[4].Length > 0 && segments[5].Length > 0;
    }

    private static bool IsHealthProbe(HttpContext context) =>
        HealthPaths.Any(p => PathOf(context).Equals(p, StringComparison.OrdinalIgnoreCase));

    private static bool IsPostTo(HttpContext context, string[] paths) =>
        HttpMethods.IsPost(context.Request.Method) && PathOf(context) is var path
        && paths.Any(p => path.Equals(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>The path as routing sees it: routing ignores case and a trailing slash, so the matches do too.</summary>
    private static string PathOf(HttpContext context) => context.Request.Path.Value?.TrimEnd('/') ?? "";
}

/// <summary>What a policy does while Redis is configured but cannot be reached.</summary>
public enum WhenRedisDown
{
    /// <summary>Fail open, but not unbounded: each replica counts the policy on its own until Redis answers again.</summary>
    CountPerReplica,

    /// <summary>Fail closed: refuse with 503 and Retry-After until Redis answers again.</summary>
    Refuse,
}

/// <param name="Name">Part of the partition (and Redis) key; unique among the policies.</param>
/// <param name="Permits">Permits per client per <paramref name="Window"/>; 0 or less turns the policy off.</param>
/// <param name="AppliesTo">The requests the policy counts; the others do not need its permit.</param>
/// <param name="RedisDown">What happens while Redis is configured and unreachable.</param>
/// <param name="RestListenerOnly">Counted only on the REST listener (browsers, REST clients), not on h2c (gRPC partners).</param>
public sealed record RateLimitPolicy(string Name, int Permits, TimeSpan Window, Func<HttpContext, bool> AppliesTo, WhenRedisDown RedisDown, bool RestListenerOnly);

/// <summary>Where the budgets are counted; one for all policies, chosen at start.</summary>
public interface IRateLimitStore
{
    RateLimitPartition<string> Partition(RateLimitPolicy policy, string client);
}

/// <summary>Each replica counts on its own (no Redis configured).</summary>
public sealed class InProcessRateLimitStore : IRateLimitStore
{
    public RateLimitPartition<string> Partition(RateLimitPolicy policy, string client) =>
        RateLimitPartition.GetFixedWindowLimiter(policy.Name + ":" + client, _ => Options(policy));

    internal static FixedWindowRateLimiterOptions Options(RateLimitPolicy policy) => new()
    {
        PermitLimit = policy.Permits,
        Window = policy.Window,
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
