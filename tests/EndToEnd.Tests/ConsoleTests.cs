using Complaints.TestSupport;
using Microsoft.Playwright;

namespace Complaints.EndToEnd.Tests;

/// <summary>
/// The staff console in real Chromium through the gateway: staff sign in at the platform's identity provider (code and
/// PKCE; the tokens stay in the web app), work from their queue, and sign out. Every page passes axe-core's WCAG 2.2 AA
/// rules; screenshots are kept in artifacts/screenshots as console-*.png.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ConsoleTests(PlatformFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static async Task SignInAsync(IPage page, string subject, string password)
    {
        await page.WaitForURLAsync("**/account/sign-in**");
        await page.GetByLabel("Staff ID").FillAsync(subject);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    [Fact]
    public async Task SignIn_AgentInChromium_QueueShowsCaseAndSignOutEndsTheSession()
    {
        var subject = "console-" + Guid.NewGuid().ToString("N")[..8];
        var password = await fixture.Tokens.CreateAccountAsync(subject, "agent");
        var complaint = await Complaint.SubmitAsync(fixture.Rest, language: "en");
        await Eventually.Get(() => complaint.TrackAsync(fixture.Rest), Complaint.IsAcknowledged, "the acknowledgement", Timeout);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Pages.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new() { BaseURL = fixture.Portal.ToString(), Locale = "en-GB" });
        var page = await context.NewPageAsync();

        // The console sends a stranger to the provider's sign-in, and back to the queue once signed in.
        await page.GotoAsync("/console");
        await SignInAsync(page, subject, password);
        await page.WaitForURLAsync("**/console/queue");
        await Assertions.Expect(page.Locator("#signed-in-as")).ToContainTextAsync(subject);

        // The browser holds the session's key, never a token: the only console cookie is opaque and HttpOnly.
        var cookies = await context.CookiesAsync();
        var session = Assert.Single(cookies, c => c.Name == "console_session");
        Assert.True(session.HttpOnly);
        Assert.Equal("/console", session.Path);
        Assert.DoesNotContain(cookies, c => c.Value.StartsWith("eyJ", StringComparison.Ordinal));

        // Pages fetched at once each renew the token, one after the other: none reuses a spent refresh token (which would
        // revoke the session), so all succeed and the session lives on.
        var statuses = await page.EvaluateAsync<int[]>("() => Promise.all([1, 2, 3, 4, 5, 6].map(() => fetch('/console/queue', { redirect: 'manual' }).then(r => r.status)))");
        Assert.All(statuses, s => Assert.Equal(200, s));

        await page.GetByLabel("Show").SelectOptionAsync("all");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show cases" }).ClickAsync();
        var row = page.Locator($"#case-{complaint.Reference}");
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(row).ToContainTextAsync("Acknowledged");
        await Pages.CheckAsync(page, "queue", "console");

        // A new Korean complaint appears in the open queue by itself: no reload (the page's own marker survives).
        await page.EvaluateAsync("() => { window.notReloaded = true; }");
        var korean = await Complaint.SubmitAsync(fixture.Rest, language: "ko");
        await Assertions.Expect(page.Locator($"#case-{korean.Reference}")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#queue-live")).ToContainTextAsync(korean.Reference);
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"));

        // Signing out ends both sessions: the console asks the provider to sign in again.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync("**/console/signed-out");
        await Pages.CheckAsync(page, "signed-out", "console");
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == "console_session");
        await page.GotoAsync("/console/queue");
        await page.WaitForURLAsync("**/account/sign-in**");
    }

    [Fact]
    public async Task LanguageSwitch_AgentChoosesKorean_KeptInTheProfileForTheNextSignIn()
    {
        var subject = "console-" + Guid.NewGuid().ToString("N")[..8];
        var password = await fixture.Tokens.CreateAccountAsync(subject, "agent");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Pages.LaunchAsync(playwright);

        var first = await (await browser.NewContextAsync(new() { BaseURL = fixture.Portal.ToString(), Locale = "en-GB" })).NewPageAsync();
        await first.GotoAsync("/console");
        await SignInAsync(first, subject, password);
        await first.WaitForURLAsync("**/console/queue");
        await first.GetByRole(AriaRole.Link, new() { Name = "한국어" }).ClickAsync();
        await Assertions.Expect(first.Locator("h1")).ToHaveTextAsync("사건");
        await Assertions.Expect(first.Locator("html")).ToHaveAttributeAsync("lang", "ko");
        await Pages.CheckAsync(first, "queue-ko", "console");

        // Another browser, in English: the console follows the profile, not the browser.
        var second = await (await browser.NewContextAsync(new() { BaseURL = fixture.Portal.ToString(), Locale = "en-GB" })).NewPageAsync();
        await second.GotoAsync("/console");
        await SignInAsync(second, subject, password);
        await second.WaitForURLAsync("**/console/queue");
        await Assertions.Expect(second.Locator("h1")).ToHaveTextAsync("사건");
    }

    [Fact]
    public async Task CasePage_AgentWorksTheCase_RefusalsShownInPlaceWithWhatWasTyped()
    {
        var subject = "console-" + Guid.NewGuid().ToString("N")[..8];
        var password = await fixture.Tokens.CreateAccountAsync(subject, "agent");
        var complaint = await Complaint.SubmitAsync(fixture.Rest, language: "en");
        await Eventually.Get(() => complaint.TrackAsync(fixture.Rest), Complaint.IsAcknowledged, "the acknowledgement", Timeout);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Pages.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new() { BaseURL = fixture.Portal.ToString(), Locale = "en-GB" });
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/console/cases/{complaint.Reference}");
        await SignInAsync(page, subject, password);
        await page.WaitForURLAsync($"**/console/cases/{complaint.Reference}");
        await Assertions.Expect(page.Locator("#case-status")).ToHaveTextAsync("Acknowledged");
        await Assertions.Expect(page.Locator("#words-description")).ToHaveTextAsync(complaint.Description);
        await Pages.CheckAsync(page, "case", "console");

        // Closing a case that was never resolved is an illegal transition: Routing's words beside that form, the reason kept.
        await page.GetByText("Status, escalation and severity").ClickAsync();
        await page.GetByLabel("Reason to close (optional)").FillAsync("Customer called to say it is fine");
        await page.GetByRole(AriaRole.Button, new() { Name = "Close case" }).ClickAsync();
        await Assertions.Expect(page.Locator("#close-error")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Reason to close (optional)")).ToHaveValueAsync("Customer called to say it is fine");
        await Assertions.Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("^Error:"));
        await Pages.CheckAsync(page, "case-refused", "console");

        // A note is recorded on the timeline, with a notice after the redirect.
        await page.GetByText("Add an internal note").ClickAsync();
        await page.GetByLabel("Note (never shown to the complainant)").FillAsync("Called the card issuer; waiting for the statement.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add note" }).ClickAsync();
        await Assertions.Expect(page.Locator("#case-done")).ToHaveTextAsync("The note was added.");
        await Assertions.Expect(page.Locator("#case-timeline")).ToContainTextAsync("Called the card issuer; waiting for the statement.");

        // The contact is read with a purpose, and shown on that response only.
        await page.GetByLabel("Why you need them").FillAsync("Call back about the refund");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show contact details" }).ClickAsync();
        await Assertions.Expect(page.Locator("#contact-details")).ToContainTextAsync(complaint.Email);

        // Who read what is for the case's supervisors: an agent is told so.
        await page.GetByRole(AriaRole.Link, new() { Name = "Who read this complaint" }).ClickAsync();
        await Assertions.Expect(page.Locator("#audit-error")).ToContainTextAsync("Only the case's supervisors");
    }

    [Fact]
    public async Task Admin_ManagesDirectoryRulesAndAccounts_RefusalsInPlaceAndChangesSaved()
    {
        var subject = "console-admin-" + Guid.NewGuid().ToString("N")[..6];
        var password = await fixture.Tokens.CreateAccountAsync(subject, "admin");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Pages.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new() { BaseURL = fixture.Portal.ToString(), Locale = "en-GB" });
        var page = await context.NewPageAsync();

        // An admin sets up the second factor at the first sign-in, then lands where they were going.
        await page.GotoAsync("/console/admin/directory");
        await SignInAsync(page, subject, password);
        await page.WaitForURLAsync("**/account/two-factor-setup**");
        var key = (await page.Locator("#key").TextContentAsync())!.Trim();
        await page.GetByLabel("Code from your authenticator app").FillAsync(Totp.Code(key, DateTimeOffset.UtcNow));
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Continue" }).ClickAsync();
        await page.WaitForURLAsync("**/console/admin/directory");

        // A queue's supervisor must be in the directory: Routing names the field, and what was typed stays.
        var queue = "q-" + Guid.NewGuid().ToString("N")[..6];
        await page.GetByLabel("Queue ID").FillAsync(queue);
        await page.Locator("#queue-name").FillAsync("Card disputes");
        await page.GetByLabel("Supervisors (staff IDs)").FillAsync(subject);
        await page.Locator("#queue-form").GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.Locator("#queue-error")).ToContainTextAsync("supervisorIds[0]");
        await Assertions.Expect(page.GetByLabel("Queue ID")).ToHaveValueAsync(queue);

        await page.Locator("#agent-id").FillAsync(subject);
        await page.Locator("#agent-name").FillAsync("Mina Park");
        await page.Locator("#agent-languages").FillAsync("en, ko");
        await page.Locator("#agent-capacity").FillAsync("5");
        await page.Locator("#agent-form").GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.Locator("#admin-done")).ToHaveTextAsync("The agent was saved.");

        await page.GetByLabel("Queue ID").FillAsync(queue);
        await page.Locator("#queue-name").FillAsync("Card disputes");
        await page.GetByLabel("Supervisors (staff IDs)").FillAsync(subject);
        await page.Locator("#queue-form").GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.Locator("#admin-done")).ToHaveTextAsync("The queue was saved.");
        await Assertions.Expect(page.Locator("#queues")).ToContainTextAsync("Card disputes");
        await Pages.CheckAsync(page, "admin-directory", "console");

        // A rule naming no queue is refused by Routing, which names the rule's field; the text typed stays.
        await page.GotoAsync("/console/admin/rules");
        var broken = "{ \"rules\": [ { \"name\": \"cards\", \"categories\": [\"billing\"] } ], \"defaultQueueId\": \"general\" }";
        await page.GetByLabel("The rules (JSON)").FillAsync(broken);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.Locator("#rules-error")).ToContainTextAsync("rules[0]");
        await Assertions.Expect(page.GetByLabel("The rules (JSON)")).ToHaveValueAsync(broken);
        await Pages.CheckAsync(page, "admin-rules", "console");

        // A new account's one-time password is shown once.
        await page.GotoAsync("/console/admin/accounts");
        var agent = "agent-" + Guid.NewGuid().ToString("N")[..6];
        await page.GetByText("Create an account").ClickAsync();
        await page.GetByLabel("Staff ID").FillAsync(agent);
        await page.GetByLabel("Name").First.FillAsync("Jun Seo");
        await page.GetByLabel("Email").FillAsync(agent + "@example.com");
        await page.Locator("#create-role-agent").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Assertions.Expect(page.Locator("#account-created")).ToContainTextAsync(agent);
        Assert.True((await page.Locator("#initial-password").TextContentAsync())!.Trim().Length >= 12);
        await Assertions.Expect(page.Locator($"#account-{agent}")).ToBeVisibleAsync();
        await Pages.CheckAsync(page, "admin-accounts", "console");

        foreach (var (path, name) in new[] { ("/console/team", "team"), ("/console/dead-letters", "dead-letters"), ("/console/admin/partners", "admin-partners") })
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(200, response!.Status);
            await Pages.CheckAsync(page, name, "console");
        }
    }

    /// <summary>
    /// The journey in the console: an agent reads a new Korean complaint and asks for information; the
    /// complainant answers through the portal; the agent records findings and proposes a refund above the approval
    /// threshold; a supervisor approves it; the UK final response is refused until the ombudsman rights are in, then sent.
    /// </summary>
    [Fact]
    public async Task Journey_AgentSupervisorAndComplainant_RequestAnswerApprovalAndFinalResponse()
    {
        var agent = "journey-agent-" + Guid.NewGuid().ToString("N")[..6];
        var agentPassword = await fixture.Tokens.CreateAccountAsync(agent, "agent");
        var supervisor = "journey-super-" + Guid.NewGuid().ToString("N")[..6];
        var supervisorPassword = await fixture.Tokens.CreateAccountAsync(supervisor, "supervisor");
        var complaint = await Complaint.SubmitAsync(fixture.Rest, language: "ko");
        await Eventually.Get(() => complaint.TrackAsync(fixture.Rest), Complaint.IsAcknowledged, "the acknowledgement", Timeout);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Pages.LaunchAsync(playwright);
        var page = await (await browser.NewContextAsync(new() { BaseURL = fixture.Portal.ToString(), Locale = "en-GB" })).NewPageAsync();
        await page.GotoAsync($"/console/cases/{complaint.Reference}");
        await SignInAsync(page, agent, agentPassword);
        await page.WaitForURLAsync($"**/console/cases/{complaint.Reference}");
        await Assertions.Expect(page.Locator("#words-description")).ToHaveTextAsync(complaint.Description);

        await page.GetByText("Request information").ClickAsync();
        await page.GetByLabel("What you need from the complainant").FillAsync("카드 명세서를 보내 주세요.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send request" }).ClickAsync();
        await Assertions.Expect(page.Locator("#case-status")).ToHaveTextAsync("Awaiting complainant");

        // The complainant answers on the portal's follow page.
        var portal = await (await browser.NewContextAsync(new() { BaseURL = fixture.Portal.ToString(), Locale = "ko-KR" })).NewPageAsync();
        await portal.GotoAsync("/follow");
        await portal.Locator("#open-reference").FillAsync(complaint.Reference);
        await portal.Locator("#open-trackingToken").FillAsync(complaint.TrackingToken);
        await portal.Locator("form.follow-open button[type=submit]").ClickAsync();
        await portal.WaitForURLAsync("**/follow");
        await Assertions.Expect(portal.Locator("#follow-request")).ToContainTextAsync("카드 명세서를 보내 주세요.");
        await portal.Locator("#answer-text").FillAsync("명세서에 42.00 파운드가 두 번 청구되어 있습니다.");
        await portal.Locator("#follow-request button[type=submit]").ClickAsync();
        await portal.WaitForURLAsync("**/follow?done=answered");

        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#case-timeline")).ToContainTextAsync("명세서에 42.00 파운드가 두 번 청구되어 있습니다.");
        await page.GetByText("Findings and root cause").ClickAsync();
        await page.GetByLabel("Findings", new() { Exact = true }).FillAsync("The card was captured twice.");
        await page.GetByLabel("Root cause", new() { Exact = true }).FillAsync("system_error");
        await page.GetByLabel("Corrective action").FillAsync("Fixed the duplicate capture.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record findings" }).ClickAsync();
        await Assertions.Expect(page.Locator("#case-done")).ToHaveTextAsync("The findings were recorded.");

        await page.GetByText("Propose a resolution").ClickAsync();
        await page.GetByLabel("Outcome").SelectOptionAsync("Upheld");
        await page.GetByLabel("Summary").FillAsync("Refund the duplicate charge and compensate.");
        await page.GetByLabel("Apology").CheckAsync();
        await page.GetByLabel("Refund").FillAsync("600.00");
        await page.GetByLabel("Currency (ISO 4217)").FillAsync("GBP");
        await page.GetByRole(AriaRole.Button, new() { Name = "Propose resolution" }).ClickAsync();
        await Assertions.Expect(page.Locator("#case-status")).ToContainTextAsync("awaiting approval");

        // A second user, a supervisor, approves it from the approvals waiting.
        var approver = await (await browser.NewContextAsync(new() { BaseURL = fixture.Portal.ToString(), Locale = "en-GB" })).NewPageAsync();
        await approver.GotoAsync("/console/queue?view=approvals");
        await SignInAsync(approver, supervisor, supervisorPassword);
        await approver.WaitForURLAsync("**/console/queue?view=approvals");
        await approver.Locator($"#case-{complaint.Reference} a").ClickAsync();
        await approver.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Assertions.Expect(approver.Locator("#case-done")).ToHaveTextAsync("Your decision was recorded.");

        // The UK final response without the ombudsman rights is refused, naming what is missing; the draft stays.
        await page.ReloadAsync();
        await page.GetByText("Final response", new() { Exact = true }).ClickAsync();
        await page.Locator("#final-text").FillAsync("We have refunded 600.00 GBP and we apologise.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send final response" }).ClickAsync();
        await Assertions.Expect(page.Locator("#final-error")).ToContainTextAsync("lacks");
        await Assertions.Expect(page.Locator("#final-text")).ToHaveValueAsync("We have refunded 600.00 GBP and we apologise.");
        await Pages.CheckAsync(page, "final-response-refused", "console");

        // Each required statement's standard wording inserted, then sent.
        var statements = await page.Locator("ul.checklist li").CountAsync();
        Assert.True(statements > 0);
        for (var i = 0; i < statements; i++)
        {
            await page.Locator("ul.checklist li").Nth(i).GetByRole(AriaRole.Button, new() { Name = "Insert the standard wording" }).ClickAsync();
            await Assertions.Expect(page.Locator("#final-text")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^We have refunded"));
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Send final response" }).ClickAsync();
        await Assertions.Expect(page.Locator("#case-done")).ToHaveTextAsync("The final response was sent.");
        await Assertions.Expect(page.Locator("#case-status")).ToHaveTextAsync("Resolved");
    }

    [Fact]
    public async Task CasePage_ConfidentialCaseOutsideTheAgentsCircle_NotFoundByUrlAndNotListed()
    {
        var subject = "console-" + Guid.NewGuid().ToString("N")[..8];
        var password = await fixture.Tokens.CreateAccountAsync(subject, "agent");
        var secret = await Complaint.SubmitAsync(fixture.Rest, language: "en", confidential: true);
        await Eventually.Get(() => secret.TrackAsync(fixture.Rest), Complaint.IsAcknowledged, "the acknowledgement", Timeout);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Pages.LaunchAsync(playwright);
        var page = await (await browser.NewContextAsync(new() { BaseURL = fixture.Portal.ToString(), Locale = "en-GB" })).NewPageAsync();
        await page.GotoAsync("/console/queue?view=all&confidential=only");
        await SignInAsync(page, subject, password);
        await page.WaitForURLAsync("**/console/queue?view=all&confidential=only");
        await Assertions.Expect(page.Locator("#queue-count")).ToContainTextAsync("Cases: 0");
        await Assertions.Expect(page.Locator($"#case-{secret.Reference}")).ToHaveCountAsync(0);

        // By its address: the same page as for a reference that does not exist.
        var opened = await page.GotoAsync($"/console/cases/{secret.Reference}");
        Assert.Equal(404, opened!.Status);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Case not found");
        var hidden = await page.Locator("main").InnerTextAsync();
        var unknown = await page.GotoAsync("/console/cases/CMP-0000-0000");
        Assert.Equal(404, unknown!.Status);
        Assert.Equal(hidden, await page.Locator("main").InnerTextAsync());
        await Pages.CheckAsync(page, "case-not-found", "console");
        var access = await page.GotoAsync($"/console/cases/{secret.Reference}/access");
        Assert.Equal(404, access!.Status);
    }
}
