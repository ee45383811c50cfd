using System.Security.Cryptography;
using Complaints.ServiceDefaults.Data;
using Complaints.ServiceDefaults.Security;
using Microsoft.IdentityModel.Tokens;

namespace Complaints.Identity.Keys;

/// <summary>
/// The RSA keys tokens are signed with. <c>Identity:SigningKeys:N</c> name PEM files (a Kubernetes secret mounted
/// as files): the first signs, every one is published in the JWKS. Rotation is an edit of that list: add the next
/// key second (published before it signs), then move it first (it signs; the old one, now second, stays published
/// until its tokens have expired), then drop the old one. A local run with none configured makes one key once,
/// under <c>DataDir</c>; Production refuses to start without them.
/// </summary>
public static class SigningKeys
{
    public const string Section = "Identity:SigningKeys";
    public const string LocalFile = "identity-signing.pem";

    public static IReadOnlyList<RsaSecurityKey> Load(IConfiguration configuration, IHostEnvironment environment)
    {
        var paths = configuration.GetSection(Section).Get<string[]>() ?? [];
        if (paths.Length == 0)
        {
            if (environment.IsProduction())
            {
                throw new InvalidOperationException(
                    $"{Section} names no key file: Production signs with keys from configuration (a secret), never a key it made itself.");
            }
            var local = Path.Combine(configuration.DataDirectory(), LocalFile);
            SecretFiles.ReadOrCreate(local, NewPem);
            paths = [local];
        }
        return paths.Select(Read).ToList();
    }

    /// <summary>
    /// The key that encrypts authorization codes and refresh tokens (only Identity reads them): <c>Identity:EncryptionKey</c>
    /// (base64, 32 bytes), or locally one made once under <c>DataDir</c>. Shared by every replica, so a code issued by
    /// one is redeemed by another; Production refuses to start without it.
    /// </summary>
    public static SymmetricSecurityKey LoadEncryptionKey(IConfiguration configuration, IHostEnvironment environment)
    {
        byte[] key;
        if (configuration["Identity:EncryptionKey"] is { Length: > 0 } configured)
        {
            key = new byte[32];
            if (!Convert.TryFromBase64String(configured, key, out var length) || length != 32)
            {
                throw new InvalidOperationException("Identity:EncryptionKey must be base64 of 32 bytes.");
            }
        }
        else if (environment.IsProduction())
        {
            throw new InvalidOperationException("Identity:EncryptionKey is required in Production (a secret shared by every replica).");
        }
        else
        {
            key = SealedBox.ReadOrCreateKeyFile(Path.Combine(configuration.DataDirectory(), "identity-encryption.key"));
        }
        return new SymmetricSecurityKey(key);
    }

    private static string NewPem()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    private static RsaSecurityKey Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{Section}: the key file {path} does not exist.");
        }
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(File.ReadAllText(path));
        }
        catch (ArgumentException e)
        {
            rsa.Dispose();
            throw new InvalidOperationException($"{Section}: {path} is not a PEM RSA private key ({e.Message}).");
        }
        if (rsa.KeySize < 2048)
        {
            throw new InvalidOperationException($"{Section}: {path} holds a {rsa.KeySize}-bit key; 2048 bits at least.");
        }
        // The key id is the public key's thumbprint: stable across restarts and replicas, so validators' JWKS caches match.
        var id = Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()));
        return new RsaSecurityKey(rsa) { KeyId = id };
    }
}
