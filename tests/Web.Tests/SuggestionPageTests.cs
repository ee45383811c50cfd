using System.Net;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Complaints.Insights.V1;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Auth;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Web.Tests;

/// <summary>The suggestion box and the response look-up in front of the real Insights.</summary>
public sealed partial class SuggestionPageTests : IClassFixture<SuggestionPageTests.Host>
{
    private readonly FeedbackHost _host;

    public SuggestionPageTests(Host host) => _host = host.Feedback;

    public sealed class Host : IDisposable
    {
        public FeedbackHost Feedback { get; } = new();

        public void Dispose() => Feedback.Dispose();
    }

    private static Dictionary<string, string> Suggestion(string text) => new()
    {
        ["topic"] = "Opening hours",
        ["text"] = text,
        ["origin"] = "town_hall",
        ["kind"] = "member",
    };

    [Fact]
    public async Task PostSuggestion_Valid_ReceiptShowsReferenceAndCodeNeverInAnAddressThenTheResponseIsSeen()
    {
        using var browser = new FeedbackBrowser(_host.Web, "en");
        var text = $"Open the Lindenfeld branch on Saturdays {Guid.NewGuid():N}";
        var (_, form) = await browser.GetAsync("/suggestions");

        using var posted = await browser.PostAsync("/suggestions", form, Suggestion(text));
        var (receiptStatus, receipt) = await browser.GetAsync(posted.Headers.Location!.OriginalString);
        var (reference, code) = Tokens(receipt) is [var r, var c] ? (r, c) : throw new Xunit.Sdk.XunitException("no reference and code on the receipt");
        var (_, lookup) = await browser.GetAsync("/suggestions/view");
        using var before = await browser.PostAsync("/suggestions/view", lookup, new Dictionary<string, string> { ["reference"] = reference, ["accessCode"] = code });
        var beforeHtml = await before.Content.ReadAsStringAsync();
        var stored = await _host.QueryAsync(db => db.Suggestions.SingleAsync(s => s.Reference == reference));
        using (var channel = _host.Insights.SocketChannel(_host.Insights.Token("supervisor-1", Roles.Supervisor)))
        {
            await new SuggestionService.SuggestionServiceClient(channel).RespondToSuggestionAsync(
                new RespondToSuggestionRequest { Id = stored.Id.ToString(), Response = "We will open on Saturdays from March." });
        }
        using var after = await browser.PostAsync("/suggestions/view", lookup, new Dictionary<string, string> { ["reference"] = reference.ToLowerInvariant(), ["accessCode"] = code.Replace("-", " ") });
        var afterHtml = await after.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal("/suggestions/submitted", posted.Headers.Location.OriginalString);
        Assert.Equal(HttpStatusCode.OK, receiptStatus);
        Assert.Matches("^SUG-[0-9A-Z]{4}-[0-9A-Z]{4}$", reference);
        Assert.Matches("^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$", code);
        Assert.Equal(("opening hours", "SUGGESTION_ORIGIN_TOWN_HALL", "SUBMITTER_KIND_MEMBER", "en"), (stored.Topic, stored.Origin, stored.SubmitterKind, stored.Language));
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Contains(text, beforeHtml);
        Assert.Contains("Not answered yet.", beforeHtml);
        Assert.Contains("We will open on Saturdays from March.", afterHtml);
        Assert.DoesNotContain("Not answered yet.", afterHtml);
        // The code is not written back into the result page.
        Assert.DoesNotContain(code, afterHtml);
    }

    [Fact]
    public async Task PostSuggestion_SameFormSentTwice_OneSuggestionSameReceipt()
    {
        using var browser = new FeedbackBrowser(_host.Web, "en");
        var text = $"Longer opening hours on Fridays {Guid.NewGuid():N}";
        var (_, form) = await browser.GetAsync("/suggestions");
        // Tests of a class run one at a time: nothing else adds suggestions meanwhile.
        var before = await _host.QueryAsync(db => db.Suggestions.CountAsync());

        using var first = await browser.PostAsync("/suggestions", form, Suggestion(text));
        var (_, firstReceipt) = await browser.GetAsync("/suggestions/submitted");
        using var second = await browser.PostAsync("/suggestions", form, Suggestion(text));
        var (_, secondReceipt) = await browser.GetAsync("/suggestions/submitted");

        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Equal(2, Tokens(firstReceipt).Length);
        Assert.Equal(Tokens(firstReceipt), Tokens(secondReceipt));
        Assert.Equal(before + 1, await _host.QueryAsync(db => db.Suggestions.CountAsync()));
    }

    [Fact]
    public async Task PostSuggestion_Invalid_KoreanErrorsBesideFieldsFirstFocusedValuesKept()
    {
        using var browser = new FeedbackBrowser(_host.Web, "ko-KR");
        var (_, form) = await browser.GetAsync("/suggestions");

        using var posted = await browser.PostAsync("/suggestions", form, new Dictionary<string, string> { ["topic"] = "x", ["text"] = "", ["origin"] = "elsewhere", ["kind"] = "anonymous" });
        var html = await posted.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Contains("<html lang=\"ko\">", html);
        Assert.Contains("주제는 2~100자여야 합니다.", html);
        Assert.Contains("제안 내용을 입력하십시오.", html);
        Assert.Contains("제안이 어디에서 나왔는지 선택하십시오.", html);
        Assert.Matches("id=\"f-topic\"[^>]*value=\"x\"[^>]*aria-invalid=\"true\"[^>]*autofocus", html);
        Assert.Contains("<a href=\"#f-topic\">", html);
        Assert.Contains("<a href=\"#f-origin-suggestion_box\">", html);
    }

