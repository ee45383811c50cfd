using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth.Claims;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Complaints.Identity.External;

/// <summary>
/// Sign-in through external OpenID Connect providers with ASP.NET Core's OpenID Connect handler (decision 14): one
/// authentication scheme per configured provider, registered from the final configuration (test hosts and late sources
/// included). The handler runs the code flow with PKCE, validates the ID token against the provider's keys, and signs
/// a short-lived <see cref="Scheme"/> cookie holding only what the platform needs (<see cref="ExternalIdentity"/>);
/// the page at <c>/account/external</c> then links the account and starts the staff session.
/// </summary>
public static class ExternalSignInSetup
{
    /// <summary>Five minutes between the provider's callback and the account being resolved.</summary>
    public const string Scheme = "identity-external";

    public static WebApplicationBuilder AddExternalSignIn(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ExternalProviders>()
            .Configure<IConfiguration>((o, configuration) => o.Set(ExternalProviders.Load(configuration)))
            .ValidateOnStart(); // A bad entry (a mapping to service, a missing client id) stops the start, naming its key.
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<ExternalProviders>>().Value);
        builder.Services.AddScoped<ExternalSignIn>();
        builder.Services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = "complaints.identity.external";
            o.Cookie.HttpOnly = true;
            // Set by the callback of a cross-site navigation and read on the redirect that follows it.
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.ExpireTimeSpan = TimeSpan.FromMinutes(5);
            o.SlidingExpiration = false;
        });
        builder.Services.AddOptions<AuthenticationOptions>().Configure<ExternalProviders>((o, providers) =>
        {
            foreach (var provider in providers.All)
            {
                o.AddScheme(provider.Scheme, s =>
                {
                    s.HandlerType = typeof(OpenIdConnectHandler);
                    s.DisplayName = provider.DisplayName;
                });
            }
        });
        builder.Services.AddSingleton<IConfigureOptions<OpenIdConnectOptions>, ConfigureProvider>();
        // What AddOpenIdConnect registers: the handler's defaults (configuration manager, backchannel) and its checks.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OpenIdConnectOptions>, OpenIdConnectPostConfigureOptions>());
        builder.Services.AddSingleton<IValidateOptions<OpenIdConnectOptions>, ValidateProvider>();
        return builder;
    }

    /// <summary>The handler's options for the scheme of one configured provider.</summary>
    private sealed class ConfigureProvider(ExternalProviders providers, IConfiguration configuration, ILoggerFactory loggers)
        : IConfigureNamedOptions<OpenIdConnectOptions>
    {
        public void Configure(OpenIdConnectOptions options) => Configure(Options.DefaultName, options);

        public void Configure(string? name, OpenIdConnectOptions options)
        {
            if (providers.All.FirstOrDefault(p => p.Scheme == name) is not { } provider)
            {
                return;
            }
            var logger = loggers.CreateLogger("Complaints.Identity.External");
            options.Authority = provider.Issuer.AbsoluteUri;
            options.RequireHttpsMetadata = provider.Issuer.Scheme == Uri.UriSchemeHttps;
            options.ClientId = provider.ClientId;
            options.ClientSecret = provider.ClientSecret;
            options.ResponseType = OpenIdConnectResponseType.Code;
            options.ResponseMode = OpenIdConnectResponseMode.Query;
            options.UsePkce = true;
            options.Scope.Clear();
            foreach (var scope in provider.Scopes)
            {
                options.Scope.Add(scope);
            }
            options.CallbackPath = provider.CallbackPath;
            options.RemoteSignOutPath = provider.CallbackPath + "/remote-sign-out";
            options.SignedOutCallbackPath = provider.CallbackPath + "/signed-out";
            options.SignInScheme = Scheme;
            // The provider's claim names as they are (sub, roles, amr), not .NET's long URIs.
            options.MapInboundClaims = false;
            options.GetClaimsFromUserInfoEndpoint = provider.UserInfo;
            if (provider.UserInfo)
            {
                options.ClaimActions.Add(new PathClaimAction(provider.RoleClaim));
                options.ClaimActions.Add(new PathClaimAction(provider.EmailVerifiedClaim));
            }
            options.SaveTokens = false;
            options.DisableTelemetry = true;
            options.Events = new OpenIdConnectEvents
            {
                OnRedirectToIdentityProvider = context =>
                {
                    // Behind the gateway the request's host is Identity's own: the callback is named by the public issuer.
                    if (configuration["Identity:Issuer"] is { Length: > 0 } issuer)
                    {
                        context.ProtocolMessage.RedirectUri = new Uri(new Uri(issuer, UriKind.Absolute), provider.CallbackPath.TrimStart('/')).AbsoluteUri;
                    }
                    context.ProtocolMessage.UiLocales = CultureInfo.CurrentUICulture.Name;
                    return Task.CompletedTask;
                },
                OnTicketReceived = context =>
                {
                    // Only what the platform needs goes into the short cookie; roles are mapped here, once.
                    context.Principal = ExternalIdentity.From(provider, context.Principal!).ToPrincipal(Scheme);
                    return Task.CompletedTask;
                },
                OnRemoteFailure = context =>
                {
                    // No stack trace page: the sign-in page explains, and the log says why (never the claims).
                    logger.LogWarning("External sign-in with {Provider} failed: {Reason}", provider.Name, context.Failure?.Message);
                    context.Response.Redirect(FinishPath(context.Properties));
                    context.HandleResponse();
                    return Task.CompletedTask;
                },
                OnAccessDenied = context =>
                {
                    context.Response.Redirect(FinishPath(context.Properties));
                    context.HandleResponse();
                    return Task.CompletedTask;
                },
            };
        }

        /// <summary>Back to the finishing page (which, with no external identity, says the sign-in did not complete).</summary>
        private static string FinishPath(AuthenticationProperties? properties) =>
            properties?.RedirectUri is { } uri && uri.StartsWith("/account/external", StringComparison.Ordinal) ? uri : "/account/external";
    }

    private sealed class ValidateProvider(ExternalProviders providers) : IValidateOptions<OpenIdConnectOptions>
    {
        public ValidateOptionsResult Validate(string? name, OpenIdConnectOptions options)
        {
            if (name is not null && providers.All.Any(p => p.Scheme == name))
            {
                options.Validate(name);
            }
            return ValidateOptionsResult.Success;
        }
    }

    /// <summary>A value from the userinfo answer at a (dotted) path, as claims of that path's name.</summary>
    private sealed class PathClaimAction(string path) : ClaimAction(path, ClaimValueTypes.String)
    {
        public override void Run(System.Text.Json.JsonElement userData, ClaimsIdentity identity, string issuer)
        {
            foreach (var value in ExternalClaims.Values(userData, ClaimType))
            {
                if (!identity.HasClaim(ClaimType, value))
                {
                    identity.AddClaim(new Claim(ClaimType, value, ClaimValueTypes.String, issuer));
                }
            }
        }
    }
}

