using System.Security.Claims;
using System.Text.Json;
using Complaints.Identity.Accounts;
using Complaints.Identity.Clients;
using Complaints.Identity.Data;
using Complaints.Identity.Grpc;
using Complaints.Identity.Keys;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Auth;
using Complaints.ServiceDefaults.Data;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Complaints.Identity;

public static class IdentityExtensions
{
    /// <summary>Access tokens are short: a stolen one is worth a quarter of an hour at most.</summary>
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromMinutes(15);

    /// <summary>The platform's identity provider: OpenIddict's server on Identity's own database, signing with RSA.</summary>
    public static WebApplicationBuilder AddIdentityProvider(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<IdentityProviderDbContext, SqliteIdentityProviderDbContext, SqlServerIdentityProviderDbContext>("identity");
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
        builder.Services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<IdentityProviderDbContext>())
            .AddServer(o =>
            {
                o.SetTokenEndpointUris("connect/token");
                o.AllowClientCredentialsFlow();
                o.SetAccessTokenLifetime(AccessTokenLifetime);
                o.RegisterScopes(Scopes.Submit, Scopes.Read, Scopes.Import);
                // Access tokens are JWTs every service validates from the JWKS; nothing else is issued yet, so the
                // key that would encrypt other tokens never protects anything that outlives the process.
                o.DisableAccessTokenEncryption();
                o.AddEphemeralEncryptionKey();
                // TLS ends at the gateway or the ingress; the provider itself listens on plain HTTP inside the network.
                o.UseAspNetCore().EnableTokenEndpointPassthrough().DisableTransportSecurityRequirement();
            });
        // Keys and issuer from the final configuration (test hosts and late sources included).
        builder.Services.AddOptions<OpenIddictServerOptions>().Configure<IConfiguration, IHostEnvironment>((o, configuration, environment) =>
        {
            foreach (var key in SigningKeys.Load(configuration, environment))
            {
                o.SigningCredentials.Add(new SigningCredentials(key, SecurityAlgorithms.RsaSha256));
            }
            if (configuration["Identity:Issuer"] is { Length: > 0 } issuer)
            {
                o.Issuer = new Uri(issuer, UriKind.Absolute);
            }
        }).ValidateOnStart(); // A missing or bad key stops the start, not the first token request.
        builder.Services.AddHostedService<StaffRoleSeed>();
        builder.Services.AddHostedService<ServiceClients>();
        return builder;
    }

    public static WebApplication MapIdentityProvider(this WebApplication app)
    {
        app.MapPost("/connect/token", IssueAsync).AllowAnonymous();
        app.MapGrpcService<StaffAccountGrpcService>();
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
            : $"Admin account {subject} created. One-time password (shown once, change it at first sign-in): {password}");
    }

    /// <summary>The token endpoint, after OpenIddict has authenticated the client: who the token names and what it may do.</summary>
    private static async Task<IResult> IssueAsync(HttpContext http, IOpenIddictApplicationManager applications, AuthSettings auth)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect token request.");
        if (!request.IsClientCredentialsGrantType() || request.ClientId is not { Length: > 0 } clientId
            || await applications.FindByClientIdAsync(clientId, http.RequestAborted) is not { } client)
        {
            return Results.Forbid(new Microsoft.AspNetCore.Authentication.AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.UnsupportedGrantType,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "Only the client credentials grant is served.",
            }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Subject, Claims.Role);
        identity.SetClaim(Claims.Subject, clientId);
        identity.SetClaims(Claims.Role, [.. await RolesAsync(applications, client, http.RequestAborted)]);
        identity.SetScopes(request.GetScopes());
        // The audience every service validates.
        identity.SetResources(auth.Audience);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IReadOnlyList<string>> RolesAsync(IOpenIddictApplicationManager applications, object client, CancellationToken ct)
    {
        var properties = await applications.GetPropertiesAsync(client, ct);
        return properties.TryGetValue(ServiceClients.RolesProperty, out var roles) && roles.ValueKind == JsonValueKind.Array
            ? roles.EnumerateArray().Select(r => r.GetString()).OfType<string>().ToList()
            : [];
    }

    /// <summary>The scopes a partner client may be granted.</summary>
    public static class Scopes
    {
        public const string Submit = "complaints.submit";
        public const string Read = "complaints.read";
        public const string Import = "complaints.import";
    }
}
