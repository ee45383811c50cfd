using Microsoft.Extensions.Configuration;

namespace Complaints.ServiceDefaults.Auth;

/// <summary>
/// How a service trusts tokens and gets its own (section "Auth"). Tokens come from the platform's identity provider:
/// <c>Authority</c> is its issuer (the public URL), <c>MetadataAddress</c> where this service reads its discovery
/// document inside the network (defaults to the authority's). No service holds a key that can sign.
/// </summary>
public sealed class AuthSettings
{
    public const string Section = "Auth";

    public string? Authority { get; set; }

    public string? MetadataAddress { get; set; }

    /// <summary>
    /// Defaults to true in Production when the keys are read from the public authority (only over TLS); an explicit
    /// <see cref="MetadataAddress"/> is an internal address and may be plain HTTP inside the network.
    /// </summary>
    public bool? RequireHttpsMetadata { get; set; }

    public string Audience { get; set; } = "complaints";

    /// <summary>This service's client id at the provider; defaults to the service's name.</summary>
    public string? ClientId { get; set; }

    /// <summary>This service's client secret (client credentials); from a secret, never from the repository.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>How often the provider's keys are read again even when every token's key is known (rotation).</summary>
    public TimeSpan KeysRefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The shortest time between two reads of the keys caused by a token signed with an unknown key.</summary>
    public TimeSpan KeysRetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Tests only, refused in Production: an RSA issuer whose public keys come from configuration.</summary>
    public TestIssuerSettings? TestIssuer { get; set; }

    /// <summary>The retired shared symmetric key: its presence stops the start, so no deployment keeps trusting it.</summary>
    public string? SigningKey { get; set; }

    public static AuthSettings From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<AuthSettings>() ?? new AuthSettings();

    public Uri? MetadataUri() =>
        MetadataAddress is { Length: > 0 } address ? new Uri(address, UriKind.Absolute)
        : Authority is { Length: > 0 } authority ? new Uri(new Uri(authority.TrimEnd('/') + "/", UriKind.Absolute), ".well-known/openid-configuration")
        : null;
}

/// <summary>
/// A test issuer (section "Auth:TestIssuer"): <c>Issuer</c>, <c>Jwks</c> (a JSON Web Key Set of public keys) and, for a
/// test host's own service token, <c>SigningKey</c> (a PEM RSA private key). Never accepted in Production.
/// </summary>
public sealed class TestIssuerSettings
{
    public string Issuer { get; set; } = "https://test-issuer.invalid/";

    public string? Jwks { get; set; }

    public string? SigningKey { get; set; }
}
