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
        app.Use(async (context, next) =>
        {
            await next(context);
            if (context.GetForwarderErrorFeature() is null || context.Response.HasStarted || !IsBrowserPath(context.Request))
            {
                return;
            }
            await WriteSignInUnavailablePageAsync(context, "30");
        });
        return app;
    }

    /// <summary>The sign-in, authorisation and sign-out pages a browser visits.</summary>
    internal static bool IsBrowserPath(HttpRequest request) =>
        BrowserPaths.Any(p => request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>503, Retry-After and the page that says signing in is unavailable for now, in the reader's language.</summary>
    internal static Task WriteSignInUnavailablePageAsync(HttpContext context, string retryAfterSeconds)
    {
        var pages = context.RequestServices.GetRequiredService<IWebHostEnvironment>().ContentRootFileProvider;
        var page = pages.GetFileInfo($"ErrorPages/sign-in-unavailable.{Language(context.Request)}.html");
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = retryAfterSeconds;
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; frame-ancestors 'none'";
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.SendFileAsync(page);
    }

    /// <summary>The first of the reader's languages (by quality) that a page exists in; English otherwise.</summary>
    private static string Language(HttpRequest request) =>
        request.GetTypedHeaders().AcceptLanguage
            .OrderByDescending(l => l.Quality ?? 1)
            .Select(l => l.Value.Value?.Split('-')[0].ToLowerInvariant())
            .FirstOrDefault(l => l is not null && Languages.Contains(l)) ?? "en";
}
