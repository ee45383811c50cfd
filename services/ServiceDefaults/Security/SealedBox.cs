using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace Complaints.ServiceDefaults.Security;

/// <summary>
/// AES-256-GCM with the owner and field bound in as associated data, so a sealed value cannot be
/// moved to another record or field. Layout: nonce (12) | tag (16) | ciphertext. Used for envelope
/// encryption: a random data key per owner, wrapped with the service's master key (decision 6).
/// </summary>
public static class SealedBox
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(32);

    public static byte[] Aad(Guid owner, string field) => Encoding.ASCII.GetBytes(owner.ToString("N") + "/" + field);

    public static byte[] Seal(byte[] key, byte[] plaintext, byte[] aad)
    {
        var output = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), aad);
        return output;
    }

    public static byte[] Open(byte[] key, byte[] sealedBytes, byte[] aad)
    {
        var plaintext = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), plaintext, aad);
        return plaintext;
    }

    /// <summary>A 32-byte base64 key from configuration, or a clear error naming the setting.</summary>
    public static byte[] ReadKey(IConfiguration configuration, string key)
    {
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException($"{key} is not configured (base64 of 32 random bytes). The local launcher generates one.");
        }
        var bytes = Convert.FromBase64String(value);
        if (bytes.Length != 32)
        {
            throw new InvalidOperationException($"{key} must be 32 bytes.");
        }
        return bytes;
    }

    /// <summary>
    /// The 32-byte key in <paramref name="path"/>, made on first use. Written to a temporary file and moved into place,
    /// so a process stopped mid-write leaves no empty or partial key behind (which would fail every later start), and
    /// two processes racing to make it agree on the first one moved in.
    /// </summary>
    public static byte[] ReadOrCreateKeyFile(string path)
    {
        var text = SecretFiles.ReadOrCreate(path, () => Convert.ToBase64String(NewKey())).Trim();
        var key = new byte[32];
        if (!Convert.TryFromBase64String(text, key, out var length) || length != key.Length)
        {
            // Not replaced: data may already be sealed with it. A file left empty by an interrupted write of before
            // this code sealed nothing, and may be deleted.
            throw new InvalidOperationException($"The key file {path} does not hold base64 of 32 bytes.");
        }
        return key;
    }
}
