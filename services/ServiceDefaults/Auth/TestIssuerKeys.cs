using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Complaints.ServiceDefaults.Auth;

/// <summary>The keys of <see cref="TestIssuerSettings"/>: public ones to validate with, the private one a test host signs its service token with.</summary>
public static class TestIssuerKeys
{
    public static IList<SecurityKey> PublicKeys(TestIssuerSettings? settings) =>
        settings?.Jwks is { Length: > 0 } jwks ? new JsonWebKeySet(jwks).GetSigningKeys() : [];

    /// <summary>An RSA key from PEM, its key id the RFC 7638 thumbprint (as the test JWKS publishes it).</summary>
    public static RsaSecurityKey FromPem(string pem)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        var key = new RsaSecurityKey(rsa);
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return key;
    }
}