    [Fact]
    public async Task PostSuggestion_InvalidEmail_BulgarianErrorBesideTheEmailFieldValueKeptNothingSent()
    {
        using var browser = new FeedbackBrowser(_host.Web, "bg-BG");
        var text = $"Open the Lindenfeld branch on Saturdays {Guid.NewGuid():N}";
        var (_, form) = await browser.GetAsync("/suggestions");
        var before = await _host.QueryAsync(db => db.Suggestions.CountAsync());

        using var posted = await browser.PostAsync("/suggestions", form, new Dictionary<string, string>(Suggestion(text)) { ["email"] = "mina.park@" });
        var html = await posted.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Contains("Имейл, за да научите за отговора", html);
        Assert.Contains("Въведете имейл адрес във вида name@example.org или оставете полето празно.", html);
        Assert.Matches("id=\"f-email\"[^>]*type=\"email\"[^>]*value=\"mina.park@\"[^>]*aria-invalid=\"true\"[^>]*aria-describedby=\"f-email-hint f-email-error\"[^>]*autofocus", html);
        Assert.Contains("<a href=\"#f-email\">", html);
        Assert.Equal(before, await _host.QueryAsync(db => db.Suggestions.CountAsync()));
    }

    [Fact]
    public async Task GetSuggestionsView_ReferenceInTheLink_FormStartsWithItAndNoCode()
    {
        using var browser = new FeedbackBrowser(_host.Web, "en");

        var (status, html) = await browser.GetAsync("/suggestions/view?reference=SUG-7K3F-9Q2M");
        var (_, odd) = await browser.GetAsync("/suggestions/view?reference=%3Cb%3E");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Matches("id=\"f-reference\"[^>]*value=\"SUG-7K3F-9Q2M\"", html);
        Assert.DoesNotMatch("id=\"f-reference\"[^>]*value=\"[^\"]", odd);
    }

    [Fact]
    public async Task PostSuggestionView_WrongCode_NotFoundInThePagesLanguageReferenceKeptCodeNot()
    {
        using var browser = new FeedbackBrowser(_host.Web, "bg");
        var (_, lookup) = await browser.GetAsync("/suggestions/view");

        using var posted = await browser.PostAsync("/suggestions/view", lookup, new Dictionary<string, string> { ["reference"] = "SUG-0000-0000", ["accessCode"] = "AAAA-BBBB-CCCC" });
        var html = await posted.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, posted.StatusCode);
        Assert.Contains("Не намерихме предложение с този номер и код за достъп.", html);
        Assert.Contains("value=\"SUG-0000-0000\"", html);
        Assert.DoesNotContain("AAAA-BBBB-CCCC", html);
    }

    [Fact]
    public async Task GetSuggestionsSubmitted_NoReceipt_RedirectsToTheLookUp()
    {
        using var browser = new FeedbackBrowser(_host.Web, "en");

        using var response = await browser.Http.GetAsync("/suggestions/submitted");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/suggestions/view", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task PostSuggestion_InsightsDown_503SayingTryAgainValuesKept()
    {
        using var web = new WebHost();
        using var browser = new FeedbackBrowser(web, "en");
        var (_, form) = await browser.GetAsync("/suggestions");

        using var posted = await browser.PostAsync("/suggestions", form, Suggestion("Bring back the paper forms please"));
        var html = await posted.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, posted.StatusCode);
        Assert.Contains("We could not send your suggestion just now.", html);
        Assert.Contains("Bring back the paper forms please</textarea>", html);
    }

    [Fact]
    public void FeedbackTexts_EveryLanguage_HasExactlyTheEnglishKeys()
    {
        var folder = Path.Combine(Launcher.RepositoryLocator.FindRoot(), "services", "Web", "Resources");
        var english = Keys(Path.Combine(folder, "FeedbackTexts.resx"));
        foreach (var language in new[] { "ko", "bg" })
        {
            var translated = Keys(Path.Combine(folder, $"FeedbackTexts.{language}.resx"));
            Assert.True(english.SetEquals(translated),
                $"{language}: missing {string.Join(", ", english.Except(translated))}; extra {string.Join(", ", translated.Except(english))}");
        }
    }

    [Fact]
    public void RedactSecretPath_PortalSurveyLink_TokenNotInTheSpan()
    {
        const string token = "portal-s3cr3t-token";
        using var activity = new System.Diagnostics.Activity("test");
        activity.DisplayName = $"GET /surveys/{token}";
        activity.SetTag("url.path", $"/surveys/{token}");

        Telemetry.RedactSecretPath(activity, $"/surveys/{token}");

        Assert.Equal("/surveys/{token}", activity.GetTagItem("url.path"));
        Assert.DoesNotContain(token, activity.DisplayName);
    }

    private static string[] Tokens(string html) => [.. Token().Matches(html).Select(m => m.Groups[1].Value)];

    private static HashSet<string> Keys(string path) =>
        XDocument.Load(path).Root!.Elements("data").Select(d => (string)d.Attribute("name")!).ToHashSet();

    [GeneratedRegex("<span class=\"token\" id=\"suggestion-[a-z]+\">([^<]+)</span>")]
    private static partial Regex Token();
}
