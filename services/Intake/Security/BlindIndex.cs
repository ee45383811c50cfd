using System.Security.Cryptography;
using System.Text;

namespace Complaints.Intake.Security;

/// <summary>
/// Keyed hashes of normalised email addresses and phone numbers, so complaints of one complainant can be
/// found and matched without decrypting anything. The key is derived from the master key (HKDF), so no
/// extra secret is needed and a stolen database alone cannot be searched by guessing addresses.
/// </summary>
public sealed class BlindIndex(KeyMaterial keys)
{
    private readonly byte[] _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, keys.MasterKey, 32, info: Encoding.ASCII.GetBytes("complaints/intake/blind-index/v1"));

    public byte[]? Email(string? email) =>
        string.IsNullOrWhiteSpace(email) ? null : Hash("email:" + email.Trim().ToLowerInvariant());

    /// <summary>
    /// Phones are already E.164 after validation; what people type (staff searching, a complainant who lost the token)
    /// may carry separators, which go, or the international prefix 00, which is +.
    /// </summary>
    public byte[]? Phone(string? phone)
    {
        var digits = new string((phone ?? "").Where(c => c == '+' || char.IsAsciiDigit(c)).ToArray());
        return digits.Length == 0 ? null : Hash("phone:" + (digits.StartsWith("00", StringComparison.Ordinal) ? "+" + digits[2..] : digits));
    }

    private byte[] Hash(string value) => HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(value));
}
