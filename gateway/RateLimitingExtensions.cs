using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Complaints.Gateway;

/// <summary>
/// A global fixed window per client IP on the REST/gRPC-Web listener: <c>RateLimiting:PermitsPerMinute</c>
/// (default 600; 0 or less turns it off) per <c>RateLimiting:Window</c> (default one minute). Over the limit the
/// gateway answers 429 with Retry-After. Health probes and the h2c gRPC listener are not limited. The client IP is
/// the connection's address, or the forwarded one from a trusted proxy (<see cref="ForwardedHeadersExtensions"/>),
/// so clients behind an Ingress each get their own budget. Budgets are per gateway replica.
/// </summary>
public static class RateLimitingExtensions
{
    public const int DefaultPermitsPerMinute = 600;

    public static WebApplicationBuilder AddGatewayRateLimiting(this WebApplicationBuilder builder)
    {
        builder.Services.AddRateLimiter(_ => { });
        // Read from the built configuration (not the builder's), so every source, test hosts' included, applies.
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IConfiguration>((o, configuration) =>
        {
            var permits = configuration.GetValue("RateLimiting:PermitsPerMinute", DefaultPermitsPerMinute);
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
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (permits <= 0 || !context.IsRestListener() || context.Request.Path.StartsWithSegments("/health"))
                {
                    return RateLimitPartition.GetNoLimiter("unlimited");
                }
                var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = permits,
                    Window = window,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
        });
        return builder;
    }
}
