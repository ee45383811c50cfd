using Microsoft.AspNetCore.Localization;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Complaints.Gateway;

/// <summary>
/// The gateway's own pages for browsers, in the reader's language (en, ko, bg). When the process behind a page cannot
/// be reached, the browser gets a page that says so, with 503 and Retry-After, instead of YARP's empty 502: the
/// portal's pages when the web app is down, the sign-in pages when Identity is. Tokens already issued keep working at
/// the services meanwhile (they hold the keys); only signing in waits. A portal request refused by a rate limit gets a
/// page too (429, <see cref="RateLimitingExtensions"/>). The pages and their stylesheet are the gateway's own files
/// (<c>ErrorPages/</c>), served without the process that is down.
/// </summary>
public static class GatewayErrorPages
{
    /// <summary>Where the pages' stylesheet is served: a path of the gateway's own, outside the web app's.</summary>
    public const string StylesheetPath = "/_gateway/unavailable.css";

    public const string RetryAfterSeconds = "30";

    private static readonly string[] Languages = ["en", "ko", "bg"];

    /// <summary>The portal's language switch (services/Web, <c>PortalCultures.CookieName</c>): it wins over Accept-Language there.</summary>
    private const string PortalLanguageCookie = "portal_language";
    private static readonly string[] SignInBrowserPaths = ["/account", "/connect/authorize", "/connect/endsession"];

    /// <summary>
    /// The forwarder errors that mean the destination could not be asked (refused, unreachable, timed out, none left);
    /// not a client's error such as a body over its limit (413), which keeps its own answer.
    /// </summary>
    private static readonly ForwarderError[] DestinationUnavailable =
        [ForwarderError.Request, ForwarderError.RequestTimedOut, ForwarderError.NoAvailableDestinations];

    public static WebApplication UseGatewayErrorPages(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            await next(context);
            if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested
                || context.GetForwarderErrorFeature() is not { } error || !DestinationUnavailable.Contains(error.Error))
            {
                return;
            }
            if (IsPortalRequest(context))
            {
                await WritePageAsync(context, "portal-unavailable", StatusCodes.Status503ServiceUnavailable, RetryAfterSeconds);
            }
            else if (IsSignInBrowserPath(context.Request))
            {
                await WriteSignInUnavailablePageAsync(context, RetryAfterSeconds);
            }
        });
        app.MapGet(StylesheetPath, (HttpContext context) =>
        {
            var file = context.RequestServices.GetRequiredService<IWebHostEnvironment>().ContentRootFileProvider.GetFileInfo("ErrorPages/unavailable.css");
            context.Response.Headers.CacheControl = "public, max-age=3600";
            context.Response.ContentType = "text/css; charset=utf-8";
            return context.Response.SendFileAsync(file);
        });
        return app;
    }

    /// <summary>The sign-in, authorisation and sign-out pages a browser visits.</summary>
    internal static bool IsSignInBrowserPath(HttpRequest request) =>
        SignInBrowserPaths.Any(p => request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>503, Retry-After and the page that says signing in is unavailable for now, in the reader's language.</summary>
    internal static Task WriteSignInUnavailablePageAsync(HttpContext context, string retryAfterSeconds) =>
        WritePageAsync(context, "sign-in-unavailable", StatusCodes.Status503ServiceUnavailable, retryAfterSeconds);

    /// <summary>429, Retry-After and the page that says to wait and send again, in the reader's language.</summary>
    internal static Task WriteTooManyRequestsPageAsync(HttpContext context, string retryAfterSeconds) =>
        WritePageAsync(context, "too-many-requests", StatusCodes.Status429TooManyRequests, retryAfterSeconds);

    /// <summary>Routed to the web app (the portal's pages, its forms and files).</summary>
    internal static bool IsPortalRequest(HttpContext context) => ClusterOf(context) == ProxyExtensions.WebCluster;

    /// <summary>The YARP cluster the request was routed to (endpoint routing has chosen it before any middleware here).</summary>
    internal static string? ClusterOf(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Config.ClusterId;

    private static Task WritePageAsync(HttpContext context, string name, int status, string retryAfterSeconds)
    {
        var pages = context.RequestServices.GetRequiredService<IWebHostEnvironment>().ContentRootFileProvider;
        var page = pages.GetFileInfo($"ErrorPages/{name}.{Language(context)}.html");
        context.Response.Clear();
        context.Response.StatusCode = status;
        if (retryAfterSeconds.Length > 0)
        {
            context.Response.Headers.RetryAfter = retryAfterSeconds;
        }
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; frame-ancestors 'none'";
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.SendFileAsync(page);
    }

    /// <summary>
    /// The language the portal would show (on its requests, the one chosen with its switch), else the first of the
    /// reader's Accept-Language languages (by quality) that a page exists in; English otherwise.
    /// </summary>
    private static string Language(HttpContext context)
    {
        if (IsPortalRequest(context) && context.Request.Cookies[PortalLanguageCookie] is { } cookie
            && CookieRequestCultureProvider.ParseCookieValue(cookie)?.UICultures.FirstOrDefault().Value is { } chosen
            && Languages.Contains(chosen))
        {
            return chosen;
        }
        return context.Request.GetTypedHeaders().AcceptLanguage
            .OrderByDescending(l => l.Quality ?? 1)
            .Select(l => l.Value.Value?.Split('-')[0].ToLowerInvariant())
            .FirstOrDefault(l => l is not null && Languages.Contains(l)) ?? "en";
    }
}
