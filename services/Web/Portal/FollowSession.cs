using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Complaints.Web.Portal;

/// <summary>The one complaint a browser follows: its reference and tracking token, and a random id for this session.</summary>
public sealed record FollowedComplaint(string Reference, string TrackingToken, string SessionId, DateTimeOffset OpenedAt);

/// <summary>
/// After the complainant proves the token (or has just submitted), the token lives only in this cookie: encrypted and
/// signed (data protection), HttpOnly, SameSite=Strict, Secure over https, for one complaint and at most
/// <see cref="Lifetime"/>. It never appears in a URL or a page script; signing out deletes it.
/// </summary>
public sealed class FollowSession(IDataProtectionProvider dataProtection, TimeProvider time)
{
    public const string CookieName = "portal_follow";

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    private readonly IDataProtector _protector = dataProtection.CreateProtector("Complaints.Web.FollowSession.v1");

    public FollowedComplaint Open(HttpContext context, string reference, string trackingToken)
    {
        var followed = new FollowedComplaint(reference, trackingToken, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), time.GetUtcNow());
        context.Response.Cookies.Append(CookieName, _protector.Protect(JsonSerializer.Serialize(followed)), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            IsEssential = true,
            Path = "/",
        });
        return followed;
    }

    /// <summary>The followed complaint, or null when there is none, it was tampered with, or it is too old.</summary>
    public FollowedComplaint? Current(HttpContext context)
    {
        if (!context.Request.Cookies.TryGetValue(CookieName, out var value) || string.IsNullOrEmpty(value))
        {
            return null;
        }
        try
        {
            var followed = JsonSerializer.Deserialize<FollowedComplaint>(_protector.Unprotect(value));
            return followed is not null && time.GetUtcNow() - followed.OpenedAt < Lifetime ? followed : null;
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException)
        {
            return null;
        }
    }

    public void Close(HttpContext context) =>
        context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/", SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps });
}
