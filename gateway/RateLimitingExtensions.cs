using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Complaints.Gateway;

/// <summary>
/// A global fixed window per client IP on the REST/gRPC-Web listener: <c>RateLimiting:PermitsPerMinute</c>
/// (default 600; 0 or less turns it off) per <c>RateLimiting:Window</c> (default one minute). Over the limit the
/// gateway answers 429 with Retry-After. Health probes and the h2c gRPC listener are not limited. The client IP is
/// the connection's address, or the forwarded one from a trusted proxy (<see cref="ForwardedHeadersExtensions"/>),
/// so clients behind an Ingress each get their own budget. Credential attempts (sign-in, second factor, token requests)
/// have their own smaller budget as well: <c>RateLimiting:SignIn:PermitsPerMinute</c> (default 20). Budgets are per
/// gateway replica; per-account lockout is Identity's own.
/// </summary>
public static class RateLimitingExtensions
{
    public const int DefaultPermitsPerMinute = 600;

    /// <summary>Password, code and token attempts per client per window: enough for a person, too few for guessing.</summary>
    public const int DefaultSignInPermitsPerMinute = 20;

    /// <summary>The requests that try a credential; the pages themselves (GET) and discovery are not counted here.</summary>
    private static readonly string[] SignInPaths = ["/account/sign-in", "/account/code", "/account/two-factor-setup", "/connect/token"];

    public static WebApplicationBuilder AddGatewayRateLimiting(this WebApplicationBuilder builder)
    {
        builder.Services.AddRateLimiter(_ => { });
        // Read from the built configuration (not the builder's), so every source, test hosts' included, applies.
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IConfiguration>((o, configuration) =>
        {
            var permits = configuration.GetValue("RateLimiting:PermitsPerMinute", DefaultPermitsPerMinute);
            var signInPermits = configuration.GetValue("RateLimiting:SignIn:PermitsPerMinute", DefaultSignInPermitsPerMinute);
            var window = configuration.GetValue("RateLimiting:Window", TimeSpan.FromMinutes(1));
            if (window <= TimeSpan.Zero)
            {
                throw new InvalidOperationException($"RateLimiting:Window must be positive, not {window}.");
            }
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, _) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter =
                        ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }
                return ValueTask.CompletedTask;
            };
            // Every policy is one more limiter in this chain; a request needs a permit from each.
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PerClient(permits, window, "all", _ => true),
                PerClient(signInPermits, window, "sign-in", IsSignInAttempt));
        });
        return builder;
    }

    /// <summary>A fixed window per client IP on the REST listener for the requests <paramref name="applies"/> selects.</summary>
    private static PartitionedRateLimiter<HttpContext> PerClient(int permits, TimeSpan window, string policy, Func<HttpContext, bool> applies) =>
        PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            if (permits <= 0 || !context.IsRestListener() || context.Request.Path.StartsWithSegments("/health") || !applies(context))
            {
                return RateLimitPartition.GetNoLimiter("unlimited");
            }
            var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            return RateLimitPartition.GetFixedWindowLimiter(policy + ":" + client, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = window,
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });

    private static bool IsSignInAttempt(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method)
        && SignInPaths.Any(p => context.Request.Path.Equals(p, StringComparison.OrdinalIgnoreCase));
}
