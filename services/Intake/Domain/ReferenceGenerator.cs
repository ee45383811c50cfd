using System.Security.Cryptography;

namespace Complaints.Intake.Domain;

/// <summary>
/// Human-readable references like CMP-7K3Q-X9M2: Crockford base32 (no I, L, O, U), 40 random bits,
/// easy to read out on the phone. Uniqueness is enforced by the database.
/// </summary>
public sealed class ReferenceGenerator
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public string Next()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        Span<char> chars = stackalloc char[13];
        "CMP-".CopyTo(chars);
        var c = 4;
        for (var i = 0; i < 8; i++)
        {
            if (i == 4)
            {
                chars[c++] = '-';
            }
            chars[c++] = Alphabet[bytes[i] & 31];
        }
        return new string(chars);
    }

    /// <summary>Upper-cases and maps look-alike letters so a reference read out loud still matches.</summary>
    public static string Normalize(string? reference)
    {
        var r = (reference ?? string.Empty).Trim().ToUpperInvariant();
        return r.StartsWith("CMP-", StringComparison.Ordinal)
            ? "CMP-" + r[4..].Replace('O', '0').Replace('I', '1').Replace('L', '1')
            : r;
    }
}
