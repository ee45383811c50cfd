using Microsoft.Extensions.Primitives;

namespace Complaints.Gateway;

/// <summary>
/// The browser security headers every response gets, set once here for every process behind the gateway (and the
/// gateway's own answers: 429, 503 pages, health), just before the response starts:
/// <list type="bullet">
/// <item><c>Strict-Transport-Security</c> when the request came over TLS: to the gateway itself, or to the trusted proxy
/// in front of it (<c>X-Forwarded-Proto</c>, believed only from <see cref="ServiceDefaults.ForwardedHeadersExtensions"/>' proxies).
/// Never on plain HTTP, where browsers ignore it anyway and a local run must stay reachable.</item>
/// <item><c>X-Content-Type-Options: nosniff</c>, <c>Referrer-Policy: no-referrer</c> and <c>X-Frame-Options: DENY</c>,
/// replacing whatever the process sent (nothing the platform serves is framed or needs a referrer).</item>
/// <item><c>Content-Security-Policy: frame-ancestors 'none'</c> only when the response has no policy of its own: a
/// process's policy (the web app's, Identity's) is left exactly as it is, never replaced by a weaker one.</item>
/// </list>
/// </summary>
public static class SecurityHeadersExtensions
{
    /// <summary>One year; no includeSubDomains (the platform does not speak for other hosts under its domain).</summary>
    public const string StrictTransportSecurity = "max-age=31536000";

    public const string ReferrerPolicy = "no-referrer";

    public const string FrameAncestorsOnly = "frame-ancestors 'none'";

    /// <summary>After the forwarded headers (the scheme the client used) and before anything that may answer.</summary>
    public static WebApplication UseGatewaySecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                Apply((HttpContext)state);
                return Task.CompletedTask;
            }, context);
            return next(context);
        });
        return app;
    }

    private static void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        if (context.Request.IsHttps)
        {
            headers.StrictTransportSecurity = StrictTransportSecurity;
        }
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = ReferrerPolicy;
        headers.XFrameOptions = "DENY";
        if (StringValues.IsNullOrEmpty(headers.ContentSecurityPolicy))
        {
            headers.ContentSecurityPolicy = FrameAncestorsOnly;
        }
    }
}
