using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Complaints.Routing.V1;
using Complaints.TestSupport;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Playwright;
using MimeKit;

namespace Complaints.EndToEnd.Tests;

/// <summary>
/// The portal's feedback pages in real Chromium against the real platform, through the gateway: the survey link of a
/// real invitation (answered with the keyboard alone; the answer reaches Insights' figures; a second visit says it was
/// answered), a suggestion answered by staff and read with its reference and code (its submitter told by email, at the
/// address Intake kept and then forgot), and stopping updates from a real
/// message's link (a later update is then suppressed). Every page state in en, ko and bg through axe with no rule
/// disabled, screenshots as artifacts/screenshots/portal-{page}-{language}.png, and each page at 320 and 640 CSS px
/// (200 % zoom of a 1280 px window) without sideways scrolling.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed partial class PortalFeedbackTests(PlatformFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private static readonly string[] Languages = ["en", "ko", "bg"];

    private static readonly Dictionary<string, string> NativeNames = new() { ["en"] = "English", ["ko"] = "한국어", ["bg"] = "Български" };

    [Fact]
    public async Task Survey_LinkOfARealInvitation_AnsweredByKeyboardReachesInsightsSecondVisitSaysAnswered()
    {
        var complaint = await Complaint.SubmitAsync(fixture.Rest, language: "ko");
        await Eventually.Get(() => complaint.TrackAsync(fixture.Rest), Complaint.IsAcknowledged, "the acknowledgement", Timeout);
        await ResolveAsync(complaint.Reference);
        var invitation = await MailAsync(complaint.Reference, body => SurveyLink().IsMatch(body), "the survey invitation");
        var token = SurveyLink().Match(invitation.TextBody!).Groups["token"].Value;
        var answersBefore = await SurveyAnswersAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Pages.LaunchAsync(playwright);
        var page = await NewPageAsync(browser, "en-GB");

        // The link opens a page in the complainant's language, whatever the browser prefers.
        var opened = await page.GotoAsync($"/surveys/{token}");
        Assert.Equal(200, opened!.Status);
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ko");
        await Assertions.Expect(page.GetByRole(AriaRole.Group, new() { Name = "민원이 해결되었습니까? (필수)" })).ToBeVisibleAsync();
        // Each language, as the form and with every answer missing (errors beside the fields, the first one focused).
        foreach (var language in new[] { "en", "bg", "ko" })
        {
            await SwitchAsync(page, language);
            await CheckAsync(page, $"survey-{language}");
            await page.Locator("form button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator(".error-summary")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#f-resolved-yes")).ToBeFocusedAsync();
            await CheckAsync(page, $"survey-errors-{language}");
        }

        // The keyboard alone: focus is on "yes" after the errors; arrows choose within a group, Tab moves on.
        await page.Keyboard.PressAsync("Space");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("ArrowRight");
        await page.Keyboard.PressAsync("ArrowRight");
        await page.Keyboard.PressAsync("ArrowRight");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("ArrowRight");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("친절했습니다");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");

        await page.WaitForURLAsync("**/surveys/thanks?lang=ko");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("답변해 주셔서 감사합니다");
        foreach (var language in Languages)
        {
            await SwitchAsync(page, language);
            await CheckAsync(page, $"survey-thanks-{language}");
        }
        // Insights counted it: one more survey answer in the analysts' figures (the tests of the collection run one at a time).
        await Eventually.Get(SurveyAnswersAsync, n => n == answersBefore + 1, "the answer in Insights' metrics", Timeout);

        // The link again: a clear page, not the form.
        var again = await page.GotoAsync($"/surveys/{token}");
        Assert.Equal(409, again!.Status);
        foreach (var language in Languages)
        {
            await SwitchAsync(page, language);
            await Assertions.Expect(page.Locator("form button[type=submit]")).ToHaveCountAsync(0);
            await CheckAsync(page, $"survey-answered-{language}");
        }
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Вече сте отговорили на тази анкета");

        // The link's token, the survey's only credential, is in no span, metric or log of any service (the gateway's and
        // the web app's spans name the page /surveys/{token}).
        await Eventually.True(() => Task.FromResult(fixture.Otlp.Spans.Any(s => s.Service == "web" && s.Span.Name == "GET /surveys/{token}")),
            "the web app's span of the survey page", Timeout);
        var secret = System.Text.Encoding.UTF8.GetBytes(token);
        Assert.All(fixture.Otlp.Exports, e => Assert.True(e.Body.AsSpan().IndexOf(secret) < 0, $"an OTLP {e.Signal} export carries the survey token"));
        foreach (var log in Directory.EnumerateFiles(Path.Combine(fixture.DataDirectory, "logs")))
        {
            Assert.DoesNotContain(token, await File.ReadAllTextAsync(log));
        }
    }

    [Fact]
    public async Task Suggestion_SubmittedThroughThePage_ReadWithReferenceAndCodeBeforeAndAfterStaffRespond()
    {
        var topic = "Parking " + Guid.NewGuid().ToString("N")[..8];
        var email = $"sug.{Guid.NewGuid():N}@example.org";
        const string Response = "Ще поставим още десет стойки през юни.";
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Pages.LaunchAsync(playwright);
        var page = await NewPageAsync(browser, "bg-BG");

        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Предложения" }).ClickAsync();
        await page.WaitForURLAsync("**/suggestions");
        foreach (var language in Languages)
        {
            await SwitchAsync(page, language);
            await CheckAsync(page, $"suggestions-{language}");
            await page.Locator("#f-topic").FillAsync("");
            // An address that is not one: its error beside the email field too.
            await page.Locator("#f-email").FillAsync("sug@");
            await page.Locator("form button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator(".error-summary")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#f-topic")).ToBeFocusedAsync();
            await Assertions.Expect(page.Locator("#f-email-error")).ToBeVisibleAsync();
            await CheckAsync(page, $"suggestions-errors-{language}");
            await page.Locator("#f-email").FillAsync("");
        }

        // In Bulgarian, from the keyboard: topic and text typed, "a town hall meeting" and "a member" chosen, an email to
        // hear back given (Enter in it sends the form).
        await SwitchAsync(page, "bg");
        await page.Locator("#f-topic").FocusAsync();
        await page.Keyboard.TypeAsync(topic);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("Повече места за велосипеди пред офиса на ул. Шипка, моля.");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("ArrowRight");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("ArrowRight");
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.Locator("#f-email")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(email);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/suggestions/submitted");
        var reference = (await page.Locator("#suggestion-reference").TextContentAsync())!.Trim();
        var code = (await page.Locator("#suggestion-code").TextContentAsync())!.Trim();
        Assert.DoesNotContain(code, page.Url);
        foreach (var language in Languages)
        {
            await SwitchAsync(page, language);
            await CheckAsync(page, $"suggestion-submitted-{language}");
        }

        // Before staff respond: the suggestion, and "not answered yet".
        await LookUpAsync(page, reference, code);
        await Assertions.Expect(page.Locator(".status-pending")).ToBeVisibleAsync();
        await CheckAsync(page, "suggestion-pending-bg");

        var suggestion = await StaffSuggestionAsync(topic);
        Assert.Equal(("SUGGESTION_ORIGIN_TOWN_HALL", "SUBMITTER_KIND_MEMBER", "bg", reference),
            (suggestion.GetProperty("origin").GetString(), suggestion.GetProperty("submitterKind").GetString(), suggestion.GetProperty("language").GetString(),
             suggestion.GetProperty("reference").GetString()));
        using (var respond = await fixture.BearerAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/suggestions/{suggestion.GetProperty("id").GetString()}/response")
        {
            Content = JsonContent.Create(new { response = Response }),
        }, "supervisor"))
        using (var responded = await fixture.Rest.SendAsync(respond))
        {
            Assert.True(responded.IsSuccessStatusCode, await responded.Content.ReadAsStringAsync());
        }

        // The submitter hears back, in Bulgarian, at the address they gave: a link to the look-up with the reference,
        // neither the response nor the code. Once it is delivered, Intake has forgotten the address.
        var viewLink = $"/suggestions/view?reference={reference}";
        var heard = await MailAsync(reference, body => body.Contains(viewLink, StringComparison.Ordinal), "the suggestion response email");
        Assert.Equal(email, heard.To.Mailboxes.Single().Address);
        Assert.DoesNotContain(Response, heard.TextBody + heard.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain(code, heard.TextBody + heard.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Отговорихме", heard.Subject, StringComparison.Ordinal);
        await Eventually.Get(() => ExportStatusAsync(email), s => s == System.Net.HttpStatusCode.NotFound, "Intake to forget the delivered address", Timeout);
        var link = Regex.Match(heard.TextBody ?? "", @"https?://\S+/suggestions/view\?reference=\S+").Value;
        Assert.NotEmpty(link);
        await page.GotoAsync(new Uri(link).PathAndQuery);
        await Assertions.Expect(page.Locator("#f-reference")).ToHaveValueAsync(reference);
        await CheckAsync(page, "suggestion-view-link-bg");

        foreach (var language in Languages)
        {
            await page.GotoAsync($"/language/{language}?returnUrl=%2Fsuggestions%2Fview");
            await CheckAsync(page, $"suggestion-view-{language}");
            await page.Locator("form button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator("#f-reference")).ToBeFocusedAsync();
            await CheckAsync(page, $"suggestion-view-errors-{language}");
            await LookUpAsync(page, reference.ToLowerInvariant(), code.Replace("-", " "));
            await Assertions.Expect(page.Locator(".response")).ToHaveTextAsync("Ще поставим още десет стойки през юни.");
            await CheckAsync(page, $"suggestion-response-{language}");
        }
        await LookUpAsync(page, reference, "0000-0000-0000");
        await Assertions.Expect(page.Locator(".error-summary")).ToBeVisibleAsync();
        await CheckAsync(page, "suggestion-not-found-bg");
    }

    [Fact]
    public async Task Preferences_LinkOfARealUpdate_StopUpdatesThenTheNextUpdateIsSuppressed()
    {
        var complaint = await Complaint.SubmitAsync(fixture.Rest, language: "en");
        await Eventually.Get(() => complaint.TrackAsync(fixture.Rest), Complaint.IsAcknowledged, "the acknowledgement", Timeout);
        using var grpc = GrpcChannel.ForAddress(fixture.Platform.GatewayGrpcUrl);
        var work = new CaseWorkService.CaseWorkServiceClient(grpc);
        var agent = await StaffAsync("agent");
        await work.PostPublicUpdateAsync(new PostPublicUpdateRequest { Reference = complaint.Reference, Text = "First update." }, agent);
        var update = await MailAsync(complaint.Reference, body => body.Contains("First update.", StringComparison.Ordinal) && UnsubscribeLink().IsMatch(body), "the first update");
        var token = UnsubscribeLink().Match(update.TextBody!).Groups["token"].Value;
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Pages.LaunchAsync(playwright);
        var page = await NewPageAsync(browser, "en-GB");
        var preferences = $"/preferences?token={token}";

        foreach (var language in Languages)
        {
            await page.GotoAsync($"/language/{language}?returnUrl={Uri.EscapeDataString(preferences)}");
            await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
            await CheckAsync(page, $"preferences-{language}");
            // Choosing channels: email stays on, text messages on too.
            await page.Locator("#f-sms").CheckAsync();
            await page.Locator("button[value=channels]").ClickAsync();
            await Assertions.Expect(page.Locator(".notice")).ToBeVisibleAsync();
            await CheckAsync(page, $"preferences-saved-{language}");
            await page.Locator("#f-sms").UncheckAsync();
            await page.Locator("button[value=channels]").ClickAsync();
            await Assertions.Expect(page.Locator("#f-sms")).Not.ToBeCheckedAsync();
        }
        var invalid = await page.GotoAsync("/preferences?token=not-a-token");
        Assert.Equal(400, invalid!.Status);
        await CheckAsync(page, "preferences-invalid-bg");

        // Stop updates, with the keyboard: the button is the page's first control after the language links.
        await page.GotoAsync(preferences);
        await page.Locator("button[value=unsubscribe]").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator(".notice")).ToContainTextAsync("Вече няма да получавате новини за това оплакване.");
        await CheckAsync(page, "preferences-unsubscribed-bg");

        // A later update is not sent; what the law requires still would be.
        await work.PostPublicUpdateAsync(new PostPublicUpdateRequest { Reference = complaint.Reference, Text = "Second update." }, agent);
        await Eventually.Get(() => complaint.TrackAsync(fixture.Rest), view => view.GetProperty("messages").EnumerateArray()
            .Count(m => m.GetProperty("kind").GetString() == "MESSAGE_KIND_PUBLIC_UPDATE" && m.GetProperty("status").GetString() == "DELIVERY_STATUS_SUPPRESSED") == 1,
            "the second update suppressed", Timeout);
        Assert.DoesNotContain(Mails(), m => m.TextBody?.Contains("Second update.", StringComparison.Ordinal) == true);
    }

    private async Task<IPage> NewPageAsync(IBrowser browser, string locale)
    {
        var context = await browser.NewContextAsync(new() { BaseURL = fixture.Portal.ToString(), Locale = locale });
        return await context.NewPageAsync();
    }

    /// <summary>The language switch's link, as a reader clicks it: the same page in that language.</summary>
    private static async Task SwitchAsync(IPage page, string language)
    {
        await page.Locator(".language-switch").GetByRole(AriaRole.Link, new() { Name = NativeNames[language] }).ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
    }

    /// <summary>Axe and a screenshot as the page is, then at 320 CSS px (screenshot too) and 640 CSS px: nothing wider than the window.</summary>
    private static async Task CheckAsync(IPage page, string name)
    {
        await Pages.CheckAsync(page, name, "portal");
        var size = page.ViewportSize!;
        foreach (var width in new[] { 320, 640 })
        {
            await page.SetViewportSizeAsync(width, 800);
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 0, $"{name}: {overflow} px wider than a {width} px window");
        }
        await page.SetViewportSizeAsync(320, 800);
        await Pages.CheckAsync(page, name + "-320", "portal");
        await page.SetViewportSizeAsync(size.Width, size.Height);
    }

    private static async Task LookUpAsync(IPage page, string reference, string code)
    {
        if (!page.Url.EndsWith("/suggestions/view", StringComparison.Ordinal) || await page.Locator("#f-reference").CountAsync() == 0)
        {
            await page.GotoAsync("/suggestions/view");
        }
        await page.Locator("#f-reference").FillAsync(reference);
        await page.Locator("#f-accessCode").FillAsync(code);
        await page.Locator("form button[type=submit]").ClickAsync();
        await page.WaitForLoadStateAsync();
    }

    private async Task<Metadata> StaffAsync(string role) =>
        new() { { "Authorization", "Bearer " + await fixture.Tokens.StaffAsync("e2e-" + role, role) } };

    /// <summary>Staff work the case to its final response, as CaseHandlingJourneyTests does: the survey is requested then.</summary>
    private async Task ResolveAsync(string reference)
    {
        using var grpc = GrpcChannel.ForAddress(fixture.Platform.GatewayGrpcUrl);
        var work = new CaseWorkService.CaseWorkServiceClient(grpc);
        var agent = await StaffAsync("agent");
        await work.StartInvestigationAsync(new CaseActionRequest { Reference = reference }, agent);
        await work.RecordFindingsAsync(new RecordFindingsRequest { Reference = reference, Findings = "Duplicate capture confirmed.", RootCause = "system_error" }, agent);
        var proposed = await work.ProposeResolutionAsync(new ProposeResolutionRequest
        {
            Reference = reference,
            Outcome = Outcome.Upheld,
            Summary = "Refund the duplicate.",
            Remedy = new Remedy { Apology = true },
        }, agent);
        if (proposed.AwaitingApproval)
        {
            await work.DecideResolutionAsync(new DecideResolutionRequest { Reference = reference, Approve = true }, await StaffAsync("supervisor"));
        }
        var requirements = await work.GetFinalResponseRequirementsAsync(new CaseRef { Reference = reference }, agent);
        await work.SendFinalResponseAsync(new SendFinalResponseRequest
        {
            Reference = reference,
            Text = "We have refunded the duplicate charge and apologise.\n\n" + string.Join("\n", requirements.Statements.Select(s => s.StandardWording)),
        }, agent);
    }

    /// <summary>Survey answers counted in the analysts' figures for the days around today.</summary>
    private async Task<long> SurveyAnswersAsync()
    {
        var today = DateTime.UtcNow.Date;
        var from = today.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = today.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var request = await fixture.BearerAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/insights/metrics?from={from}&to={to}"), "analyst");
        using var response = await fixture.Rest.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("totals").TryGetProperty("csat", out var csat) && csat.TryGetProperty("denominator", out var n)
            ? (n.ValueKind == JsonValueKind.String ? long.Parse(n.GetString()!, CultureInfo.InvariantCulture) : n.GetInt64())
            : 0;
    }

    /// <summary>A data-protection officer's subject access export for an address: NotFound once nothing is held about it.</summary>
    private async Task<System.Net.HttpStatusCode> ExportStatusAsync(string email)
    {
        using var request = await fixture.BearerAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/data-rights/exports")
        {
            Content = JsonContent.Create(new { subject = new { email }, reason = "E2E check that a delivered address is forgotten" }),
        }, "admin");
        using var response = await fixture.Rest.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>The suggestion as staff list it, by its topic.</summary>
    private async Task<JsonElement> StaffSuggestionAsync(string topic)
    {
        using var request = await fixture.BearerAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/suggestions?topic={Uri.EscapeDataString(topic)}"), "agent");
        using var response = await fixture.Rest.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return Assert.Single(JsonDocument.Parse(body).RootElement.GetProperty("suggestions").EnumerateArray().ToList()).Clone();
    }

    private IEnumerable<MimeMessage> Mails() =>
        Directory.Exists(Path.Combine(fixture.DataDirectory, "mail"))
            ? Directory.EnumerateFiles(Path.Combine(fixture.DataDirectory, "mail"), "*.eml").Select(f => MimeMessage.Load(f))
            : [];

    /// <summary>The message about <paramref name="reference"/> whose text matches, once the mail sink has it.</summary>
    private Task<MimeMessage> MailAsync(string reference, Func<string, bool> matches, string what) =>
        Eventually.Get(() => Task.FromResult(Mails().FirstOrDefault(m => m.TextBody is { } body && body.Contains(reference, StringComparison.Ordinal) && matches(body))),
            m => m is not null, what, Timeout)!;

    [GeneratedRegex(@"https?://\S+/surveys/(?<token>[A-Za-z0-9_-]{20,})")]
    private static partial Regex SurveyLink();

    [GeneratedRegex(@"https?://\S+[?&]token=(?<token>[A-Za-z0-9_-]{20,})")]
    private static partial Regex UnsubscribeLink();
}
