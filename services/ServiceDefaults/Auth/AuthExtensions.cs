using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Complaints.ServiceDefaults.Auth;

public static class AuthExtensions
{
    /// <summary>
    /// Signatures the services accept: asymmetric only. An HMAC token (any shared key, or the provider's public key
    /// misused as one) and <c>alg: none</c> are refused before any key is looked up.
    /// </summary>
    public static readonly string[] AcceptedAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    public static WebApplicationBuilder AddPlatformAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthSettings>().BindConfiguration(AuthSettings.Section);
        builder.Services.AddSingleton<IValidateOptions<AuthSettings>, AuthSettingsValidation>();
        builder.Services.AddOptions<AuthSettings>().ValidateOnStart();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<AuthSettings>>().Value);
        builder.Services.AddHttpClient(ServiceTokenSource.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => IdentityBackchannel.Create(sp.GetRequiredService<AuthSettings>()));
        builder.Services.AddSingleton<ServiceTokenSource>();
        builder.Services.AddHostedService<AuthWarmup>();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        // Configured from the final configuration (test hosts and late sources included).
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<AuthSettings, IHostEnvironment>((o, settings, environment) =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidAudience = settings.Audience,
                    ValidAlgorithms = AcceptedAlgorithms,
                    RequireSignedTokens = true,
                    RequireExpirationTime = true,
                    RoleClaimType = "role",
                    NameClaimType = "sub",
                    ClockSkew = TimeSpan.FromSeconds(30),
                    // The provider's issuer (from its discovery document) is added by the handler; the test issuer here.
                    ValidIssuers = settings.TestIssuer?.Jwks is { Length: > 0 } ? [settings.TestIssuer.Issuer] : [],
                    IssuerSigningKeys = TestIssuerKeys.PublicKeys(settings.TestIssuer),
                };
                if (settings.MetadataUri() is { } metadata)
                {
                    o.Authority = settings.Authority;
                    o.MetadataAddress = metadata.ToString();
                    o.RequireHttpsMetadata = settings.RequireHttpsMetadata ?? RequireHttpsByDefault(settings, environment);
                    // The keys are cached: tokens keep validating while the provider is down, and a key it publishes
                    // before signing with it is known by the time it signs.
                    o.AutomaticRefreshInterval = settings.KeysRefreshInterval;
                    o.RefreshInterval = settings.KeysRetryInterval;
                    o.BackchannelHttpHandler = IdentityBackchannel.Create(settings);
                }
            });
        // After the handler's own post-configuration made the configuration manager: no "last known good" keys. A key
        // the provider has unpublished (rotated out, or withdrawn because it leaked) must stop validating at the next
        // refresh, not an hour later; while the provider is down the manager keeps the keys it has anyway.
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).PostConfigure(o =>
        {
            if (o.ConfigurationManager is BaseConfigurationManager manager)
            {
                manager.UseLastKnownGoodConfiguration = false;
            }
        });

        builder.Services.AddAuthorizationBuilder()
            // Anything not marked otherwise needs a valid token: a new service class is closed by default.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Staff, p => p.RequireRole(Roles.Agent, Roles.Supervisor, Roles.Admin))
            .AddPolicy(Policies.Analytics, p => p.RequireRole(Roles.Analyst, Roles.Supervisor, Roles.Admin))
            .AddPolicy(Policies.Internal, p => p.RequireRole(Roles.Service))
            // The row decides, anonymous callers included (a public row admits them; every other row needs a token).
            .AddPolicy(Policies.StaffTable, p => p.AddRequirements(new StaffTableRequirement()));
        builder.Services.AddOptions<ConfidentialityOptions>().BindConfiguration(ConfidentialityOptions.Section);
        builder.Services.AddSingleton<NeedToKnow>();
        return builder;
    }

    /// <summary>
    /// A public authority is read over TLS in Production; an explicit metadata address is an internal one the operator
    /// chose (inside the cluster, where TLS ends at the ingress and network policies guard the hop, as for every call).
    /// </summary>
    private static bool RequireHttpsByDefault(AuthSettings settings, IHostEnvironment environment) =>
        environment.IsProduction() && string.IsNullOrWhiteSpace(settings.MetadataAddress);
}

/// <summary>Stops a start whose token trust is unsafe: the retired shared key, a test issuer in Production, no provider in Production.</summary>
internal sealed class AuthSettingsValidation(IHostEnvironment environment, IEnumerable<ISelfIssuingService> selfIssuing) : IValidateOptions<AuthSettings>
{
    public ValidateOptionsResult Validate(string? name, AuthSettings options)
    {
        if (!string.IsNullOrWhiteSpace(options.SigningKey))
        {
            return ValidateOptionsResult.Fail(
                "Auth:SigningKey is no longer used: a shared key lets any holder sign any role. Remove it; services "
                + "validate tokens from the identity provider (Auth:Authority, Auth:MetadataAddress).");
        }
        // An allow-list, not Production alone: a "Staging" that trusted the test key would accept any role it signs.
        if (options.TestIssuer is not null && !(environment.IsDevelopment() || environment.IsEnvironment("Testing")))
        {
            return ValidateOptionsResult.Fail($"Auth:TestIssuer is for tests only (Testing or Development) and is refused in {environment.EnvironmentName}.");
        }
        if (environment.IsProduction() && options.MetadataUri() is null && !selfIssuing.Any())
        {
            return ValidateOptionsResult.Fail(
                "Auth:Authority (the identity provider's issuer URL) is required in Production; without it every token is refused.");
        }
        return ValidateOptionsResult.Success;
    }
}

/// <summary>Registered by the identity provider: it validates the tokens it signs itself, with no authority to ask.</summary>
public interface ISelfIssuingService;
