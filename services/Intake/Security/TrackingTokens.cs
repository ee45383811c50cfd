using System.Security.Cryptography;
using System.Text;

namespace Complaints.Intake.Security;

/// <summary>
/// The tracking token is an HMAC of the complaint id under a server key: never stored, recomputable
/// (so an idempotent repeat returns the same token), and checked in constant time.
/// </summary>
public sealed class TrackingTokens(KeyMaterial keys)
{
    public string For(Guid complaintId) =>
        Base64Url(HMACSHA256.HashData(keys.TrackingKey, Encoding.ASCII.GetBytes("track:" + complaintId.ToString("N"))));

    public bool Verify(Guid complaintId, string? token) =>
        !string.IsNullOrEmpty(token)
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(For(complaintId)), Encoding.ASCII.GetBytes(token));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
