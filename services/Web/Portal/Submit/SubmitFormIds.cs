using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Complaints.Web.Portal.Submit;

/// <summary>
/// One id per rendered submit form: random, made on the server when the form is rendered, carried in a hidden field
/// encrypted and signed with data protection (so a browser can neither read nor forge one) and valid for
/// <see cref="Lifetime"/>. The id is the complaint's idempotency key at Intake (<see cref="IdempotencyKey"/>) and the
/// key of the stored answer (<see cref="SubmittedAnswers"/>): every post of the same form, however often and however
/// changed, is the same complaint.
/// </summary>
public sealed class SubmitFormIds(IDataProtectionProvider dataProtection, TimeProvider time)
{
    public const string FieldName = "form";

    /// <summary>How long a rendered form may wait before it is sent: a day and a night, and the weekend.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(4);

    private readonly ITimeLimitedDataProtector _protector =
        dataProtection.CreateProtector("Complaints.Web.Submit.FormId.v1").ToTimeLimitedDataProtector();

    /// <summary>A new form id (32 hex digits) and its protected form for the hidden field.</summary>
    public (string Id, string Protected) Issue()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return (id, _protector.Protect(id, time.GetUtcNow() + Lifetime));
    }

    /// <summary>The form id in a posted hidden field, or null when it is missing, forged, altered or expired.</summary>
    public string? Read(string? protectedId)
    {
        if (string.IsNullOrEmpty(protectedId) || protectedId.Length > 1000)
        {
            return null;
        }
        try
        {
            var id = _protector.Unprotect(protectedId, out _);
            return id.Length == 32 && id.All(char.IsAsciiHexDigitLower) ? id : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Intake's idempotency key for a form (letters, digits and dashes, as Intake accepts).</summary>
    public static string IdempotencyKey(string formId) => "web-" + formId;
}
