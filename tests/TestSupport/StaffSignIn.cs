using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Complaints.TestSupport;

/// <summary>
/// A staff member's browser, request by request, against the platform's identity provider: authorization code with
/// PKCE through the sign-in page, the second factor (set up at the first sign-in when the role requires it, then the
/// authenticator's code), and the code redeemed for an access token. Keeps each account's authenticator key.
/// </summary>
public sealed partial class StaffSignIn(Uri provider, string clientId, string redirectUri)
{
    private readonly Dictionary<string, string> _authenticatorKeys = [];

    /// <summary>Signs in (a fresh browser each time) and returns the access token.</summary>
    public async Task<string> AccessTokenAsync(string subject, string password)
    {
        using var browser = Browser();
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var state = Guid.NewGuid().ToString("N");
        var next = await SignInToRedirectAsync(browser, $"connect/authorize?client_id={clientId}&response_type=code"
            + $"&redirect_uri={Uri.EscapeDataString(redirectUri)}&scope={Uri.EscapeDataString("openid offline_access roles")}&state={state}"
            + $"&code_challenge_method=S256&code_challenge={Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)))}", subject, password, redirectUri);
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(next).Query);
        if (query["state"] != state || query["code"] is not { } code)
        {
            throw new InvalidOperationException($"The sign-in of {subject} ended at {next}.");
        }
        using var redeemed = await browser.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["client_id"] = clientId,
            ["code_verifier"] = verifier,
        }));
        using var json = JsonDocument.Parse(await redeemed.Content.ReadAsStringAsync());
        return json.RootElement.TryGetProperty("access_token", out var token)
            ? token.GetString()!
            : throw new InvalidOperationException($"The code of {subject} was not redeemed: {json.RootElement}");
    }

    /// <summary>
    /// Opens an authorization request someone else made (e.g. a command-line client's), signs in through the pages,
    /// and returns the address the provider sends the browser back to, which starts with <paramref name="redirectUri"/>.
    /// </summary>
    public async Task<string> SignInToRedirectAsync(string authorizeUrl, string subject, string password, string redirectUri)
    {
        using var browser = Browser();
        return await SignInToRedirectAsync(browser, authorizeUrl, subject, password, redirectUri);
    }

    private async Task<string> SignInToRedirectAsync(HttpClient browser, string authorizeUrl, string subject, string password, string redirectUri)
    {
        var next = await RedirectAsync(browser, authorizeUrl);
        for (var step = 0; step < 10 && !next.StartsWith(redirectUri, StringComparison.Ordinal); step++)
        {
            next = next switch
            {
                _ when next.StartsWith("/account/sign-in", StringComparison.Ordinal) =>
                    await SubmitAsync(browser, next, new() { ["StaffId"] = subject, ["Password"] = password }),
                _ when next.StartsWith("/account/two-factor-setup", StringComparison.Ordinal) => await SetUpSecondFactorAsync(browser, next, subject),
                _ when next.StartsWith("/account/code", StringComparison.Ordinal) =>
                    await SubmitAsync(browser, next, new() { ["Code"] = Totp.Code(_authenticatorKeys[subject], DateTimeOffset.UtcNow) }),
                _ => await RedirectAsync(browser, next),
            };
        }
        return next;
    }

    private HttpClient Browser() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = provider };

    private async Task<string> SetUpSecondFactorAsync(HttpClient browser, string page, string subject)
    {
        var html = await PageAsync(browser, page);
        var key = HtmlForms.AuthenticatorKey(html);
        _authenticatorKeys[subject] = key;
        using var confirmed = await PostFormAsync(browser, page, html, new() { ["Code"] = Totp.Code(key, DateTimeOffset.UtcNow) });
        var codes = await confirmed.Content.ReadAsStringAsync();
        return Local(HtmlForms.FirstLink(codes));
    }

    private static async Task<string> RedirectAsync(HttpClient browser, string url)
    {
        using var response = await browser.GetAsync(url);
        return LocationOf(response);
    }

    private static async Task<string> SubmitAsync(HttpClient browser, string page, Dictionary<string, string> fields)
    {
        var html = await PageAsync(browser, page);
        using var response = await PostFormAsync(browser, page, html, fields);
        return LocationOf(response);
    }

    private static async Task<string> PageAsync(HttpClient browser, string url)
    {
        using var response = await browser.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? html
            : throw new InvalidOperationException($"GET {url}: {(int)response.StatusCode} {response.Headers.WwwAuthenticate} {html[..Math.Min(300, html.Length)]}");
    }

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient browser, string page, string html, Dictionary<string, string> fields)
    {
        var form = HtmlForms.HiddenFields(html);
        foreach (var (key, value) in fields)
        {
            form[key] = value;
        }
        return await browser.PostAsync(page, new FormUrlEncodedContent(form));
    }

    private static string LocationOf(HttpResponseMessage response) =>
        response.Headers.Location is { } location
            ? Local(location.ToString())
            : throw new InvalidOperationException($"Expected a redirect from {response.RequestMessage?.RequestUri}, got {(int)response.StatusCode}.");

    /// <summary>The provider's own pages as paths (it may name them by its public address); the client's redirect as is.</summary>
    private static string Local(string url) =>
        url.StartsWith("http", StringComparison.Ordinal) && Uri.TryCreate(url, UriKind.Absolute, out var absolute)
            && (absolute.AbsolutePath.StartsWith("/account/", StringComparison.Ordinal) || absolute.AbsolutePath.StartsWith("/connect/", StringComparison.Ordinal))
            ? absolute.PathAndQuery
            : url;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');



}
