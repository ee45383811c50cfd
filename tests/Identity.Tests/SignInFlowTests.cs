using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Complaints.Identity.Accounts;
using Complaints.Identity.V1;
using Complaints.TestSupport;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Complaints.Identity.Tests;

/// <summary>Identity with one browser client (the console's stand-in), for the staff sign-in flow.</summary>
public sealed class SignInFixture : IDisposable
{
    public const string Client = "console-test";
    public const string Redirect = "https://console.example/signin-oidc";
    public const string AfterSignOut = "https://console.example/signed-out";

    public ServiceFactory<Program> Factory { get; } = new(new Dictionary<string, string?>
    {
        [$"Identity:WebClients:{Client}:RedirectUris:0"] = Redirect,
        [$"Identity:WebClients:{Client}:PostLogoutRedirectUris:0"] = AfterSignOut,
    });

    public void Dispose() => Factory.Dispose();
}

/// <summary>
/// A browser's sign-in, request by request: authorization code with PKCE, the password page, the second factor or its
/// set-up, the code redeemed for tokens, refresh rotation with reuse detection, and sign-out.
/// </summary>
public sealed partial class SignInFlowTests(SignInFixture fixture) : IClassFixture<SignInFixture>
{
    private readonly HttpClient _browser = fixture.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
    private readonly string _verifier = Base64Url(RandomNumberGenerator.GetBytes(32));

    private async Task<(string Subject, string Password)> AccountAsync(params string[] roles)
    {
        var subject = "signin-" + Guid.NewGuid().ToString("N")[..10];
        var created = await new StaffAccountService.StaffAccountServiceClient(fixture.Factory.Channel(fixture.Factory.Token("admin-1", "admin")))
            .CreateAccountAsync(new CreateAccountRequest { Subject = subject, Email = subject + "@example.com", DisplayName = "Hana Kim", Roles = { roles } });
        return (subject, created.InitialPassword);
    }

    private string AuthorizeUrl(string state) =>
        $"/connect/authorize?client_id={SignInFixture.Client}&response_type=code&redirect_uri={Uri.EscapeDataString(SignInFixture.Redirect)}"
        + $"&scope={Uri.EscapeDataString("openid offline_access roles")}&state={state}&code_challenge_method=S256"
        + $"&code_challenge={Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(_verifier)))}";

    private async Task<HttpResponseMessage> GetAsync(string url, string? language = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (language is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(language);
        }
        return await _browser.SendAsync(request);
    }

