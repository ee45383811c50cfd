using Complaints.Eventing;
using Complaints.Identity.Accounts;
using Complaints.Identity.Clients;
using Complaints.Identity.Connect;
using Complaints.Identity.Data;
using Complaints.Identity.External;
using Complaints.Identity.Grpc;
using Complaints.Identity.Keys;
using Complaints.Identity.Partners;
using Complaints.Identity.PasswordReset;
using Complaints.Identity.SignIn;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Auth;
using Complaints.ServiceDefaults.Data;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Complaints.Identity;

public static class IdentityExtensions
{
    /// <summary>Access tokens are short: a stolen one is worth a quarter of an hour at most.</summary>
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromMinutes(15);

    /// <summary>A working day: a signed-in staff member's session renews its access tokens without signing in again.</summary>
    public static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromHours(10);

    /// <summary>The platform's identity provider: OpenIddict's server on Identity's own database, signing with RSA.</summary>
    public static WebApplicationBuilder AddIdentityProvider(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<IdentityProviderDbContext, SqliteIdentityProviderDbContext, SqlServerIdentityProviderDbContext>("identity");
        // Changes to staff accounts (disabled, enabled, roles) go on Identity's feed: Routing's directory follows them.
        builder.AddEventLog();
        builder.Services.AddIdentityCore<StaffUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                // Length, not composition rules (NIST SP 800-63B): composition rules make passwords weaker and more reused.
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.AllowedForNewUsers = true;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<IdentityProviderDbContext>()
            .AddTokenProvider<AuthenticatorTokenProvider<StaffUser>>(TokenOptions.DefaultAuthenticatorProvider);
        // Identity:Lockout:MaxFailedAccessAttempts (5) and DefaultLockoutTimeSpan (15 minutes) from configuration.
        builder.Services.AddOptions<IdentityOptions>().Configure<IConfiguration>((o, configuration) =>
        {
            o.Lockout.MaxFailedAccessAttempts = configuration.GetValue("Identity:Lockout:MaxFailedAccessAttempts", 5);
            o.Lockout.DefaultLockoutTimeSpan = configuration.GetValue("Identity:Lockout:DefaultLockoutTimeSpan", TimeSpan.FromMinutes(15));
        });
        builder.Services.AddScoped<StaffAccounts>();
        builder.Services.AddScoped<PasswordCheck>();
        builder.Services.AddScoped<SecondFactors>();
        builder.Services.AddScoped<PartnerClients>();
        builder.Services.AddOpenIddict()
            .AddCore(o =>
            {
                o.UseEntityFrameworkCore().UseDbContext<IdentityProviderDbContext>();
                // Disabled clients and a rotated-out secret's overlap, in OpenIddict's own client authentication.
                o.ReplaceApplicationManager(typeof(ClientApplicationManager<>));
            })
            .AddServer(o =>
            {
                o.SetTokenEndpointUris("connect/token")
                    .SetAuthorizationEndpointUris("connect/authorize")
                    .SetEndSessionEndpointUris("connect/endsession");
                o.AllowClientCredentialsFlow();
                o.AddEventHandler(ClientScopes.Descriptor);
                o.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                // Refresh tokens roll: each use returns a new one, and a used one presented again revokes the authorization's tokens.
                o.AllowRefreshTokenFlow();
                o.SetAccessTokenLifetime(AccessTokenLifetime);
                o.SetRefreshTokenLifetime(RefreshTokenLifetime);
                // No grace for a second use: a refresh token presented again is taken as stolen and its whole family goes
                // (the console's backend refreshes one session at a time, so it never races itself).
                o.SetRefreshTokenReuseLeeway(TimeSpan.Zero);
                o.RegisterScopes(OpenIddictConstants.Scopes.OpenId, OpenIddictConstants.Scopes.Profile, OpenIddictConstants.Scopes.Email,
                    OpenIddictConstants.Scopes.Roles, OpenIddictConstants.Scopes.OfflineAccess, Scopes.Submit, Scopes.Read, Scopes.Import);
                // Access tokens are JWTs every service validates from the JWKS; codes and refresh tokens are encrypted
                // with Identity's own key (SigningKeys.LoadEncryptionKey), which nothing else holds.
                o.DisableAccessTokenEncryption();
                // TLS ends at the gateway or the ingress; the provider itself listens on plain HTTP inside the network.
                o.UseAspNetCore()
                    .EnableTokenEndpointPassthrough()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .DisableTransportSecurityRequirement();
            });
        builder.Services.AddScoped(sp => (IClientSecrets)sp.GetRequiredService<IOpenIddictApplicationManager>());
        builder.AddStaffSignIn();
        builder.AddSealedKeyRing();
        builder.AddExternalSignIn();
        builder.AddPasswordReset();
        // Keys and issuer from the final configuration (test hosts and late sources included).
        builder.Services.AddOptions<OpenIddictServerOptions>().Configure<IConfiguration, IHostEnvironment>((o, configuration, environment) =>
        {
            foreach (var key in SigningKeys.Load(configuration, environment))
            {
                o.SigningCredentials.Add(new SigningCredentials(key, SecurityAlgorithms.RsaSha256));
            }
            o.EncryptionCredentials.Add(new EncryptingCredentials(SigningKeys.LoadEncryptionKey(configuration, environment),
                SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
            if (configuration["Identity:Issuer"] is { Length: > 0 } issuer)
            {
                o.Issuer = new Uri(issuer, UriKind.Absolute);
            }
            else if (environment.IsProduction())
            {
                // Without it the issuer follows each request's host, and services expecting the public one refuse the tokens.
                throw new InvalidOperationException("Identity:Issuer (the public URL services and partners know the provider by) is required in Production.");
            }
        }).ValidateOnStart(); // A missing or bad key stops the start, not the first token request.
        builder.TrustOwnTokens();
        builder.Services.AddHostedService<StaffRoleSeed>();
        builder.Services.AddHostedService<ServiceClients>();
        builder.Services.AddHostedService<WebClients>();
        return builder;
    }

    /// <summary>
    /// The provider's own APIs (staff accounts, partner clients) accept the tokens it signs, checked in-process against its
    /// signing keys: it never fetches its own discovery document.
    /// </summary>
    private static void TrustOwnTokens(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ISelfIssuingService, SelfIssuing>();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .PostConfigure<IOptions<OpenIddictServerOptions>>((o, server) =>
            {
                var parameters = o.TokenValidationParameters;
                parameters.IssuerSigningKeys = [.. parameters.IssuerSigningKeys ?? [], .. server.Value.SigningCredentials.Select(c => c.Key)];
                if (server.Value.Issuer is { } issuer)
                {
                    parameters.ValidIssuers = [.. parameters.ValidIssuers ?? [], issuer.AbsoluteUri];
                }
                else
                {
                    // Outside Production with no configured issuer, the issuer is each request's own host: not checkable here.
                    parameters.ValidateIssuer = false;
                }
            });
    }

    private sealed class SelfIssuing : ISelfIssuingService;

    public static WebApplication MapIdentityProvider(this WebApplication app)
    {
        app.MapConnectEndpoints();
        app.MapStaffSignIn();
        app.MapGrpcService<StaffAccountGrpcService>();
        app.MapGrpcService<StaffProfileGrpcService>();
        app.MapGrpcService<PartnerClientGrpcService>();
        app.MapEventFeed<IdentityProviderDbContext>();
        return app;
    }

    /// <summary>
    /// Runs the provider; with <c>Identity:BootstrapAdmin</c> (the subject) and <c>Identity:BootstrapAdminEmail</c>,
    /// instead creates the first admin, once, prints its one-time password and exits (nothing when an admin exists).
    /// </summary>
    public static void RunIdentity(this WebApplication app)
    {
        if (app.Configuration["Identity:BootstrapAdmin"] is not { Length: > 0 } subject)
        {
            app.RunService();
            return;
        }
        using var stop = new CancellationTokenSource();
        foreach (var migrator in app.Services.GetServices<IDatabaseMigrator>())
        {
            migrator.ApplyAsync(stop.Token).GetAwaiter().GetResult();
        }
        StaffRoleSeed.EnsureAsync(app.Services, stop.Token).GetAwaiter().GetResult();
        using var scope = app.Services.CreateScope();
        var password = scope.ServiceProvider.GetRequiredService<StaffAccounts>()
            .BootstrapAdminAsync(subject, app.Configuration["Identity:BootstrapAdminEmail"] ?? "", stop.Token).GetAwaiter().GetResult();
        Console.WriteLine(password is null
            ? "An admin account exists already: nothing was created."
            : $"Admin account {subject} created. Its password, shown only now: {password}");
    }

    /// <summary>The scopes a partner client may be granted.</summary>
    public static class Scopes
    {
        public const string Submit = PartnerScopes.Submit;
        public const string Read = PartnerScopes.Read;
        public const string Import = PartnerScopes.Import;
    }
}
