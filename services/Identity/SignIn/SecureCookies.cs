using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Complaints.Identity.SignIn;

/// <summary>
/// Identity is reached over plain HTTP behind the gateway (TLS ends at the ingress), so "same as request" would never
/// mark its cookies Secure. With a public https issuer every cookie of its own (sessions, the pending second factor,
/// the external sign-in, antiforgery) is Secure; a local http issuer keeps them as the request is.
/// </summary>
public sealed class SecureCookies(IConfiguration configuration) : IPostConfigureOptions<CookieAuthenticationOptions>, IPostConfigureOptions<AntiforgeryOptions>
{
    /// <summary>Whether the public issuer is https: TLS then ends before Identity, which sees plain HTTP.</summary>
    public static bool HttpsIssuer(IConfiguration configuration) =>
        Uri.TryCreate(configuration["Identity:Issuer"], UriKind.Absolute, out var issuer) && issuer.Scheme == Uri.UriSchemeHttps;

    public void PostConfigure(string? name, CookieAuthenticationOptions options)
    {
        if (HttpsIssuer(configuration))
        {
            options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        }
    }

    public void PostConfigure(string? name, AntiforgeryOptions options)
    {
        if (HttpsIssuer(configuration))
        {
            options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        }
    }
}
