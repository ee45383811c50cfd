using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;

namespace Complaints.Intake.Security;

/// <summary>
/// Keyed hashes under <c>Intake:TrackingKey</c>. The tracking token is an HMAC of the complaint id under a server key: never stored, recomputable
/// (so an idempotent repeat returns the same token), and checked in constant time.
/// </summary>
public sealed class TrackingTokens(KeyMaterial keys)
{
    public string For(Guid complaintId) =>
        Base64Url(HMACSHA256.HashData(keys.TrackingKey, Encoding.ASCII.GetBytes("track:" + complaintId.ToString("N"))));

    public bool Verify(Guid complaintId, string? token) =>
        !string.IsNullOrEmpty(token)
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(For(complaintId)), Encoding.ASCII.GetBytes(token));

    /// <summary>
    /// What identifies a request's content for idempotency: a keyed hash (keyed, so the stored value
    /// cannot confirm a guess of someone's details). Callers leave the idempotency key out.
    /// </summary>
    public byte[] RequestFingerprint(IMessage content)
    {
        byte[] data = [.. Encoding.ASCII.GetBytes("request:"), .. content.ToByteArray()];
        return HMACSHA256.HashData(keys.TrackingKey, data);
    }

    /// <summary>A new random tracking token (256 bits) for a tracking access grant, shaped like the complaint's own.</summary>
    public static string NewGrantToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>What is stored of a grant's token: a keyed hash, so the database alone can neither check nor confirm one.</summary>
    public byte[] GrantHash(string token) => HMACSHA256.HashData(keys.TrackingKey, Encoding.ASCII.GetBytes("grant:" + token));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
