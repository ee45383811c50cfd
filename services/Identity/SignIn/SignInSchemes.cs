using System.Security.Claims;
using Complaints.Identity.Accounts;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Complaints.Identity.SignIn;

/// <summary>
/// Identity's own cookies: the staff member's session with the provider (the authorize endpoint issues codes while it
/// lasts), and a five-minute pending sign-in between the password and the second factor (or its set-up).
/// </summary>
public static class SignInSchemes
{
    public const string Session = "identity-session";
    public const string Pending = "identity-pending";

    /// <summary>On a pending sign-in: "code" (enter the second factor) or "setup" (the role needs one set up first).</summary>
    public const string StageClaim = "stage";

    public static WebApplicationBuilder AddStaffSignIn(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication()
            .AddCookie(Session, o =>
            {
                o.Cookie.Name = "complaints.identity";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.LoginPath = "/account/sign-in";
                o.ReturnUrlParameter = "returnUrl";
                // As long as a refresh token: the session never outlives what it can renew.
                o.ExpireTimeSpan = IdentityExtensions.RefreshTokenLifetime;
                o.SlidingExpiration = false;
                // The account's security stamp, checked every Identity:SessionValidationInterval (forced sign-out, reset).
                o.Events.OnValidatePrincipal = SessionValidation.ValidateAsync;
            })
            .AddCookie(Pending, o =>
            {
                o.Cookie.Name = "complaints.identity.pending";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.LoginPath = "/account/sign-in";
                o.ReturnUrlParameter = "returnUrl";
                o.ExpireTimeSpan = TimeSpan.FromMinutes(5);
                o.SlidingExpiration = false;
            });
        builder.AddSessionValidation();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Session, p => p.AddAuthenticationSchemes(Session).RequireAuthenticatedUser());
        builder.Services.AddRazorPages(o =>
        {
            foreach (var page in new[] { "/Account/SignIn", "/Account/Code", "/Account/TwoFactorSetup", "/Account/SignedOut" })
            {
                o.Conventions.AllowAnonymousToPage(page);
            }
            // Password reset by email (PasswordReset/): open to all, like the sign-in.
            o.Conventions.AllowAnonymousToPage("/Account/ForgotPassword");
            o.Conventions.AllowAnonymousToPage("/Account/ResetPassword");
            // The staff member's own page: only with a session (otherwise the sign-in, then back).
            o.Conventions.AuthorizePage("/Account/SignedIn", Session);
        });
        builder.Services.AddSingleton<SecureCookies>();
        builder.Services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>>(sp => sp.GetRequiredService<SecureCookies>());
        builder.Services.AddSingleton<IPostConfigureOptions<AntiforgeryOptions>>(sp => sp.GetRequiredService<SecureCookies>());
        builder.Services.AddLocalization(o => o.ResourcesPath = "Resources");
        // Korean and Bulgarian written as text, not as numeric character references.
        builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        return builder;
    }

    public static WebApplication MapStaffSignIn(this WebApplication app)
    {
        app.UseRequestLocalization(o =>
        {
            string[] languages = ["en", "ko", "bg"];
            o.SetDefaultCulture("en").AddSupportedCultures(languages).AddSupportedUICultures(languages);
        });
        // TLS ends before Identity (the ingress, then the gateway over plain HTTP): with a public https issuer every
        // request reached it as https, which antiforgery's Secure cookie requires (SecureCookies).
        if (SecureCookies.HttpsIssuer(app.Configuration))
        {
            app.Use((http, next) =>
            {
                http.Request.Scheme = Uri.UriSchemeHttps;
                return next(http);
            });
        }
        // Nothing inline: every script and style is a file of this origin.
        app.Use((http, next) =>
        {
            if (http.Request.Path.StartsWithSegments("/account", StringComparison.Ordinal))
            {
                http.Response.Headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";
                http.Response.Headers.XContentTypeOptions = "nosniff";
            }
            return next(http);
        });
        // The stylesheet as endpoints (compressed, with ETags), open to all like the pages that use it.
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorPages();
        return app;
    }

    /// <summary>How the session was authenticated (RFC 8176 values): Identity's ID tokens carry them as <c>amr</c>.</summary>
    public const string MethodsClaim = Claims.AuthenticationMethodReference;

    private static readonly string[] PasswordOnly = ["pwd"];

    public static Task SignInSessionAsync(HttpContext http, StaffUser user) => SignInSessionAsync(http, user, PasswordOnly);

    public static Task SignInSessionAsync(HttpContext http, StaffUser user, IEnumerable<string> methods)
    {
        var principal = Principal(Session, user, stage: null, methods);
        // The session ends at its next check once the account's security stamp changes (forced sign-out, new password).
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(SessionValidation.StampClaim, user.SecurityStamp ?? ""));
        return http.SignInAsync(Session, principal);
    }

    public static Task SignInPendingAsync(HttpContext http, StaffUser user, string stage) => SignInPendingAsync(http, user, stage, PasswordOnly);

    public static Task SignInPendingAsync(HttpContext http, StaffUser user, string stage, IEnumerable<string> methods) =>
        http.SignInAsync(Pending, Principal(Pending, user, stage, methods));

    /// <summary>The second factor passed: the pending sign-in ends and the session starts, its methods plus the one-time code.</summary>
    public static async Task CompleteSecondFactorAsync(HttpContext http, StaffUser user)
    {
        var pending = await http.AuthenticateAsync(Pending);
        var methods = pending.Principal?.FindAll(MethodsClaim).Select(c => c.Value).ToList() ?? [.. PasswordOnly];
        await http.SignOutAsync(Pending);
        await SignInSessionAsync(http, user, methods.Append("otp").Append("mfa").Distinct(StringComparer.Ordinal));
    }

    /// <summary>The account a pending sign-in is for, at the given stage; null when there is none (or it expired).</summary>
    public static async Task<string?> PendingSubjectAsync(HttpContext http, string stage)
    {
        var result = await http.AuthenticateAsync(Pending);
        return result.Succeeded && result.Principal!.FindFirst(StageClaim)?.Value == stage ? result.Principal.FindFirst(Claims.Subject)?.Value : null;
    }

    private static ClaimsPrincipal Principal(string scheme, StaffUser user, string? stage, IEnumerable<string> methods)
    {
        var identity = new ClaimsIdentity(scheme, Claims.Subject, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, user.UserName!));
        if (stage is not null)
        {
            identity.AddClaim(new Claim(StageClaim, stage));
        }
        foreach (var method in methods)
        {
            identity.AddClaim(new Claim(MethodsClaim, method));
        }
        return new ClaimsPrincipal(identity);
    }
}
