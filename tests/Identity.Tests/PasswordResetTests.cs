using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Complaints.Identity.Accounts;
using Complaints.Identity.V1;
using Complaints.TestSupport;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace Complaints.Identity.Tests;

/// <summary>
/// Identity with a fake clock that starts now, one browser client, and the local mail sink (<c>{DataDir}/mail</c>):
/// reset links are read from the .eml files the provider writes.
/// </summary>
public sealed class ResetHost : ServiceFactory<Program>
{
    public const string Client = "console-reset";
    public const string Redirect = "https://console.example/signin-oidc";

    public ResetHost() : base(new Dictionary<string, string?>
    {
        [$"Identity:WebClients:{Client}:RedirectUris:0"] = Redirect,
    })
    {
    }

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public StaffAccountService.StaffAccountServiceClient Accounts(string role = "admin") => new(Channel(Token("admin-1", role)));

    public async Task<(string Subject, string Email, string Password)> AccountAsync(params string[] roles)
    {
        var subject = "reset-" + Guid.NewGuid().ToString("N")[..10];
        var email = subject + "@example.com";
        var created = await Accounts().CreateAccountAsync(new CreateAccountRequest { Subject = subject, Email = email, DisplayName = "Hana Kim", Roles = { roles } });
        return (subject, email, created.InitialPassword);
    }

    /// <summary>The emails the provider has written for this address, oldest first.</summary>
    public IReadOnlyList<MimeMessage> MailTo(string address)
    {
        var folder = Path.Combine(Data.Path, "mail");
        if (!Directory.Exists(folder))
        {
            return [];
        }
        return [.. Directory.GetFiles(folder, "*.eml")
            .Select(f => (Time: File.GetLastWriteTimeUtc(f), Message: MimeMessage.Load(f)))
            .Where(m => m.Message.To.Mailboxes.Any(b => b.Address == address))
            .OrderBy(m => m.Time)
            .Select(m => m.Message)];
    }

    /// <summary>Waits for the <paramref name="count"/>th email to this address (the sender works in the background) and returns it.</summary>
    public async Task<MimeMessage> NextMailAsync(string address, int count = 1)
    {
        var mails = await Eventually.Get(() => Task.FromResult(MailTo(address)), m => m.Count >= count, $"{count} email(s) to {address}");
        return mails[count - 1];
    }

    public async Task<T> WithUserAsync<T>(string subject, Func<UserManager<StaffUser>, StaffUser, Task<T>> act)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        return await act(users, (await users.FindByNameAsync(subject))!);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

public sealed class ResetFixture : IDisposable
{
    public ResetHost Host { get; } = new();

    public void Dispose() => Host.Dispose();
}

/// <summary>A browser with cookies, request by request: the pages' forms (antiforgery included), and the code flow with PKCE.</summary>
public sealed partial class StaffBrowser(ResetHost host)
{
    private readonly HttpClient _http = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
    private readonly string _verifier = Base64Url(RandomNumberGenerator.GetBytes(32));

    public async Task<HttpResponseMessage> GetAsync(string url, string? language = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (language is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(language);
        }
        return await _http.SendAsync(request);
    }

    public async Task<string> HtmlAsync(string url, string? language = null) => await (await GetAsync(url, language)).Content.ReadAsStringAsync();

    /// <summary>Posts the page's form (antiforgery token and hidden fields) with the given fields.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string pageUrl, Dictionary<string, string> fields, string? language = null) =>
        await PostFormAsync(pageUrl, await HtmlAsync(pageUrl, language), fields, language);

    /// <summary>Posts a form the browser shows already (its hidden fields) with the given fields.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string pageUrl, string html, Dictionary<string, string> fields, string? language = null)
    {
        var form = HtmlForms.HiddenFields(html);
        foreach (var (key, value) in fields)
        {
            form[key] = value;
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, pageUrl) { Content = new FormUrlEncodedContent(form) };
        if (language is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(language);
        }
        return await _http.SendAsync(request);
    }

    public static string Location(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther, $"expected a redirect, got {(int)response.StatusCode}");
        var location = response.Headers.Location!;
        return location.IsAbsoluteUri && location.Host == "localhost" ? location.PathAndQuery : location.ToString();
    }

