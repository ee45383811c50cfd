using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace Complaints.Web.Portal;

/// <summary>
/// The portal's languages: chosen from the browser's Accept-Language, then kept by the visible switch in a cookie.
/// Adding a language means adding its Texts.{culture}.resx and listing it here.
/// </summary>
public static class PortalCultures
{
    public static readonly IReadOnlyList<string> Supported = ["en", "ko", "bg"];

    public const string CookieName = "portal_language";

    /// <summary>The page's language ("en", "ko", "bg"), for <c>lang</c> and for choosing texts.</summary>
    public static string Current => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName is var name && Supported.Contains(name) ? name : "en";

    public static string NativeName(string culture) => culture switch
    {
        "ko" => "한국어",
        "bg" => "Български",
        _ => "English",
    };

    public static string SwitchUrl(string culture, string returnUrl, string prefix = "") =>
        $"{prefix}/language/{culture}?returnUrl={Uri.EscapeDataString(returnUrl)}";

    public static RequestLocalizationOptions Options()
    {
        var cultures = Supported.Select(c => new CultureInfo(c)).ToList();
        var options = new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture("en"),
            SupportedCultures = cultures,
            SupportedUICultures = cultures,
            // "ko-KR" in Accept-Language picks "ko".
            FallBackToParentCultures = true,
            FallBackToParentUICultures = true,
        };
        options.RequestCultureProviders =
        [
            // A signed-in staff member's profile language (the console's ID token "locale"); the portal has no user.
            new CustomRequestCultureProvider(context => Task.FromResult(
                context.User.FindFirst("locale")?.Value is { Length: > 0 } locale && Supported.Contains(locale)
                    ? new ProviderCultureResult(locale)
                    : null)),
            new CookieRequestCultureProvider { CookieName = CookieName },
            new AcceptLanguageHeaderRequestCultureProvider(),
        ];
        return options;
    }

    /// <summary>Only paths on this site: never an open redirect.</summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : "/";

    public static IEndpointRouteBuilder MapLanguageSwitch(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/language/{culture}", (string culture, string? returnUrl, HttpContext context) =>
        {
            if (!Supported.Contains(culture))
            {
                return Results.NotFound();
            }
            Remember(context, culture);
            return Results.Redirect(SafeReturnUrl(returnUrl));
        });
        return endpoints;
    }

    /// <summary>Keeps the chosen language for the next visits (a cookie of its own, not a session).</summary>
    public static void Remember(HttpContext context, string culture) =>
        context.Response.Cookies.Append(CookieName, CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)), new CookieOptions
        {
            MaxAge = TimeSpan.FromDays(365),
            HttpOnly = true,
            IsEssential = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
        });
}
