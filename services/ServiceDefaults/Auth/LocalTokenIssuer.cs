using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using Microsoft.IdentityModel.Tokens;

namespace Complaints.ServiceDefaults.Auth;

/// <summary>Signs tokens with the local symmetric key: for local runs, tests and service-to-service calls.</summary>
public sealed class LocalTokenIssuer(AuthSettings settings, TimeProvider clock)
{
    public string Issue(string subject, IEnumerable<string> roles, TimeSpan lifetime)
    {
        var key = settings.SymmetricKey()
            ?? throw new InvalidOperationException("Auth:SigningKey is not configured; cannot sign a local token.");
        var now = clock.GetUtcNow().UtcDateTime;
        var claims = new List<Claim> { new("sub", subject) };
        claims.AddRange(roles.Select(r => new Claim("role", r)));
        var token = new JwtSecurityToken(
            issuer: settings.Issuer,
            audience: settings.Audience,
            claims: claims,
            notBefore: now.AddSeconds(-5),
            expires: now.Add(lifetime),
            signingCredentials: new SigningCredentials(key, SecurityAlgorithms.HmacSha256));
        return new JwtSecurityTokenHandler().WriteToken(token);
    }
}

/// <summary>The bearer token this service presents on internal calls: configured, read from a file, or self-signed locally; cached.</summary>
public sealed class ServiceTokenSource(AuthSettings settings, ServiceIdentity identity, TimeProvider clock)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);
    private readonly Lock _gate = new();
    private string? _token;
    private DateTimeOffset _renewAt;

    public string GetToken()
    {
        if (!string.IsNullOrWhiteSpace(settings.ServiceToken))
        {
            return settings.ServiceToken;
        }
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            if (_token is null || now >= _renewAt)
            {
                if (!string.IsNullOrWhiteSpace(settings.ServiceTokenFile))
                {
                    // Rotated by the platform (Kubernetes refreshes projected tokens): look again every minute.
                    _token = File.ReadAllText(settings.ServiceTokenFile).Trim();
                    _renewAt = now + TimeSpan.FromMinutes(1);
                }
                else
                {
                    _token = new LocalTokenIssuer(settings, clock).Issue(identity.Name, [Roles.Service], Lifetime);
                    _renewAt = now + Lifetime / 2;
                }
            }
            return _token;
        }
    }
}
