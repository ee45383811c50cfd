using System.Text;
using System.Text.RegularExpressions;
using Complaints.Launcher;
using Complaints.Routing.V1;
using Complaints.TestSupport;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Playwright;

namespace Complaints.EndToEnd.Tests;

/// <summary>
/// Following a complaint in the portal, in real Chromium against the real platform: a Korean complainant with the
/// keyboard alone opens a complaint with its reference and tracking code, sees the acknowledgement and then a request
/// for information arrive live, answers with a document and sees the answer in the timeline; the same with JavaScript
/// off (axe on a script-less twin of each page);
/// adding a document without a request, withdrawing and asking to reopen, each after a confirmation; a lost code
/// recovered through the address on file. Every page state goes through axe (no rule disabled),
/// with screenshots per page and language (artifacts/screenshots/portal-follow-*.png), also at 320 px.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class PortalFollowTests(PlatformFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static readonly byte[] Statement = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");

    private string Portal => fixture.Portal.ToString();

    private async Task<IBrowserContext> ContextAsync(IBrowser browser, string locale, int width = 1280, bool javaScript = true) =>
        await browser.NewContextAsync(new()
        {
            BaseURL = Portal,
            Locale = locale,
            ViewportSize = new() { Width = width, Height = 900 },
            JavaScriptEnabled = javaScript,
        });

    /// <summary>The staff side, through the gateway's gRPC: start the investigation and ask the complainant a question.</summary>
    private async Task RequestInformationAsync(string reference, string question)
    {
        using var grpc = GrpcChannel.ForAddress(fixture.Platform.GatewayGrpcUrl);
        var work = new CaseWorkService.CaseWorkServiceClient(grpc);
        var agent = new Metadata { { "Authorization", "Bearer " + await fixture.Tokens.StaffAsync("e2e-agent", "agent") } };
        await work.StartInvestigationAsync(new CaseActionRequest { Reference = reference }, agent);
        await work.RequestInformationAsync(new RequestInformationRequest { Reference = reference, Question = question }, agent);
    }

    [Fact]
    public async Task Follow_KoreanWithTheKeyboardOnly_AcknowledgementAndRequestArriveLiveAndTheAnswerWithADocumentIsInTheTimeline()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Pages.LaunchAsync(playwright);
        var context = await ContextAsync(browser, "ko-KR");
        var page = await context.NewPageAsync();
        var addresses = new List<string>();
        page.Request += (_, request) => addresses.Add(request.Url);
        // Notifications is away while the complaint comes in, so the acknowledgement can only arrive once the page is
        // open: it is started again then, and the acknowledgement follows (its messages are queued, never lost).
        await fixture.Platform.KillAsync("notifications");
        var notificationsAway = true;
        try
        {
            var complaint = await Complaint.SubmitAsync(fixture.Rest, language: "ko", timeZone: "Asia/Seoul");
            // The email's link carries the reference only; the code typed in, by keyboard.
            await page.GotoAsync($"follow?reference={complaint.Reference}");
            await Assertions.Expect(page.Locator("#open-reference")).ToHaveValueAsync(complaint.Reference);
            await Pages.TabToAsync(page, "#open-trackingToken");
            await page.Keyboard.InsertTextAsync(complaint.TrackingToken);
            await page.Keyboard.PressAsync("Enter");
            await page.WaitForURLAsync("**/follow");

            // The view, in Korean, received and not yet acknowledged; the page is listening, the keyboard on a link. Then
            // Notifications is back: the acknowledgement arrives while the page is open, without a reload.
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync($"민원 {complaint.Reference}");
            await page.EvaluateAsync("() => { window.followMarker = 'not reloaded'; }");
            await Pages.TabToAsync(page, "a[href='/follow/withdraw']");
            await Assertions.Expect(page.Locator(".follow-refresh span")).ToHaveTextAsync("이 페이지는 열려 있는 동안 자동으로 업데이트됩니다.");
            await Assertions.Expect(page.Locator("#follow-status .follow-status strong")).ToHaveTextAsync("접수됨");
            await fixture.Platform.StartAgainAsync("notifications");
            notificationsAway = false;
            await Assertions.Expect(page.Locator("#follow-status .follow-status strong")).ToHaveTextAsync("접수 확인됨", new() { Timeout = 60_000 });
            await Assertions.Expect(page.Locator("#follow-timeline")).ToContainTextAsync("민원 접수 확인");
            Assert.Equal("not reloaded", await page.EvaluateAsync<string>("() => window.followMarker"));
            await Pages.CheckAsync(page, "follow-ko", "portal");

            // Staff ask for information through the API while the page is open: the request and its form appear live, no
            // reload, focus kept, the change announced.
            await RequestInformationAsync(complaint.Reference, "Please send the card statement for May.");
            await Assertions.Expect(page.Locator("#follow-request")).ToContainTextAsync("Please send the card statement for May.", new() { Timeout = 60_000 });
            await Assertions.Expect(page.Locator("#follow-status .follow-status strong")).ToHaveTextAsync("답변 대기 중");
            await Assertions.Expect(page.Locator("#follow-live")).ToContainTextAsync("업데이트:");
            Assert.Equal("not reloaded", await page.EvaluateAsync<string>("() => window.followMarker"));
            await Assertions.Expect(page.Locator("a[href='/follow/withdraw']")).ToBeFocusedAsync();
            await Pages.CheckAsync(page, "follow-request-ko", "portal");

            // The answer, with a document: the file input reached by Tab, the file given to it as the browser's own file
            // dialog would (that dialog is the operating system's, outside the page).
            await Pages.TabToAsync(page, "#answer-text");
            await page.Keyboard.InsertTextAsync("5월 카드 명세서를 첨부합니다.");
            await Pages.TabToAsync(page, "#answer-documents");
            await page.Locator("#answer-documents").SetInputFilesAsync(new FilePayload { Name = "statement-may.pdf", MimeType = "application/pdf", Buffer = Statement });
            await Pages.TabToAsync(page, "#follow-request button[type=submit]");
            await page.Keyboard.PressAsync("Enter");

            await page.WaitForURLAsync("**/follow?done=answered");
            await Assertions.Expect(page.Locator(".follow-notice")).ToHaveTextAsync("감사합니다. 답변을 받았습니다.");
            var answered = page.Locator("#follow-timeline li").First;
            await Assertions.Expect(answered).ToContainTextAsync("답변이 접수됨");
            await Assertions.Expect(answered).ToContainTextAsync("첨부 문서: 1개.");
            await Assertions.Expect(answered).ToContainTextAsync("5월 카드 명세서를 첨부합니다.");
            await Assertions.Expect(page.Locator("#follow-status .follow-status strong")).ToHaveTextAsync("조사 중");
            await Assertions.Expect(page.Locator("#follow-documents")).ToContainTextAsync("statement-may.pdf");
            // Times in the complainant's zone, named.
            await Assertions.Expect(answered.Locator("time")).ToContainTextAsync("(Asia/Seoul)");
            await Pages.CheckAsync(page, "follow-answered-ko", "portal");

            // At 320 CSS px nothing needs sideways scrolling, and the page still passes axe.
            await page.SetViewportSizeAsync(320, 800);
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 320"), "the follow page scrolls sideways at 320 px");
            await Pages.CheckAsync(page, "follow-answered-ko-320", "portal");

            // Sign-out, by keyboard: the form again, and the view is gone.
            await Pages.TabToAsync(page, ".follow-sign-out button");
            await page.Keyboard.PressAsync("Enter");
            await page.WaitForURLAsync("**/follow?done=signed-out");
            await Assertions.Expect(page.Locator("#open-trackingToken")).ToBeVisibleAsync();
            await Pages.CheckAsync(page, "follow-signed-out-ko-320", "portal");

            // The email's link again, at full width, and a wrong code: the same words whichever of the two was wrong.
            await page.SetViewportSizeAsync(1280, 900);
            await page.GotoAsync($"follow?reference={complaint.Reference}");
            await Pages.CheckAsync(page, "follow-open-ko", "portal");
            await Pages.TabToAsync(page, "#open-trackingToken");
            await page.Keyboard.InsertTextAsync("not-the-code");
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("해당 접수 번호와 코드로 민원을 찾을 수 없습니다.");
            await Assertions.Expect(page.Locator("#open-reference")).ToBeFocusedAsync();
            await Pages.CheckAsync(page, "follow-open-error-ko", "portal");

            Assert.DoesNotContain(addresses, a => a.Contains(complaint.TrackingToken, StringComparison.Ordinal));
            Assert.DoesNotContain(complaint.TrackingToken, await page.ContentAsync());
        }
        finally
        {
            // The platform is shared by the collection's other tests: never leave Notifications away.
            if (notificationsAway)
            {
                await fixture.Platform.StartAgainAsync("notifications");
            }
        }
    }

    [Fact]
    public async Task Follow_JavaScriptOff_OpenAndAnswerWithADocumentStillWork()
    {
        var complaint = await Complaint.SubmitAsync(fixture.Rest, language: "bg");
        await Eventually.Get(() => complaint.TrackAsync(fixture.Rest), Complaint.IsAcknowledged, "the acknowledgement", Timeout);
        await RequestInformationAsync(complaint.Reference, "Моля, изпратете извлечението.");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Pages.LaunchAsync(playwright);
        var page = await (await ContextAsync(browser, "bg-BG", javaScript: false)).NewPageAsync();

        await page.GotoAsync("follow");
        await Pages.CheckWithoutScriptAsync(page, browser, "follow-open-bg-nojs", "portal");
        await page.Locator("#open-reference").FillAsync(complaint.Reference);
        await page.Locator("#open-trackingToken").FillAsync(complaint.TrackingToken);
        await page.Locator("form.follow-open button[type=submit]").ClickAsync();

        await page.WaitForURLAsync("**/follow");
        await Assertions.Expect(page.Locator("#follow-request")).ToContainTextAsync("Моля, изпратете извлечението.");
        await Assertions.Expect(page.Locator(".follow-refresh")).ToContainTextAsync("Страницата показва жалбата ви такава, каквато беше");
        await Pages.CheckWithoutScriptAsync(page, browser, "follow-request-bg-nojs", "portal");
        await page.Locator("#answer-text").FillAsync("Прилагам извлечението.");
        await page.Locator("#answer-documents").SetInputFilesAsync(new FilePayload { Name = "izvlechenie.pdf", MimeType = "application/pdf", Buffer = Statement });
        await page.Locator("#follow-request button[type=submit]").ClickAsync();

        await page.WaitForURLAsync("**/follow?done=answered");
        await Assertions.Expect(page.Locator(".follow-notice")).ToHaveTextAsync("Благодарим ви. Получихме отговора ви.");
        await Assertions.Expect(page.Locator("#follow-timeline li").First).ToContainTextAsync("Отговорът ви е получен");
        await Assertions.Expect(page.Locator("#follow-timeline li").First).ToContainTextAsync("Приложени документи: 1.");
        await Pages.CheckWithoutScriptAsync(page, browser, "follow-answered-bg-nojs", "portal");
        var view = await complaint.TrackAsync(fixture.Rest);
        Assert.Equal("CASE_STATUS_IN_INVESTIGATION", view.GetProperty("status").GetString());
    }

    [Fact]
    public async Task AddDocumentWithdrawAndReopen_EnglishPageAt320Px_DocumentListedAndEachActionConfirmedFirst()
    {
        // A Korean complainant on an English browser: the page offers Korean, in Korean.
        var complaint = await Complaint.SubmitAsync(fixture.Rest, language: "ko");
        await Eventually.Get(() => complaint.TrackAsync(fixture.Rest), Complaint.IsAcknowledged, "the acknowledgement", Timeout);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Pages.LaunchAsync(playwright);
        var page = await (await ContextAsync(browser, "en-GB", width: 320)).NewPageAsync();
        await page.GotoAsync("follow");
        await Pages.CheckWithoutScriptAsync(page, browser, "follow-open-bg-nojs", "portal");
        await page.Locator("#open-reference").FillAsync(complaint.Reference);
        await page.Locator("#open-trackingToken").FillAsync(complaint.TrackingToken);
        await page.Locator("form.follow-open button[type=submit]").ClickAsync();
        await page.WaitForURLAsync("**/follow");
        await Assertions.Expect(page.Locator(".follow-language[lang=ko] a")).ToHaveTextAsync("이 페이지를 한국어로 보기");
        await Pages.CheckAsync(page, "follow-en-320", "portal");

        // A document added without a request for information.
        await page.Locator("#follow-documents summary").ClickAsync();
        await page.Locator("#document-text").FillAsync("The shop's refund letter.");
        await page.Locator("#document-documents").SetInputFilesAsync(new FilePayload { Name = "refund-letter.pdf", MimeType = "application/pdf", Buffer = Statement });
        await Pages.CheckAsync(page, "follow-add-document-en-320", "portal");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add the documents" }).ClickAsync();
        await page.WaitForURLAsync("**/follow?done=documents-added");
        await Assertions.Expect(page.Locator(".follow-notice")).ToHaveTextAsync("Thank you. Your documents have been added to your complaint.");
        await Assertions.Expect(page.Locator("#follow-documents .follow-attachments")).ToContainTextAsync("refund-letter.pdf");
        await Assertions.Expect(page.Locator("#follow-timeline li").First).ToContainTextAsync("You added documents");

        // The confirmation page explains; going back does nothing.
        await page.GetByRole(AriaRole.Link, new() { Name = "Withdraw my complaint" }).ClickAsync();
        await page.WaitForURLAsync("**/follow/withdraw");
        await Assertions.Expect(page.Locator(".follow-consequence")).ToContainTextAsync("we stop working on it and close it");
        await Pages.CheckAsync(page, "follow-withdraw-en-320", "portal");
        await page.GetByRole(AriaRole.Button, new() { Name = "No, go back" }).ClickAsync();
        await page.WaitForURLAsync("**/follow");
        await Assertions.Expect(page.Locator("#follow-status .follow-status strong")).ToHaveTextAsync("Acknowledged");

        await page.GetByRole(AriaRole.Link, new() { Name = "Withdraw my complaint" }).ClickAsync();
        await page.Locator("#withdraw-reason").FillAsync("The shop refunded me.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, withdraw my complaint" }).ClickAsync();
        await page.WaitForURLAsync("**/follow?done=withdrawn");
        await Assertions.Expect(page.Locator(".follow-notice")).ToHaveTextAsync("Your complaint has been withdrawn and closed.");
        await Assertions.Expect(page.Locator("#follow-status .follow-status strong")).ToHaveTextAsync("Closed");
        await Assertions.Expect(page.Locator("#follow-timeline li").First).ToContainTextAsync("You withdrew your complaint");
        await Pages.CheckAsync(page, "follow-withdrawn-en-320", "portal");

        // Asking to reopen needs a reason: the error first, then the request.
        await page.GetByRole(AriaRole.Link, new() { Name = "Ask us to reopen my complaint" }).ClickAsync();
        await page.WaitForURLAsync("**/follow/reopen");
        await Pages.CheckAsync(page, "follow-reopen-en-320", "portal");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send my request" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Tell us why you want us to reopen your complaint.");
        await Assertions.Expect(page.Locator("#reopen-reason")).ToBeFocusedAsync();
        await Pages.CheckAsync(page, "follow-reopen-error-en-320", "portal");
        await page.Locator("#reopen-reason").FillAsync("I changed my mind: the refund was reversed.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send my request" }).ClickAsync();
        await page.WaitForURLAsync("**/follow?done=reopen-requested");
        await Assertions.Expect(page.Locator("#follow-timeline li").First).ToContainTextAsync("You asked us to reopen your complaint");
        await Assertions.Expect(page.Locator("#follow-timeline li").First).ToContainTextAsync("the refund was reversed");
        Assert.Equal("CASE_STATUS_CLOSED", (await complaint.TrackAsync(fixture.Rest)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task LostCode_KoreanWithTheAddressOnFile_NewCodeArrivesByMailAndOpensTheComplaint()
    {
        var complaint = await Complaint.SubmitAsync(fixture.Rest, language: "ko");
        await Eventually.Get(() => complaint.TrackAsync(fixture.Rest), Complaint.IsAcknowledged, "the acknowledgement", Timeout);
        var stranger = $"nobody-{complaint.Marker}@example.com";
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Pages.LaunchAsync(playwright);
        var page = await (await ContextAsync(browser, "ko-KR")).NewPageAsync();

        // From the email's link to the lost-code page, by keyboard.
        await page.GotoAsync($"follow?reference={complaint.Reference}");
        await Pages.TabToAsync(page, "a[href^='/follow/lost']");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/follow/lost\\?reference="));
        await Assertions.Expect(page.Locator("#lost-reference")).ToHaveValueAsync(complaint.Reference);
        await Pages.CheckAsync(page, "follow-lost-ko", "portal");

        // A malformed phone number is an error; an address not on file reads exactly as one on file.
        await page.Locator("#lost-contact").FillAsync("010-1234-5678");
        await page.Locator("form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("국가 번호");
        await Pages.CheckAsync(page, "follow-lost-error-ko", "portal");
        await page.Locator("#lost-contact").FillAsync(stranger);
        await page.Locator("form button[type=submit]").ClickAsync();
        await page.WaitForURLAsync("**/follow/lost?done=sent*");
        var notMatched = await page.Locator("main").InnerTextAsync();
        await Pages.CheckAsync(page, "follow-lost-sent-ko", "portal");

        await page.GotoAsync($"follow/lost?reference={complaint.Reference}");
        await page.Locator("#lost-contact").FillAsync(complaint.Email.ToUpperInvariant());
        await page.Locator("form button[type=submit]").ClickAsync();
        await page.WaitForURLAsync("**/follow/lost?done=sent*");
        Assert.Equal(notMatched, await page.Locator("main").InnerTextAsync());
        Assert.DoesNotContain("example.com", page.Url, StringComparison.OrdinalIgnoreCase);

        // The new code, from the mail sink, opens the complaint; nothing went to the address not on file.
        var code = await Eventually.Get(() => Task.FromResult(NewCode(complaint)), c => c is not null, "the new code's email", Timeout);
        Assert.NotEqual(complaint.TrackingToken, code);
        Assert.False(MailTo(stranger).Any(), "an address not on file got mail");
        await page.GetByRole(AriaRole.Link, new() { Name = "새 코드 입력하기" }).ClickAsync();
        await page.WaitForURLAsync($"**/follow?reference={complaint.Reference}");
        await page.Locator("#open-trackingToken").FillAsync(code!);
        await page.Locator("form.follow-open button[type=submit]").ClickAsync();
        await page.WaitForURLAsync("**/follow");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync($"민원 {complaint.Reference}");
        await Assertions.Expect(page.Locator("#follow-status .follow-status strong")).ToHaveTextAsync("접수 확인됨");
    }

    /// <summary>The .eml files of the platform's mail sink addressed to <paramref name="address"/>.</summary>
    private IEnumerable<MimeKit.MimeMessage> MailTo(string address)
    {
        var folder = Path.Combine(fixture.DataDirectory, "mail");
        if (!Directory.Exists(folder))
        {
            yield break;
        }
        foreach (var file in Directory.EnumerateFiles(folder, "*.eml"))
        {
            var message = MimeKit.MimeMessage.Load(file);
            if (message.To.Mailboxes.Any(m => string.Equals(m.Address, address, StringComparison.OrdinalIgnoreCase)))
            {
                yield return message;
            }
        }
    }

    /// <summary>The code on its own line in the new-code email for the complaint, or null before it arrives.</summary>
    private string? NewCode(Complaint complaint) =>
        MailTo(complaint.Email)
            .Where(m => (m.Subject ?? "").Contains(complaint.Reference, StringComparison.Ordinal))
            .Select(m => Regex.Match(m.TextBody ?? "", @"^\s*(?<code>[A-Za-z0-9_-]{40,})\s*$", RegexOptions.Multiline))
            .Where(found => found.Success && found.Groups["code"].Value != complaint.TrackingToken)
            .Select(found => found.Groups["code"].Value)
            .FirstOrDefault();
}
