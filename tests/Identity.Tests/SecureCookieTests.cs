using Complaints.TestSupport;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Complaints.Identity.Tests;

/// <summary>
/// Behind the gateway Identity itself is reached over plain HTTP, so "same as request" would never mark its cookies
/// Secure: with a public https issuer they always are, and a session cookie never travels over http.
/// </summary>
public sealed class SecureCookieTests : IDisposable
{
    private readonly ServiceFactory<Program> _factory = new(new Dictionary<string, string?> { ["Identity:Issuer"] = "https://complaints.example.org/" });

    [Fact]
    public async Task SignInPage_HttpsIssuer_EveryCookieSecure()
    {
        using var page = await _factory.CreateClient().GetAsync("/account/sign-in");
        var cookies = page.Headers.GetValues("Set-Cookie").ToList();

        Assert.NotEmpty(cookies);
        Assert.All(cookies, c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
        var schemes = _factory.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>();
        Assert.All(new[] { SignIn.SignInSchemes.Session, SignIn.SignInSchemes.Pending, External.ExternalSignInSetup.Scheme },
            scheme => Assert.Equal(CookieSecurePolicy.Always, schemes.Get(scheme).Cookie.SecurePolicy));
    }

    public void Dispose() => _factory.Dispose();
}
