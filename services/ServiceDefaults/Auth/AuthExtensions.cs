using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Complaints.ServiceDefaults.Auth;

/// <summary>
/// Auth configuration (section "Auth"): <c>Authority</c> (OIDC issuer, production) or
/// <c>SigningKey</c> (base64, at least 32 bytes; local runs), plus <c>Issuer</c> and <c>Audience</c>.
/// </summary>
public sealed class AuthSettings
{
    public string? Authority { get; set; }
    public string? SigningKey { get; set; }
    public string Issuer { get; set; } = "complaints-local";
    public string Audience { get; set; } = "complaints";

    /// <summary>A pre-issued token this service presents to others (production, with an OIDC authority).</summary>
    public string? ServiceToken { get; set; }

    /// <summary>A file holding that token, re-read as it is rotated (e.g. a projected service-account token).</summary>
    public string? ServiceTokenFile { get; set; }

    public static AuthSettings From(IConfiguration configuration) =>
        configuration.GetSection("Auth").Get<AuthSettings>() ?? new AuthSettings();

    public SymmetricSecurityKey? SymmetricKey() =>
        string.IsNullOrWhiteSpace(SigningKey) ? null : new SymmetricSecurityKey(DecodeKey(SigningKey));

    private static byte[] DecodeKey(string value)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(value);
        }
        catch (FormatException)
        {
            bytes = Encoding.UTF8.GetBytes(value);
        }
        if (bytes.Length < 32)
        {
            throw new InvalidOperationException("Auth:SigningKey must be at least 32 bytes (base64).");
        }
        return bytes;
    }
}

public static class AuthExtensions
{
    public static WebApplicationBuilder AddPlatformAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp => AuthSettings.From(sp.GetRequiredService<IConfiguration>()));
        builder.Services.AddSingleton<ServiceTokenSource>();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        // Configured from the final configuration (test hosts and late sources included).
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<AuthSettings>((o, settings) =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidAudience = settings.Audience,
                    RoleClaimType = "role",
                    NameClaimType = "sub",
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
                if (!string.IsNullOrWhiteSpace(settings.Authority))
                {
                    o.Authority = settings.Authority;
                }
                else
                {
                    // No key configured: every token is refused; anonymous operations still work.
                    o.TokenValidationParameters.ValidIssuer = settings.Issuer;
                    o.TokenValidationParameters.IssuerSigningKey = settings.SymmetricKey()
                        ?? new SymmetricSecurityKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
                }
            });

        builder.Services.AddAuthorizationBuilder()
            // Anything not marked otherwise needs a valid token: a new service class is closed by default.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Staff, p => p.RequireRole(Roles.Agent, Roles.Supervisor, Roles.Admin))
            .AddPolicy(Policies.Analytics, p => p.RequireRole(Roles.Analyst, Roles.Supervisor, Roles.Admin))
            .AddPolicy(Policies.Internal, p => p.RequireRole(Roles.Service))
            .AddPolicy(Policies.StaffTable, p => p.RequireAuthenticatedUser().AddRequirements(new StaffTableRequirement()));
        builder.Services.AddOptions<ConfidentialityOptions>().BindConfiguration(ConfidentialityOptions.Section);
        builder.Services.AddSingleton<NeedToKnow>();
        return builder;
    }
}
