using Complaints.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Complaints.Web.Console;

/// <summary>
/// Staff sign in to the console through the platform's identity provider: OpenID Connect authorization code with PKCE,
/// as a confidential client. The web app is the backend-for-frontend: the tokens stay in its session store
/// (<see cref="SessionTicketStore"/>), the browser holds only the session cookie (HttpOnly, SameSite=Lax, path
/// /console), and every call to the contexts carries the signed-in staff member's own access token.
/// </summary>
public static class ConsoleAuthentication
{
    public const string CookieScheme = "console";
    public const string OidcScheme = "console-oidc";
    public const string CookieName = "console_session";

    /// <summary>Any staff role opens the console; each page and action asks for its own.</summary>
    public const string StaffPolicy = "console-staff";

    public const string BasePath = "/console";
    public const string CallbackPath = "/console/signin-oidc";
    public const string SignedOutCallbackPath = "/console/signout-callback-oidc";
    public const string SignedOutPath = "/console/signed-out";

    public static readonly string[] StaffRoles = [Roles.Agent, Roles.Supervisor, Roles.Admin, Roles.Analyst];

    public static WebApplicationBuilder AddConsoleAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ConsoleSettings>().BindConfiguration(ConsoleSettings.Section);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<SessionTicketStore>();
        builder.Services.AddSingleton<AccessTokenRefresh>();
        var auth = AuthSettings.From(builder.Configuration);
        var console = builder.Configuration.GetSection(ConsoleSettings.Section).Get<ConsoleSettings>() ?? new ConsoleSettings();
        if (auth.Authority is not { Length: > 0 } || console.ClientSecret is not { Length: > 0 })
        {
            // The portal runs without the console (tests, a portal-only deployment); in Production the console is part
            // of the product, so a missing setting stops the start, naming it.
            if (builder.Environment.IsProduction() && builder.Configuration.GetValue("Console:Enabled", true))
            {
                throw new InvalidOperationException(auth.Authority is not { Length: > 0 }
                    ? $"{AuthSettings.Section}:Authority (the identity provider's issuer) is required for the staff console; set Console:Enabled=false to run the portal alone."
                    : $"{ConsoleSettings.Section}:ClientSecret (the console's client secret at the identity provider) is required; set Console:Enabled=false to run the portal alone.");
            }
            builder.Services.AddAuthentication(CookieScheme).AddCookie(CookieScheme, o => o.Cookie.Name = CookieName);
            builder.Services.AddAuthorizationBuilder().AddPolicy(StaffPolicy, p => p.RequireAssertion(_ => false));
            return builder;
        }

        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieScheme;
                o.DefaultChallengeScheme = OidcScheme;
            })
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.Path = BasePath;
                o.Cookie.HttpOnly = true;
                // Lax, not Strict: the provider's redirect back (a top-level GET from the same site) must carry it.
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = console.IdleTimeout;
                o.SlidingExpiration = true;
                o.AccessDeniedPath = BasePath + "/denied";
            })
            .AddOpenIdConnect(OidcScheme, o =>
            {
                o.Authority = auth.Authority;
                o.MetadataAddress = auth.MetadataUri()!.ToString();
                o.RequireHttpsMetadata = auth.RequireHttpsMetadata ?? (builder.Environment.IsProduction() && auth.MetadataAddress is not { Length: > 0 });
                o.BackchannelHttpHandler = IdentityBackchannel.Create(auth);
                o.ClientId = console.ClientId;
                o.ClientSecret = console.ClientSecret;
                o.ResponseType = OpenIdConnectResponseType.Code;
                // A query, not a form post: the correlation cookies then need only SameSite=Lax, which works over plain
                // HTTP on a developer's loopback as well as behind TLS.
                o.ResponseMode = OpenIdConnectResponseMode.Query;
                o.UsePkce = true;
                o.CallbackPath = CallbackPath;
                o.SignedOutCallbackPath = SignedOutCallbackPath;
                o.SignedOutRedirectUri = SignedOutPath;
                o.SaveTokens = true;
                o.MapInboundClaims = false;
                o.GetClaimsFromUserInfoEndpoint = false;
                o.Scope.Clear();
                foreach (var scope in new[] { "openid", "profile", "email", "roles", "offline_access" })
                {
                    o.Scope.Add(scope);
                }
                o.TokenValidationParameters.NameClaimType = "name";
                o.TokenValidationParameters.RoleClaimType = "role";
                foreach (var cookie in new[] { o.CorrelationCookie, o.NonceCookie })
                {
                    cookie.Path = BasePath;
                    cookie.SameSite = SameSiteMode.Lax;
                    cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                }
                // The discovery document is read inside the network, so its endpoints may name the internal address:
                // the browser is sent to the same paths at the provider's public origin.
                var publicOrigin = new Uri(auth.Authority);
                o.Events.OnRedirectToIdentityProvider = context =>
                {
                    context.ProtocolMessage.IssuerAddress = PublicAddress(context.ProtocolMessage.IssuerAddress, publicOrigin);
                    return Task.CompletedTask;
                };
                o.Events.OnRedirectToIdentityProviderForSignOut = context =>
                {
                    context.ProtocolMessage.IssuerAddress = PublicAddress(context.ProtocolMessage.IssuerAddress, publicOrigin);
                    return Task.CompletedTask;
                };
            });
        builder.Services.AddOptions<CookieAuthenticationOptions>(CookieScheme).Configure<SessionTicketStore, AccessTokenRefresh>((o, store, refresh) =>
        {
            o.SessionStore = store;
            o.Events.OnValidatePrincipal = refresh.ValidateAsync;
        });
        builder.Services.AddAuthorizationBuilder().AddPolicy(StaffPolicy, p => p.RequireRole(StaffRoles));
        return builder;
    }

    private static string PublicAddress(string address, Uri publicOrigin) =>
        Uri.TryCreate(address, UriKind.Absolute, out var uri)
            ? new UriBuilder(uri) { Scheme = publicOrigin.Scheme, Host = publicOrigin.Host, Port = publicOrigin.Port }.Uri.ToString()
            : address;

    /// <summary>Signs out of the console and of the provider's session, then back to <see cref="SignedOutPath"/>.</summary>
    public static IResult SignOut() =>
        Results.SignOut(new AuthenticationProperties { RedirectUri = SignedOutPath }, [CookieScheme, OidcScheme]);
}