    /// <summary>The password step of the sign-in page: where it sends the browser next (or the page again, with its alert).</summary>
    public Task<HttpResponseMessage> SignInAsync(string subject, string password) =>
        SubmitAsync("/account/sign-in", new() { ["StaffId"] = subject, ["Password"] = password });

    /// <summary>Signs in with a password, then the code flow: the tokens the console would hold.</summary>
    public async Task<JsonElement> TokensAsync(string subject, string password)
    {
        var authorize = $"/connect/authorize?client_id={ResetHost.Client}&response_type=code&redirect_uri={Uri.EscapeDataString(ResetHost.Redirect)}"
            + $"&scope={Uri.EscapeDataString("openid offline_access roles")}&state=s1&code_challenge_method=S256"
            + $"&code_challenge={Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(_verifier)))}";
        var signIn = Location(await GetAsync(authorize));
        var back = Location(await SubmitAsync(signIn, new() { ["StaffId"] = subject, ["Password"] = password }));
        var redirect = Location(await GetAsync(back));
        var code = System.Web.HttpUtility.ParseQueryString(new Uri(redirect).Query)["code"]!;
        var (status, body) = await TokenAsync(new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = ResetHost.Redirect,
            ["client_id"] = ResetHost.Client,
            ["code_verifier"] = _verifier,
        });
        Assert.Equal(HttpStatusCode.OK, status);
        return body;
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> RefreshAsync(JsonElement tokens) => TokenAsync(new()
    {
        ["grant_type"] = "refresh_token",
        ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()!,
        ["client_id"] = ResetHost.Client,
    });

    private async Task<(HttpStatusCode Status, JsonElement Body)> TokenAsync(Dictionary<string, string> form)
    {
        using var response = await _http.PostAsync("/connect/token", new FormUrlEncodedContent(form));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.Clone());
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

}

/// <summary>
/// Self-service password reset by email, through the pages as a browser uses them: the request's one answer, the
/// email (read from the .eml sink), the link's single use and lifetime on the fake clock, and what a reset ends.
/// </summary>
public sealed partial class PasswordResetTests(ResetFixture fixture) : IClassFixture<ResetFixture>
{
    private ResetHost Host => fixture.Host;

    private Task<HttpResponseMessage> RequestResetAsync(StaffBrowser browser, string staffIdOrEmail, string? language = null) =>
        browser.SubmitAsync("/account/forgot-password", new() { ["StaffIdOrEmail"] = staffIdOrEmail }, language);

    /// <summary>The reset page's path and query, from the email's plain text.</summary>
    private static string LinkIn(MimeMessage mail)
    {
        var link = new Uri(ResetLink().Match(mail.TextBody ?? "").Value);
        Assert.Equal("localhost", link.Host);
        return link.PathAndQuery;
    }

    private async Task<string> EmailedLinkAsync(string staffIdOrEmail, string address)
    {
        var before = Host.MailTo(address).Count;
        await RequestResetAsync(new StaffBrowser(Host), staffIdOrEmail);
        return LinkIn(await Host.NextMailAsync(address, before + 1));
    }

    private static Task<HttpResponseMessage> SetPasswordAsync(StaffBrowser browser, string link, string password) =>
        browser.SubmitAsync(link, new() { ["NewPassword"] = password, ["ConfirmPassword"] = password });

