using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Complaints.Web.Portal.Follow;

/// <summary>
/// One idempotency key per form instance, kept in the form itself as a hidden field, encrypted and signed (data
/// protection) together with the complaint's reference: a double click, a reload or a retry after a lost answer sends
/// the same key, so Intake applies the action once; a form from another complaint's page, a forged or an expired one
/// is refused, never applied to the complaint the session now follows.
/// </summary>
public sealed class FollowFormKeys(IDataProtectionProvider dataProtection, TimeProvider time)
{
    public const string FieldName = "formKey";

    /// <summary>How long a form may stay open before it is sent.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);

    private readonly ITimeLimitedDataProtector _protector =
        dataProtection.CreateProtector("Complaints.Web.Follow.FormKey.v1").ToTimeLimitedDataProtector();

    public string Issue(string reference, string form) =>
        _protector.Protect($"{form}\n{reference}\n{Convert.ToHexString(RandomNumberGenerator.GetBytes(16))}", time.GetUtcNow() + Lifetime);

    /// <summary>The key ("web-follow:" + random hex), or null when the field is not one this app issued for this form and complaint.</summary>
    public string? Read(string? value, string reference, string form)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        try
        {
            var parts = _protector.Unprotect(value, out var expiry).Split('\n');
            return expiry > time.GetUtcNow() && parts is [var f, var r, var key] && f == form && r == reference ? "web-follow:" + key : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