    private static string Location(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther, $"expected a redirect, got {(int)response.StatusCode}");
        var location = response.Headers.Location!;
        return location.IsAbsoluteUri && location.Host == "localhost" ? location.PathAndQuery : location.ToString();
    }

    /// <summary>Posts the page's form (with its antiforgery token and hidden fields) plus the given fields.</summary>
    private async Task<HttpResponseMessage> SubmitAsync(string pageUrl, Dictionary<string, string> fields)
    {
        var html = await (await GetAsync(pageUrl)).Content.ReadAsStringAsync();
        return await PostFormAsync(pageUrl, html, fields);
    }

    private async Task<HttpResponseMessage> PostFormAsync(string pageUrl, string html, Dictionary<string, string> fields)
    {
        var form = HtmlForms.HiddenFields(html);
        foreach (var (key, value) in fields)
        {
            form[key] = value;
        }
        return await _browser.PostAsync(pageUrl, new FormUrlEncodedContent(form));
    }

    /// <summary>From the authorize request to the client's redirect with a code, signing in with a password (and nothing more).</summary>
    private async Task<string> SignInAsync(string subject, string password, string state = "s1")
    {
        var signIn = Location(await GetAsync(AuthorizeUrl(state)));
        Assert.StartsWith("/account/sign-in", signIn);
        var back = Location(await SubmitAsync(signIn, new() { ["StaffId"] = subject, ["Password"] = password }));
        return CodeFrom(Location(await GetAsync(back)), state);
    }

    private static string CodeFrom(string redirect, string state)
    {
        Assert.StartsWith(SignInFixture.Redirect, redirect);
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(redirect).Query);
        Assert.Equal(state, query["state"]);
        return query["code"]!;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> TokenAsync(Dictionary<string, string> form)
    {
        using var response = await _browser.PostAsync("/connect/token", new FormUrlEncodedContent(form));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.Clone());
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> RedeemAsync(string code) => TokenAsync(new()
    {
        ["grant_type"] = "authorization_code",
        ["code"] = code,
        ["redirect_uri"] = SignInFixture.Redirect,
        ["client_id"] = SignInFixture.Client,
        ["code_verifier"] = _verifier,
    });

    private Task<(HttpStatusCode Status, JsonElement Body)> RefreshAsync(string refreshToken) => TokenAsync(new()
    {
        ["grant_type"] = "refresh_token",
        ["refresh_token"] = refreshToken,
        ["client_id"] = SignInFixture.Client,
    });

    private async Task<T> WithUserAsync<T>(string subject, Func<SecondFactors, StaffUser, Task<T>> act)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var user = (await scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>().FindByNameAsync(subject))!;
        return await act(scope.ServiceProvider.GetRequiredService<SecondFactors>(), user);
    }

    [Fact]
    public async Task SignIn_Password_CodeRedeemedForAStaffAccessTokenWithTheAccountsRoles()
    {
        var (subject, password) = await AccountAsync("agent", "supervisor");

        var (status, body) = await RedeemAsync(await SignInAsync(subject, password));

        Assert.Equal(HttpStatusCode.OK, status);
        var token = new JsonWebToken(body.GetProperty("access_token").GetString());
        Assert.Equal(subject, token.Subject);
        Assert.Equal(["agent", "supervisor"], token.Claims.Where(c => c.Type == "role").Select(c => c.Value).Order());
        Assert.Contains("complaints", token.Audiences);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("refresh_token").GetString()));
    }

    [Fact]
    public async Task Redeem_WithoutTheVerifier_InvalidGrant()
    {
        var (subject, password) = await AccountAsync("agent");
        var code = await SignInAsync(subject, password);

        var (status, body) = await TokenAsync(new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = SignInFixture.Redirect,
            ["client_id"] = SignInFixture.Client,
            ["code_verifier"] = Base64Url(RandomNumberGenerator.GetBytes(32)),
        });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task SignIn_WrongPassword_ThePageAgainWithAnAlertAndNoSession()
    {
        var (subject, _) = await AccountAsync("agent");
        var signIn = Location(await GetAsync(AuthorizeUrl("s2")));

        using var response = await SubmitAsync(signIn, new() { ["StaffId"] = subject, ["Password"] = "not-the-password-at-all" });
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("role=\"alert\"", html);
        Assert.Contains("The staff ID or password is not right.", html);
        Assert.StartsWith("/account/sign-in", Location(await GetAsync(AuthorizeUrl("s2"))));
    }

    [Fact]
    public async Task SignIn_ReturnUrlOfAnotherSite_StaysOnThisOne()
    {
        var (subject, password) = await AccountAsync("agent");

        using var response = await SubmitAsync("/account/sign-in?returnUrl=" + Uri.EscapeDataString("https://evil.example/"),
            new() { ["StaffId"] = subject, ["Password"] = password });

        Assert.Equal("/account/signed-in", Location(response));
    }

    [Fact]
    public async Task SignIn_TwoFactorAccount_AsksForTheCodeAndAcceptsTheAppsCode()
    {
        var (subject, password) = await AccountAsync("agent");
        var key = await WithUserAsync(subject, async (f, u) =>
        {
            var (k, _) = await f.BeginAsync(u);
            await f.ConfirmAsync(u, Totp.Code(k, DateTimeOffset.UtcNow));
            return k;
        });
        var signIn = Location(await GetAsync(AuthorizeUrl("s3")));

        var codePage = Location(await SubmitAsync(signIn, new() { ["StaffId"] = subject, ["Password"] = password }));
        var wrong = await SubmitAsync(codePage, new() { ["Code"] = "000000" == Totp.Code(key, DateTimeOffset.UtcNow) ? "111111" : "000000" });
        var back = Location(await SubmitAsync(codePage, new() { ["Code"] = Totp.Code(key, DateTimeOffset.UtcNow) }));

        Assert.StartsWith("/account/code", codePage);
        Assert.Contains("That code is not right.", await wrong.Content.ReadAsStringAsync());
        var (status, _) = await RedeemAsync(CodeFrom(Location(await GetAsync(back)), "s3"));
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task SignIn_AdminWithoutASecondFactor_SetsOneUpAndGetsRecoveryCodesFirst()
    {
        var (subject, password) = await AccountAsync("admin");
        var signIn = Location(await GetAsync(AuthorizeUrl("s4")));

        var setup = Location(await SubmitAsync(signIn, new() { ["StaffId"] = subject, ["Password"] = password }));
        var html = await (await GetAsync(setup)).Content.ReadAsStringAsync();
        var key = HtmlForms.AuthenticatorKey(html);
        using var confirmed = await PostFormAsync(setup, html, new() { ["Code"] = Totp.Code(key, DateTimeOffset.UtcNow) });
        var page = await confirmed.Content.ReadAsStringAsync();

        Assert.StartsWith("/account/two-factor-setup", setup);
        Assert.Equal(SecondFactors.RecoveryCodes, RecoveryCode().Matches(page[page.IndexOf("recovery-codes", StringComparison.Ordinal)..]).Count);
        var next = HtmlForms.FirstLink(page);
        var (status, _) = await RedeemAsync(CodeFrom(Location(await GetAsync(next)), "s4"));
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Refresh_UsedTwice_SecondUseRefusedAndItsSuccessorRevoked()
    {
        var (subject, password) = await AccountAsync("agent");
        var (_, first) = await RedeemAsync(await SignInAsync(subject, password));
        var original = first.GetProperty("refresh_token").GetString()!;

        var (renewed, second) = await RefreshAsync(original);
        var successor = second.GetProperty("refresh_token").GetString()!;
        var (reused, reuse) = await RefreshAsync(original);
        var (afterReuse, _) = await RefreshAsync(successor);

        Assert.Equal(HttpStatusCode.OK, renewed);
        Assert.NotEqual(original, successor);
        Assert.Equal(HttpStatusCode.BadRequest, reused);
        Assert.Equal("invalid_grant", reuse.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, afterReuse);
    }

    [Fact]
    public async Task Refresh_AccountDisabledSinceSignIn_InvalidGrant()
    {
        var (subject, password) = await AccountAsync("agent");
        var (_, tokens) = await RedeemAsync(await SignInAsync(subject, password));

        await new StaffAccountService.StaffAccountServiceClient(fixture.Factory.Channel(fixture.Factory.Token("admin-1", "admin")))
            .SetDisabledAsync(new SetDisabledRequest { Subject = subject, Disabled = true, Reason = "left the company" });
        var (status, body) = await RefreshAsync(tokens.GetProperty("refresh_token").GetString()!);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task EndSession_SignedIn_SessionEndsAndTheNextAuthorizeAsksToSignIn()
    {
        var (subject, password) = await AccountAsync("agent");
        await SignInAsync(subject, password, "s5");

        var signedOut = Location(await GetAsync($"/connect/endsession?client_id={SignInFixture.Client}&post_logout_redirect_uri={Uri.EscapeDataString(SignInFixture.AfterSignOut)}"));

        Assert.StartsWith(SignInFixture.AfterSignOut, signedOut);
        Assert.StartsWith("/account/sign-in", Location(await GetAsync(AuthorizeUrl("s6"))));
    }

    [Theory]
    [InlineData("ko", "직원 ID")]
    [InlineData("bg", "Служебен идентификатор")]
    [InlineData("en", "Staff ID")]
    public async Task SignInPage_InTheBrowsersLanguage_LabelsAndLangAttribute(string language, string label)
    {
        using var response = await GetAsync("/account/sign-in", language);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"<html lang=\"{language}\">", html);
        Assert.Contains(label, html);
        Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("style=", html);
    }

    [Fact]
    public async Task Stylesheet_Anonymous_ServedAsCss()
    {
        using var response = await GetAsync("/identity.css");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("focus-visible", await response.Content.ReadAsStringAsync());
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');



    [GeneratedRegex("<li>[^<]+</li>")]
    private static partial Regex RecoveryCode();

}
