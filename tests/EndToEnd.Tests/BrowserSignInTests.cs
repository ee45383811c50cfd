using System.Net.Http.Json;
using System.Text.Json;
using Complaints.TestSupport;
using Microsoft.Playwright;

namespace Complaints.EndToEnd.Tests;

/// <summary>
/// A staff member in real Chromium (Debian's), through the gateway: an admin's first sign-in (password, then setting up
/// the second factor the role requires), the protected page, sign-out, and the next sign-in with the authenticator's
/// code. Every page passes axe-core's WCAG 2.2 AA rules; screenshots are kept in artifacts/screenshots.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class BrowserSignInTests(PlatformFixture fixture)
{
    private async Task<(string Subject, string Password)> AdminAccountAsync()
    {
        var subject = "browser-" + Guid.NewGuid().ToString("N")[..8];
        using var request = await fixture.BearerAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/identity/accounts")
        {
            Content = JsonContent.Create(new { subject, email = subject + "@example.com", displayName = "Mina Park", roles = new[] { "admin" } }),
        }, "admin");
        using var response = await fixture.Rest.SendAsync(request);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (subject, json.RootElement.GetProperty("initialPassword").GetString()!);
    }

    private static async Task SignInAsync(IPage page, string subject, string password)
    {
        await page.GetByLabel("Staff ID").FillAsync(subject);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    [Fact]
    public async Task SignIn_AdminInChromiumThroughTheGateway_SecondFactorProtectedPageAndSignOut()
    {
        var (subject, password) = await AdminAccountAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Pages.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new() { BaseURL = fixture.Platform.GatewayRestUrl.ToString(), Locale = "en-GB" });
        var page = await context.NewPageAsync();

        // The protected page sends a stranger to the sign-in, and back once signed in.
        await page.GotoAsync("/account/signed-in");
        // The stylesheet came through the gateway too (the card's border is its work).
        await Assertions.Expect(page.Locator("main")).ToHaveCSSAsync("border-top-style", "solid");
        await Pages.CheckAsync(page, "sign-in");
        await SignInAsync(page, subject, password);

        // An admin sets up the second factor first: the key, a code from it, then the recovery codes.
        await page.WaitForURLAsync("**/account/two-factor-setup**");
        await Pages.CheckAsync(page, "two-factor-setup");
        var key = (await page.Locator("#key").TextContentAsync())!.Trim();
        await page.GetByLabel("Code from your authenticator app").FillAsync(Totp.Code(key, DateTimeOffset.UtcNow));
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Assertions.Expect(page.Locator("#recovery-codes li")).ToHaveCountAsync(10);
        await Pages.CheckAsync(page, "recovery-codes");
        await page.GetByRole(AriaRole.Link, new() { Name = "Continue" }).ClickAsync();

        await page.WaitForURLAsync("**/account/signed-in");
        await Assertions.Expect(page.Locator("#signed-in-as")).ToContainTextAsync(subject);
        await Pages.CheckAsync(page, "signed-in");

        // Signing out ends the session: the protected page asks to sign in again, now with the authenticator's code.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync("**/account/signed-out");
        await page.GotoAsync("/account/signed-in");
        await page.WaitForURLAsync("**/account/sign-in**");
        await SignInAsync(page, subject, password);
        await page.WaitForURLAsync("**/account/code**");
        await Pages.CheckAsync(page, "code");
        await page.GetByLabel("Code from your authenticator app, or a recovery code").FillAsync(Totp.Code(key, DateTimeOffset.UtcNow));
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await page.WaitForURLAsync("**/account/signed-in");
        await Assertions.Expect(page.Locator("#signed-in-as")).ToContainTextAsync(subject);
    }

    [Theory]
    [InlineData("ko-KR", "로그인", "직원 ID 또는 비밀번호가 올바르지 않습니다.")]
    [InlineData("bg-BG", "Вход", "Служебният идентификатор или паролата не са верни.")]
    public async Task SignInPage_PhoneWidthInKoreanAndBulgarian_ErrorShownAndAccessible(string locale, string button, string error)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Pages.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new()
        {
            BaseURL = fixture.Platform.GatewayRestUrl.ToString(),
            Locale = locale,
            ViewportSize = new() { Width = 360, Height = 740 },
        });
        var page = await context.NewPageAsync();

        await page.GotoAsync("/account/sign-in");
        await Pages.CheckAsync(page, $"sign-in-{locale}-360");
        await page.Locator("#staff-id").FillAsync("nobody-" + Guid.NewGuid().ToString("N")[..6]);
        await page.Locator("#password").FillAsync("not the password");
        await page.GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(error);
        await Pages.CheckAsync(page, $"sign-in-{locale}-360-error");
    }

    [Fact]
    public async Task PasswordReset_PhoneWidthInKoreanThenBulgarian_LinkFromTheEmailSetsANewPasswordAccessibly()
    {
        var subject = "reset-" + Guid.NewGuid().ToString("N")[..8];
        await fixture.Tokens.CreateAccountAsync(subject, "agent");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Pages.LaunchAsync(playwright);
        var phone = new ViewportSize { Width = 360, Height = 740 };
        var korean = await (await browser.NewContextAsync(new() { BaseURL = fixture.Platform.GatewayRestUrl.ToString(), Locale = "ko-KR", ViewportSize = phone })).NewPageAsync();

        // The sign-in page's link, the request in Korean, and the same answer whoever asks.
        await korean.GotoAsync("/account/sign-in");
        await korean.GetByRole(AriaRole.Link, new() { Name = "비밀번호를 잊으셨나요?" }).ClickAsync();
        await korean.WaitForURLAsync("**/account/forgot-password");
        await Pages.CheckAsync(korean, "forgot-password-ko-KR-360");
        await korean.Locator("#staff-id-or-email").FillAsync(subject);
        await korean.Locator("form button").ClickAsync();
        await Assertions.Expect(korean.Locator("#sent")).ToBeVisibleAsync();
        await Pages.CheckAsync(korean, "forgot-password-sent-ko-KR-360");

        // The link, as the staff member's mail shows it, opened in Bulgarian: first a mismatch, then a new password.
        var link = await Eventually.Get(() => Task.FromResult(ResetLink(subject)), l => l is not null, "the reset email", TimeSpan.FromSeconds(30));
        var bulgarian = await (await browser.NewContextAsync(new() { Locale = "bg-BG", ViewportSize = phone })).NewPageAsync();
        await bulgarian.GotoAsync(link!);
        await Pages.CheckAsync(bulgarian, "reset-password-bg-BG-360");
        await bulgarian.Locator("#new-password").FillAsync("a long enough new password 1");
        await bulgarian.Locator("#confirm-password").FillAsync("a different new password 22");
        await bulgarian.Locator("form button").ClickAsync();
        await Assertions.Expect(bulgarian.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        await Pages.CheckAsync(bulgarian, "reset-password-bg-BG-360-error");
        await bulgarian.Locator("#new-password").FillAsync("a long enough new password 1");
        await bulgarian.Locator("#confirm-password").FillAsync("a long enough new password 1");
        await bulgarian.Locator("form button").ClickAsync();
        await Assertions.Expect(bulgarian.Locator("#changed")).ToBeVisibleAsync();
        await Pages.CheckAsync(bulgarian, "reset-password-done-bg-BG-360");
    }

    /// <summary>The reset link in the newest email to <paramref name="subject"/>'s address (the local run's .eml files).</summary>
    private string? ResetLink(string subject)
    {
        var mail = Path.Combine(fixture.DataDirectory, "mail");
        if (!Directory.Exists(mail))
        {
            return null;
        }
        foreach (var file in new DirectoryInfo(mail).EnumerateFiles("*.eml").OrderByDescending(f => f.LastWriteTimeUtc))
        {
            using var message = MimeKit.MimeMessage.Load(file.FullName);
            if (message.To.Mailboxes.Any(m => m.Address == subject + "@example.com")
                && System.Text.RegularExpressions.Regex.Match(message.TextBody ?? "", @"https?://\S+/account/reset-password\S+") is { Success: true } found)
            {
                return found.Value;
            }
        }
        return null;
    }
}