    [Fact]
    public async Task ForgotPassword_UnknownAndKnownAccounts_TheSameAnswerAndOnlyTheKnownOneGetsAnEmail()
    {
        var (subject, email, _) = await Host.AccountAsync("agent");
        var (disabled, disabledEmail, _) = await Host.AccountAsync("agent");
        await Host.Accounts().SetDisabledAsync(new SetDisabledRequest { Subject = disabled, Disabled = true, Reason = "left the company" });
        var browser = new StaffBrowser(Host);

        using var unknown = await RequestResetAsync(browser, "nobody-" + Guid.NewGuid().ToString("N")[..8]);
        using var unknownEmail = await RequestResetAsync(browser, "nobody@example.com");
        using var ofDisabled = await RequestResetAsync(browser, disabled);
        using var known = await RequestResetAsync(browser, subject);
        var mail = await Host.NextMailAsync(email);

        Assert.All([unknown, unknownEmail, ofDisabled, known], r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var answer = await known.Content.ReadAsStringAsync();
        Assert.Contains("If an account with that staff ID or email exists", answer);
        Assert.Equal(answer, await unknown.Content.ReadAsStringAsync());
        Assert.Equal(answer, await unknownEmail.Content.ReadAsStringAsync());
        Assert.Equal(answer, await ofDisabled.Content.ReadAsStringAsync());
        // One sender, first in first out: had the disabled account's request queued an email, it would be there by now.
        Assert.Empty(Host.MailTo(disabledEmail));
        Assert.Equal("Set a new password for Complaints", mail.Subject);
        Assert.Contains(subject, mail.TextBody);
        Assert.StartsWith("/account/reset-password?account=" + subject + "&token=", LinkIn(mail));
    }

    [Fact]
    public async Task ForgotPassword_ByEmailAddress_TheLinkGoesToThatAccount()
    {
        var (subject, email, _) = await Host.AccountAsync("agent");

        var link = await EmailedLinkAsync(email.ToUpperInvariant(), email);

        Assert.Contains("account=" + subject + "&", link);
    }

    [Fact]
    public async Task ResetLink_UsedOnce_NewPasswordSignsInOldDoesNotAndTheLinkIsDeadAfterwards()
    {
        var (subject, email, oldPassword) = await Host.AccountAsync("agent");
        var link = await EmailedLinkAsync(subject, email);
        var browser = new StaffBrowser(Host);

        var form = await browser.HtmlAsync(link);
        var otherTab = new StaffBrowser(Host);
        var otherForm = await otherTab.HtmlAsync(link);
        using var changed = await SetPasswordAsync(browser, link, "a new long passphrase");
        var again = await browser.HtmlAsync(link);
        using var secondUse = await otherTab.PostFormAsync(link, otherForm, new() { ["NewPassword"] = "another long passphrase", ["ConfirmPassword"] = "another long passphrase" });

        Assert.Contains("autocomplete=\"new-password\"", form);
        Assert.Contains("Your password is changed.", await changed.Content.ReadAsStringAsync());
        Assert.Contains("This link does not work", again);
        Assert.DoesNotContain("new-password", again);
        Assert.Contains("This link does not work", await secondUse.Content.ReadAsStringAsync());
        Assert.Equal("/account/signed-in", StaffBrowser.Location(await new StaffBrowser(Host).SignInAsync(subject, "a new long passphrase")));
        var withOld = await (await new StaffBrowser(Host).SignInAsync(subject, oldPassword)).Content.ReadAsStringAsync();
        Assert.Contains("The staff ID or password is not right.", withOld);
        var withSecond = await (await new StaffBrowser(Host).SignInAsync(subject, "another long passphrase")).Content.ReadAsStringAsync();
        Assert.Contains("The staff ID or password is not right.", withSecond);
    }

    [Fact]
    public async Task ResetLink_AfterItsLifetime_RefusedAndThePasswordUnchanged()
    {
        var (subject, email, oldPassword) = await Host.AccountAsync("agent");
        var link = await EmailedLinkAsync(subject, email);
        var browser = new StaffBrowser(Host);
        var form = await browser.HtmlAsync(link);

        Host.Clock.Advance(TimeSpan.FromMinutes(30) + TimeSpan.FromSeconds(1));
        using var late = await browser.PostFormAsync(link, form, new() { ["NewPassword"] = "a new long passphrase", ["ConfirmPassword"] = "a new long passphrase" });

        Assert.Contains("autocomplete=\"new-password\"", form);
        Assert.Contains("This link does not work", await late.Content.ReadAsStringAsync());
        Assert.Contains("This link does not work", await browser.HtmlAsync(link));
        Assert.Equal("/account/signed-in", StaffBrowser.Location(await new StaffBrowser(Host).SignInAsync(subject, oldPassword)));
    }

    [Fact]
    public async Task ResetLink_WithinItsLifetime_Works()
    {
        var (subject, email, _) = await Host.AccountAsync("agent");
        var link = await EmailedLinkAsync(subject, email);

        Host.Clock.Advance(TimeSpan.FromMinutes(29));
        using var changed = await SetPasswordAsync(new StaffBrowser(Host), link, "a new long passphrase");

        Assert.Contains("Your password is changed.", await changed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ResetLink_TamperedToken_Refused()
    {
        var (subject, email, _) = await Host.AccountAsync("agent");
        var link = await EmailedLinkAsync(subject, email);

        var html = await new StaffBrowser(Host).HtmlAsync(link[..^3] + (link[^3..] == "AAA" ? "BBB" : "AAA"));
        var otherAccount = await new StaffBrowser(Host).HtmlAsync(link.Replace("account=" + subject, "account=admin-1", StringComparison.Ordinal));

        Assert.Contains("This link does not work", html);
        Assert.Contains("This link does not work", otherAccount);
    }

    [Fact]
    public async Task ResetPassword_TooShortOrNotRepeated_RefusedAndTheLinkStillWorks()
    {
        var (subject, email, _) = await Host.AccountAsync("agent");
        var link = await EmailedLinkAsync(subject, email);
        var browser = new StaffBrowser(Host);

        using var tooShort = await SetPasswordAsync(browser, link, "short pass");
        using var differ = await browser.SubmitAsync(link, new() { ["NewPassword"] = "a new long passphrase", ["ConfirmPassword"] = "a new long passphrasE" });
        using var changed = await SetPasswordAsync(browser, link, "a new long passphrase");

        Assert.Contains("The password needs at least 12 characters.", await tooShort.Content.ReadAsStringAsync());
        Assert.Contains("The two passwords are not the same.", await differ.Content.ReadAsStringAsync());
        Assert.Contains("Your password is changed.", await changed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ResetPassword_SignedInElsewhere_RefreshTokensRevokedFailuresClearedAndTheSessionEnds()
    {
        var (subject, email, password) = await Host.AccountAsync("agent");
        var elsewhere = new StaffBrowser(Host);
        var tokens = await elsewhere.TokensAsync(subject, password);
        await new StaffBrowser(Host).SignInAsync(subject, "a wrong password, twice");
        await new StaffBrowser(Host).SignInAsync(subject, "a wrong password, twice");
        var failuresBefore = await Host.WithUserAsync(subject, (u, user) => u.GetAccessFailedCountAsync(user));
        var link = await EmailedLinkAsync(subject, email);

        await SetPasswordAsync(new StaffBrowser(Host), link, "a new long passphrase");
        var (status, body) = await elsewhere.RefreshAsync(tokens);
        Host.Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        using var page = await elsewhere.GetAsync("/account/signed-in");

        Assert.Equal(2, failuresBefore);
        Assert.Equal(0, await Host.WithUserAsync(subject, (u, user) => u.GetAccessFailedCountAsync(user)));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        Assert.StartsWith("/account/sign-in", StaffBrowser.Location(page));
    }

    [Fact]
    public async Task ResetPassword_AccountWithASecondFactor_SignInStillAsksForTheCode()
    {
        var (subject, email, _) = await Host.AccountAsync("agent");
        await Host.WithUserAsync(subject, async (users, user) =>
        {
            await users.ResetAuthenticatorKeyAsync(user);
            return await users.SetTwoFactorEnabledAsync(user, true);
        });
        var link = await EmailedLinkAsync(subject, email);

        await SetPasswordAsync(new StaffBrowser(Host), link, "a new long passphrase");
        using var signIn = await new StaffBrowser(Host).SignInAsync(subject, "a new long passphrase");

        Assert.StartsWith("/account/code", StaffBrowser.Location(signIn));
        Assert.True(await Host.WithUserAsync(subject, (u, user) => u.GetTwoFactorEnabledAsync(user)));
    }

    [Fact]
    public async Task ForgotPassword_AskedAgainWithinFiveMinutes_OneEmailUntilTheIntervalHasPassed()
    {
        var (subject, email, _) = await Host.AccountAsync("agent");
        var (sentinel, sentinelEmail, _) = await Host.AccountAsync("agent");
        var browser = new StaffBrowser(Host);

        await RequestResetAsync(browser, subject);
        await Host.NextMailAsync(email);
        Host.Clock.Advance(TimeSpan.FromMinutes(4));
        using var again = await RequestResetAsync(browser, email);
        // Queued after the repeat: once it is there, a second email to the account would be there too.
        await RequestResetAsync(browser, sentinel);
        await Host.NextMailAsync(sentinelEmail);
        var withinInterval = Host.MailTo(email).Count;
        Host.Clock.Advance(TimeSpan.FromMinutes(1));
        await RequestResetAsync(browser, subject);
        var second = await Host.NextMailAsync(email, 2);

        Assert.Contains("If an account with that staff ID or email exists", await again.Content.ReadAsStringAsync());
        Assert.Equal(1, withinInterval);
        Assert.Contains("/account/reset-password?account=" + subject, second.TextBody);
    }

    [Theory]
    [InlineData("ko", "비밀번호를 잊으셨나요?", "비밀번호 재설정", "직원 ID 또는 이메일", "Complaints 새 비밀번호 설정", "새 비밀번호")]
    [InlineData("bg", "Забравена парола?", "Възстановяване на паролата", "Служебен идентификатор или имейл", "Задаване на нова парола за Complaints", "Нова парола")]
    public async Task ResetPages_InTheBrowsersLanguage_LocalisedPagesAndEmail(string language, string link, string title, string label, string mailSubject, string newPassword)
    {
        var (subject, email, _) = await Host.AccountAsync("agent");
        var browser = new StaffBrowser(Host);

        var signIn = await browser.HtmlAsync("/account/sign-in", language);
        using var forgot = await browser.GetAsync("/account/forgot-password", language);
        var forgotHtml = await forgot.Content.ReadAsStringAsync();
        using var sent = await RequestResetAsync(browser, subject, language);
        var mail = await Host.NextMailAsync(email);
        var resetHtml = await browser.HtmlAsync(LinkIn(mail), language);

        Assert.Contains($">{link}</a>", signIn);
        Assert.Contains($"<html lang=\"{language}\">", forgotHtml);
        Assert.Contains(title, forgotHtml);
        Assert.Contains(label, forgotHtml);
        Assert.DoesNotContain("Staff ID or email", forgotHtml);
        Assert.Contains("default-src 'self'", forgot.Headers.GetValues("Content-Security-Policy").Single());
        Assert.DoesNotContain("<script", forgotHtml);
        Assert.DoesNotContain("style=", forgotHtml);
        Assert.DoesNotContain("If an account with that staff ID or email exists", await sent.Content.ReadAsStringAsync());
        Assert.Equal(mailSubject, mail.Subject);
        Assert.Contains($"lang=\"{language}\"", mail.HtmlBody);
        Assert.Contains($"<html lang=\"{language}\">", resetHtml);
        Assert.Contains(newPassword, resetHtml);
        Assert.DoesNotContain("New password", resetHtml);
    }

    [Fact]
    public async Task ResetPage_Always_NotCachedAndNoReferrer()
    {
        using var response = await new StaffBrowser(Host).GetAsync("/account/reset-password?account=x&token=y");

        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [GeneratedRegex(@"https?://\S+/account/reset-password\?\S+")]
    private static partial Regex ResetLink();
}

/// <summary>An admin signs a staff member out everywhere: refresh tokens at once, the Identity session at its next check.</summary>
public sealed class ForceSignOutTests(ResetFixture fixture) : IClassFixture<ResetFixture>
{
    private ResetHost Host => fixture.Host;

    [Fact]
    public async Task ForceSignOut_SignedInAccount_RefreshTokensRevokedAndTheSessionNoLongerReachesTheSignedInPage()
    {
        var (subject, _, password) = await Host.AccountAsync("agent");
        var browser = new StaffBrowser(Host);
        var tokens = await browser.TokensAsync(subject, password);
        using var before = await browser.GetAsync("/account/signed-in");
        var now = Host.Clock.GetUtcNow();

        var answer = await Host.Accounts().ForceSignOutAsync(new ForceSignOutRequest { Subject = subject, Reason = "laptop stolen" });
        var (status, body) = await browser.RefreshAsync(tokens);
        Host.Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        using var after = await browser.GetAsync("/account/signed-in");
        using var againAfter = await browser.GetAsync("/account/signed-in");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(subject, answer.Account.Subject);
        Assert.True(answer.RevokedTokens >= 1);
        Assert.Equal(now + TimeSpan.FromMinutes(15), answer.AccessTokensExpiredBy.ToDateTimeOffset());
        Assert.Equal(now + TimeSpan.FromMinutes(1), answer.SessionsEndedBy.ToDateTimeOffset());
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        Assert.StartsWith("/account/sign-in", StaffBrowser.Location(after));
        Assert.StartsWith("/account/sign-in", StaffBrowser.Location(againAfter));
        // The password still works: a new sign-in makes a new session.
        Assert.Equal("/account/signed-in", StaffBrowser.Location(await browser.SignInAsync(subject, password)));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account/signed-in")).StatusCode);
    }

    [Fact]
    public async Task Session_UntouchedAccountPastTheCheckInterval_KeepsWorkingUntilItsOwnEnd()
    {
        var (subject, _, password) = await Host.AccountAsync("agent");
        var browser = new StaffBrowser(Host);
        await browser.SignInAsync(subject, password);

        Host.Clock.Advance(TimeSpan.FromMinutes(5));
        using var checkedOnce = await browser.GetAsync("/account/signed-in");
        Host.Clock.Advance(TimeSpan.FromHours(9));
        using var checkedAgain = await browser.GetAsync("/account/signed-in");
        Host.Clock.Advance(TimeSpan.FromMinutes(56));
        using var pastItsEnd = await browser.GetAsync("/account/signed-in");

        Assert.Equal(HttpStatusCode.OK, checkedOnce.StatusCode);
        Assert.Equal(HttpStatusCode.OK, checkedAgain.StatusCode);
        // Ten hours after the sign-in, however often it was checked since.
        Assert.StartsWith("/account/sign-in", StaffBrowser.Location(pastItsEnd));
    }

    [Fact]
    public async Task ForceSignOut_OverRest_AnswersWithTheAccount()
    {
        var (subject, _, _) = await Host.AccountAsync("agent");
        using var client = Host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Host.Token("admin-1", "admin"));

        using var response = await client.PostAsync($"/api/v1/identity/accounts/{subject}:signOut",
            new StringContent("{\"reason\":\"lost phone\"}", Encoding.UTF8, "application/json"));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(subject, json.RootElement.GetProperty("account").GetProperty("subject").GetString());
        Assert.True(json.RootElement.TryGetProperty("sessionsEndedBy", out _));
    }

    [Fact]
    public async Task ForceSignOut_WithoutAReason_InvalidArgumentAndTheSessionStays()
    {
        var (subject, _, password) = await Host.AccountAsync("agent");
        var browser = new StaffBrowser(Host);
        await browser.SignInAsync(subject, password);

        var error = await Assert.ThrowsAsync<RpcException>(() => Host.Accounts().ForceSignOutAsync(new ForceSignOutRequest { Subject = subject }).ResponseAsync);
        Host.Clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account/signed-in")).StatusCode);
    }

    [Fact]
    public async Task ForceSignOut_UnknownAccount_NotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Host.Accounts().ForceSignOutAsync(new ForceSignOutRequest { Subject = "nobody-here", Reason = "check" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("supervisor")]
    [InlineData("analyst")]
    [InlineData("service")]
    [InlineData("partner")]
    public async Task ForceSignOut_NotAdmin_PermissionDeniedAndTheSessionStays(string role)
    {
        var (subject, _, password) = await Host.AccountAsync("agent");
        var browser = new StaffBrowser(Host);
        var tokens = await browser.TokensAsync(subject, password);

        var error = await Assert.ThrowsAsync<RpcException>(() => Host.Accounts(role).ForceSignOutAsync(new ForceSignOutRequest { Subject = subject, Reason = "not mine to do" }).ResponseAsync);
        Host.Clock.Advance(TimeSpan.FromMinutes(2));
        var (status, _) = await browser.RefreshAsync(tokens);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account/signed-in")).StatusCode);
    }
}
