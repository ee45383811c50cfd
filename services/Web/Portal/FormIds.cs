using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Complaints.Web.Portal;

/// <summary>
/// One id per rendered form: random, made on the server when the form is rendered, bound to what the form is for (the
/// submit form; a follow form of one complaint), and carried in a hidden field encrypted and signed with data
/// protection, so a browser can neither read nor forge one, valid for the form's lifetime. The id is the form's
/// idempotency key: a double click, a reload or a retry after a lost answer sends the same id, so the action is done
/// once; a forged, altered or expired id, or one issued for another form or complaint, is refused.
/// </summary>
public sealed class FormIds(IDataProtectionProvider dataProtection, TimeProvider time)
{
    public const string FieldName = "formId";

    private readonly ITimeLimitedDataProtector _protector =
        dataProtection.CreateProtector("Complaints.Web.FormId.v1").ToTimeLimitedDataProtector();

    /// <summary>A new form id (32 hex digits) for the form <paramref name="purpose"/> and its protected form for the hidden field.</summary>
    public (string Id, string Protected) Issue(string purpose, TimeSpan lifetime)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return (id, _protector.Protect($"{purpose}\n{id}", time.GetUtcNow() + lifetime));
    }

    /// <summary>The form id in a posted hidden field, or null when it is missing, forged, altered, expired or not issued for <paramref name="purpose"/>.</summary>
    public string? Read(string? protectedId, string purpose)
    {
        if (string.IsNullOrEmpty(protectedId) || protectedId.Length > 1000)
        {
            return null;
        }
        try
        {
            var value = _protector.Unprotect(protectedId, out var expiry);
            return expiry > time.GetUtcNow() && value.Split('\n') is [var p, var id] && p == purpose && id.Length == 32 && id.All(char.IsAsciiHexDigitLower)
                ? id
                : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
