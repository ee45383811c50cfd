using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Complaints.TestSupport;
using Microsoft.Playwright;

namespace Complaints.EndToEnd.Tests;

/// <summary>
/// The complainant's submit journey in real Chromium (Debian's), through the gateway to the web app and the real
/// services: keyboard only, in Korean and Bulgarian, with JavaScript on and off, at 320 CSS px; every page state through
/// axe-core's WCAG 2.2 AA rules, with screenshots (portal-submit-*.png) in artifacts/screenshots. Whether a repeat made a
/// second complaint is asked of Intake's staff search by the complainant's unique email.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class PortalSubmitTests(PlatformFixture fixture)
{
    private static readonly FilePayload Receipt = new()
    {
        Name = "영수증.pdf",
        MimeType = "application/pdf",
        Buffer = Encoding.ASCII.GetBytes("%PDF-1.4\n% receipt\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"),
    };

    private static readonly FilePayload Letter = new()
    {
        Name = "letter.txt",
        MimeType = "text/plain",
        Buffer = Encoding.UTF8.GetBytes("고객센터 담당자님께,\n주문 1234번에 대해 두 번 결제되었습니다.\n"),
    };

    private static string UniqueEmail() => $"portal-{Guid.NewGuid():N}@example.com";

    private async Task<IBrowserContext> ContextAsync(IBrowser browser, string locale, bool javaScript = true, int width = 1024, string? timeZone = null) =>
        await browser.NewContextAsync(new()
        {
            BaseURL = fixture.Portal.ToString(),
            Locale = locale,
            TimezoneId = timeZone,
            JavaScriptEnabled = javaScript,
            ViewportSize = new() { Width = width, Height = 900 },
        });

    [Fact]
    public async Task Submit_KoreanWithTheKeyboardOnlyAndTwoAttachments_ReferenceAndTokenShownAndTrackable()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Pages.LaunchAsync(playwright);
        var context = await ContextAsync(browser, "ko-KR", timeZone: "Asia/Seoul");
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        var page = await context.NewPageAsync();
        var email = UniqueEmail();

        await page.GotoAsync("/submit");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("민원 제기하기");
        // The browser's zone, chosen by the script.
        await Assertions.Expect(page.Locator("#f-timeZone")).ToHaveValueAsync("Asia/Seoul");
        await Pages.CheckAsync(page, "submit-ko", "portal");

        await Pages.TabToAsync(page, "#f-name");
        await page.Keyboard.TypeAsync("김민아");
        await Pages.TabToAsync(page, "#f-email");
        await page.Keyboard.TypeAsync(email);
        await Pages.TabToAsync(page, "#f-phone");
        await page.Keyboard.TypeAsync("+82 10 1234 5678");
        await Pages.TabToAsync(page, "#f-category");
        await page.Keyboard.PressAsync("ArrowDown");
        await Assertions.Expect(page.Locator("#f-category")).ToHaveValueAsync("billing");
        // The subcategories are the chosen category's only: the first one down from "none" is billing's first.
        await Pages.TabToAsync(page, "#f-subcategory");
        await page.Keyboard.PressAsync("ArrowDown");
        await Assertions.Expect(page.Locator("#f-subcategory")).ToHaveValueAsync("billing/double-charge");
        await Pages.TabToAsync(page, "#f-subject");
        await page.Keyboard.TypeAsync("한 번 주문에 두 번 결제됨");
        await Pages.TabToAsync(page, "#f-description");
        await page.Keyboard.TypeAsync("11월 2일 주문 1234번에 대해 카드에서 두 번 결제되었습니다.");
        await Pages.TabToAsync(page, "#f-consentContact");
        await page.Keyboard.PressAsync("Space");
        await Pages.TabToAsync(page, "#f-attachments");
        var chooser = await page.RunAndWaitForFileChooserAsync(() => page.Keyboard.PressAsync("Space"));
        await chooser.SetFilesAsync([Receipt, Letter]);
        await Pages.TabToAsync(page, "button[type='submit']");
        await page.Keyboard.PressAsync("Enter");

        await page.WaitForURLAsync("**/submitted");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("민원이 접수되었습니다");
        var reference = (await page.Locator("#reference").TextContentAsync())!.Trim();
        var token = (await page.Locator("#token").TextContentAsync())!.Trim();
        Assert.DoesNotContain(token, page.Url);
        await Assertions.Expect(page.Locator(".files li")).ToHaveTextAsync(["접수됨: 영수증.pdf", "접수됨: letter.txt"]);
        await Pages.TabToAsync(page, "button[data-copy]");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("[data-copy-status]")).ToHaveTextAsync("복사되었습니다.");
        Assert.Contains(token, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        await Pages.CheckAsync(page, "submitted-ko", "portal");

        // The complaint is there, as the public API tracks it with that reference and token.
        using var tracked = await fixture.Rest.PostAsJsonAsync($"/api/v1/complaints/{reference}/track", new { trackingToken = token });
        Assert.Equal(HttpStatusCode.OK, tracked.StatusCode);
        using var view = JsonDocument.Parse(await tracked.Content.ReadAsStringAsync());
        Assert.Equal(reference, view.RootElement.GetProperty("reference").GetString());
        Assert.Equal(reference, Assert.Single(await ComplaintsOfAsync(email)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Submit_BulgarianWithErrors_ErrorsInBulgarianBesideTheFieldsAndFocusOnTheFirst(bool javaScript)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Pages.LaunchAsync(playwright);
        var context = await ContextAsync(browser, "bg-BG", javaScript);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/submit");
        await page.Locator("#f-name").FillAsync("Мария Иванова");
        await page.Locator("#f-email").FillAsync("maria-at-example");
        await page.Locator("#f-category").SelectOptionAsync("service");
        await page.Locator("#f-description").FillAsync("Чакам отговор от три седмици.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Изпрати жалбата" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Има проблем");
        await Assertions.Expect(page.Locator("#f-email-error")).ToHaveTextAsync("Грешка: Въведете имейл адрес във вида name@example.com");
        await Assertions.Expect(page.Locator("#f-subject-error")).ToHaveTextAsync("Грешка: Въведете тема");
        await Assertions.Expect(page.Locator("#f-email")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("#f-email")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#f-name")).ToHaveValueAsync("Мария Иванова");
        Assert.StartsWith("Грешка:", await page.TitleAsync());
        // The summary's link takes the keyboard to the field.
        await page.GetByRole(AriaRole.Link, new() { Name = "Въведете тема" }).ClickAsync();
        await Assertions.Expect(page.Locator("#f-subject")).ToBeInViewportAsync();
        if (javaScript)
        {
            await Pages.CheckAsync(page, "submit-bg-errors", "portal");
        }
        else
        {
            await Pages.CheckWithoutScriptAsync(page, browser, "submit-bg-errors-nojs", "portal");
        }
    }

    [Fact]
    public async Task Submit_DoubleClickWithJavaScript_OneComplaint()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Pages.LaunchAsync(playwright);
        var context = await ContextAsync(browser, "en-GB");
        var page = await context.NewPageAsync();
        var email = UniqueEmail();

        await page.GotoAsync("/submit");
        await FillValidAsync(page, email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send complaint" }).DblClickAsync();

        await page.WaitForURLAsync("**/submitted");
        Assert.Single(await ComplaintsOfAsync(email));
    }

    [Fact]
    public async Task Submit_WithoutJavaScriptWithAttachmentsThenBackAndSendAgain_OneComplaintShownTwice()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Pages.LaunchAsync(playwright);
        var context = await ContextAsync(browser, "en-GB", javaScript: false);
        var page = await context.NewPageAsync();
        var email = UniqueEmail();

        await page.GotoAsync("/submit");
        var formId = await page.Locator("input[name=formId]").GetAttributeAsync("value");
        await FillValidAsync(page, email);
        await page.Locator("#f-attachments").SetInputFilesAsync([Receipt, Letter]);
        await Pages.CheckWithoutScriptAsync(page, browser, "submit-en-nojs", "portal");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send complaint" }).ClickAsync();
        await page.WaitForURLAsync("**/submitted");
        var reference = (await page.Locator("#reference").TextContentAsync())!.Trim();
        await Assertions.Expect(page.Locator(".files li")).ToHaveTextAsync(["Received: 영수증.pdf", "Received: letter.txt"]);
        // Without a script: no copy or print buttons, the print instructions instead.
        await Assertions.Expect(page.Locator("button[data-copy]")).ToBeHiddenAsync();
        await Pages.CheckWithoutScriptAsync(page, browser, "submitted-en-nojs", "portal");

        // Back to the same form (the browser keeps it, with its form id), a change, and send again.
        await page.GoBackAsync();
        await page.WaitForURLAsync("**/submit");
        // The same form, not a new one: the browser kept it (a post to the page's own address would have evicted it).
        await Assertions.Expect(page.Locator("input[name=formId]")).ToHaveValueAsync(formId!);
        await page.Locator("#f-subject").FillAsync("Charged twice, still no refund");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send complaint" }).ClickAsync();

        await page.WaitForURLAsync("**/submitted");
        Assert.Equal(reference, (await page.Locator("#reference").TextContentAsync())!.Trim());
        await Assertions.Expect(page.Locator(".notice")).ToContainTextAsync("This form had already been sent");
        Assert.Equal(reference, Assert.Single(await ComplaintsOfAsync(email)));
    }

    [Fact]
    public async Task Submit_SameFormPostedTwiceOverHttpAsAfterALostAnswer_OneComplaint()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = fixture.Portal };
        using var form = await http.GetAsync("/submit");
        var hidden = HtmlForms.HiddenFields(await form.Content.ReadAsStringAsync());
        var email = UniqueEmail();

        async Task<HttpResponseMessage> PostAsync()
        {
            var content = new MultipartFormDataContent
            {
                { new StringContent(hidden["__RequestVerificationToken"]), "__RequestVerificationToken" },
                { new StringContent(hidden["formId"]), "formId" },
                { new StringContent("customer"), "kind" },
                { new StringContent("Mina Park"), "name" },
                { new StringContent(email), "email" },
                { new StringContent("email"), "contactChannel" },
                { new StringContent("en"), "language" },
                { new StringContent("Europe/London"), "timeZone" },
                { new StringContent("billing"), "category" },
                { new StringContent("Charged twice"), "subject" },
                { new StringContent("My card was charged twice for order 1234."), "description" },
            };
            return await http.PostAsync("/submit?send=1", content);
        }

        using var first = await PostAsync();
        // The browser never saw the first answer and sends the same form again.
        using var second = await PostAsync();

        Assert.Equal(HttpStatusCode.SeeOther, first.StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, second.StatusCode);
        Assert.Single(await ComplaintsOfAsync(email));
    }

    [Theory]
    [InlineData("en-GB", "en", "Send complaint")]
    [InlineData("ko-KR", "ko", "민원 제출")]
    [InlineData("bg-BG", "bg", "Изпрати жалбата")]
    public async Task SubmitPages_At320CssPixels_EveryStateAccessible(string locale, string language, string send)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Pages.LaunchAsync(playwright);
        var context = await ContextAsync(browser, locale, width: 320);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/submit");
        await AssertNoSidewaysScrollAsync(page);
        await Pages.CheckAsync(page, $"submit-{language}-320", "portal");

        await page.GetByRole(AriaRole.Button, new() { Name = send }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        await AssertNoSidewaysScrollAsync(page);
        await Pages.CheckAsync(page, $"submit-{language}-320-errors", "portal");

        // Anonymous: the contact details are not asked for.
        await page.Locator("#f-kind-anonymous").CheckAsync();
        await Assertions.Expect(page.Locator("#f-name")).ToBeHiddenAsync();
        await page.Locator("#f-category").SelectOptionAsync("service");
        await page.Locator("#f-subject").FillAsync("Delay");
        await page.Locator("#f-description").FillAsync("Three weeks without an answer.");
        await page.GetByRole(AriaRole.Button, new() { Name = send }).ClickAsync();
        await page.WaitForURLAsync("**/submitted");
        await AssertNoSidewaysScrollAsync(page);
        await Pages.CheckAsync(page, $"submitted-{language}-320", "portal");
    }

    private static async Task FillValidAsync(IPage page, string email)
    {
        await page.Locator("#f-name").FillAsync("Mina Park");
        await page.Locator("#f-email").FillAsync(email);
        await page.Locator("#f-category").SelectOptionAsync("billing");
        await page.Locator("#f-subject").FillAsync("Charged twice");
        await page.Locator("#f-description").FillAsync("My card was charged twice for order 1234.");
        await page.Locator("#f-amount").FillAsync("49.99");
        await page.Locator("#f-currency").SelectOptionAsync("GBP");
    }

    private static async Task AssertNoSidewaysScrollAsync(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            $"{page.Url} scrolls sideways at {page.ViewportSize?.Width} px");

    /// <summary>The references of the complaints Intake holds for an email, as an administrator finds them.</summary>
    private async Task<IReadOnlyList<string>> ComplaintsOfAsync(string email)
    {
        using var request = await fixture.BearerAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/staff/complaints:search")
        {
            Content = JsonContent.Create(new { email }),
        }, "admin");
        using var response = await fixture.Rest.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"search failed: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.TryGetProperty("complaints", out var complaints)
            ? complaints.EnumerateArray().Select(c => c.GetProperty("reference").GetString()!).ToList()
            : [];
    }
}
