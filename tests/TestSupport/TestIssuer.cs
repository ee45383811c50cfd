using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Complaints.ServiceDefaults.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Complaints.TestSupport;

/// <summary>
/// The test-only RSA issuer: services under test trust its public JWKS from configuration (<c>Auth:TestIssuer</c>,
/// refused in Production), so they need no live identity provider. One per test process is shared; a second instance
/// is a stranger whose tokens no host trusts.
/// </summary>
public sealed class TestIssuer
{
    public const string Name = "https://test-issuer.invalid/";

    public static TestIssuer Shared { get; } = new();

    public TestIssuer()
    {
        using var rsa = RSA.Create(2048);
        PrivateKeyPem = rsa.ExportPkcs8PrivateKeyPem();
        Key = TestIssuerKeys.FromPem(PrivateKeyPem);
        var parameters = Key.Rsa.ExportParameters(false);
        Jwks = JsonSerializer.Serialize(new
        {
            keys = new[]
            {
                new { kty = "RSA", use = "sig", alg = "RS256", kid = Key.KeyId, n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) },
            },
        });
    }

    public string PrivateKeyPem { get; }

    public RsaSecurityKey Key { get; }

    /// <summary>The public keys, as a JSON Web Key Set.</summary>
    public string Jwks { get; }

    /// <summary>A host's settings to trust this issuer and sign its own service token with it.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Auth:TestIssuer:Issuer"] = Name,
        ["Auth:TestIssuer:Jwks"] = Jwks,
        ["Auth:TestIssuer:SigningKey"] = PrivateKeyPem,
    };

    /// <summary>An RS256 access token for the platform's audience.</summary>
    public string Token(string subject, IEnumerable<string> roles, TimeSpan? lifetime = null, IDictionary<string, object>? claims = null)
    {
        var now = DateTime.UtcNow;
        var identity = new ClaimsIdentity([new Claim("sub", subject), .. roles.Select(r => new Claim("role", r))]);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Name,
            Audience = "complaints",
            Subject = identity,
            Claims = claims,
            NotBefore = now.AddSeconds(-5),
            IssuedAt = now,
            Expires = now + (lifetime ?? TimeSpan.FromHours(1)),
            SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.RsaSha256),
        });
    }
}
