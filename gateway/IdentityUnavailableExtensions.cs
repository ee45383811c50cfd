using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Forwarder;

namespace Complaints.Gateway;

/// <summary>
/// When Identity cannot be reached, a browser on its way to a sign-in page gets a page that says so, in the reader's
/// language (en, ko, bg), with 503 and Retry-After, instead of an empty 502. Tokens already issued keep working at
/// the services meanwhile (they hold the keys); only signing in waits.
/// </summary>
public static class IdentityUnavailableExtensions
{
    private static readonly string[] Languages = ["en", "ko", "bg"];
    private static readonly string[] BrowserPaths = ["/account", "/connect/authorize", "/connect/endsession"];

    public static WebApplication UseIdentityUnavailablePage(this WebApplication app)
    {
        var pages = app.Environment.ContentRootFileProvider;
        app.Use(async (context, next) =>
        {
            await next(context);
            if (context.GetForwarderErrorFeature() is null || context.Response.HasStarted
                || !BrowserPaths.Any(p => context.Request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)))
            {
                return;
            }
            var page = pages.GetFileInfo($"ErrorPages/sign-in-unavailable.{Language(context.Request)}.html");
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "30";
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; frame-ancestors 'none'";
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.SendFileAsync(page);
        });
        return app;
    }

    /// <summary>The first of the reader's languages (by quality) that a page exists in; English otherwise.</summary>
    private static string Language(HttpRequest request) =>
        request.GetTypedHeaders().AcceptLanguage
            .OrderByDescending(l => l.Quality ?? 1)
            .Select(l => l.Value.Value?.Split('-')[0].ToLowerInvariant())
            .FirstOrDefault(l => l is not null && Languages.Contains(l)) ?? "en";
}