/// <summary>
/// What an external sign-in established, mapped once at the callback: the provider, the person there (issuer and
/// subject), the staff ID a provisioned account would get, the email and whether the provider verified it, the
/// authentication methods (<c>amr</c>) and the staff roles the mapping gives.
/// </summary>
public sealed record ExternalIdentity(
    string Provider,
    string Issuer,
    string? Subject,
    string? StaffId,
    string? Email,
    bool EmailVerified,
    string? Name,
    IReadOnlyList<string> Methods,
    IReadOnlyList<string> Roles)
{
    private const string ProviderClaim = "provider";
    private const string StaffIdClaim = "staff_id";

    public static ExternalIdentity From(ExternalProvider provider, ClaimsPrincipal principal) => new(
        provider.Name,
        ExternalClaims.Value(principal, Claims.Issuer) ?? provider.Issuer.AbsoluteUri,
        ExternalClaims.Value(principal, provider.SubjectClaim),
        ExternalClaims.Value(principal, provider.StaffIdClaim),
        ExternalClaims.Value(principal, Claims.Email),
        ExternalClaims.IsTrue(principal, provider.EmailVerifiedClaim),
        ExternalClaims.Value(principal, Claims.Name),
        [.. ExternalClaims.Values(principal, Claims.AuthenticationMethodReference).Distinct(StringComparer.Ordinal)],
        provider.MapRoles(ExternalClaims.Values(principal, provider.RoleClaim)));

    public ClaimsPrincipal ToPrincipal(string scheme)
    {
        var identity = new ClaimsIdentity(scheme, Claims.Subject, Claims.Role);
        identity.AddClaim(new Claim(ProviderClaim, Provider));
        identity.AddClaim(new Claim(Claims.Issuer, Issuer));
        Add(identity, Claims.Subject, Subject);
        Add(identity, StaffIdClaim, StaffId);
        Add(identity, Claims.Email, Email);
        identity.AddClaim(new Claim(Claims.EmailVerified, EmailVerified ? "true" : "false"));
        Add(identity, Claims.Name, Name);
        foreach (var method in Methods)
        {
            identity.AddClaim(new Claim(Claims.AuthenticationMethodReference, method));
        }
        foreach (var role in Roles)
        {
            identity.AddClaim(new Claim(Claims.Role, role));
        }
        return new ClaimsPrincipal(identity);
    }

    public static ExternalIdentity? Read(ClaimsPrincipal principal) =>
        principal.FindFirst(ProviderClaim)?.Value is { } provider && principal.FindFirst(Claims.Issuer)?.Value is { } issuer
            ? new(provider, issuer, principal.FindFirst(Claims.Subject)?.Value, principal.FindFirst(StaffIdClaim)?.Value,
                principal.FindFirst(Claims.Email)?.Value, principal.FindFirst(Claims.EmailVerified)?.Value == "true",
                principal.FindFirst(Claims.Name)?.Value,
                [.. principal.FindAll(Claims.AuthenticationMethodReference).Select(c => c.Value)],
                [.. principal.FindAll(Claims.Role).Select(c => c.Value)])
            : null;

    private static void Add(ClaimsIdentity identity, string type, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            identity.AddClaim(new Claim(type, value));
        }
    }
}
