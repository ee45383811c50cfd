using System.Net;
using Complaints.Routing.V1;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Web.Tests;

/// <summary>The survey page in front of the real Insights: the invitation's link, the answers, and every closed state.</summary>
public sealed class SurveyPageTests : IClassFixture<SurveyPageTests.Host>
{
    private readonly FeedbackHost _host;

    public SurveyPageTests(Host host) => _host = host.Feedback;

    public sealed class Host : IDisposable
    {
        public FeedbackHost Feedback { get; } = new();

        public void Dispose() => Feedback.Dispose();
    }

    private static Dictionary<string, string> Answers(string resolved = "yes", string satisfaction = "4", string effort = "2", string comment = "") => new()
    {
        ["resolved"] = resolved,
        ["satisfaction"] = satisfaction,
        ["effort"] = effort,
        ["comment"] = comment,
    };

    [Fact]
    public async Task GetSurvey_KoreanSurveyEnglishBrowser_PageInKoreanWithQuestionsFromTheTexts()
    {
        var (_, token) = await _host.ResolvedComplaintAsync("ko-KR");
        using var browser = new FeedbackBrowser(_host.Web, "en");

        var (status, html) = await browser.GetAsync("/surveys/" + token);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<html lang=\"ko\">", html);
        Assert.Contains("민원이 해결되었습니까?", html);
        // The portal's wording (ends of the scale as labels), not Insights' "(1 = 매우 불만족, 5 = 매우 만족)".
        Assert.Contains("민원 처리 방식에 얼마나 만족하십니까?", html);
        Assert.DoesNotContain("(1 = 매우 불만족", html);
        Assert.Contains("1 – 매우 불만족", html);
        Assert.Contains("5 – 매우 만족", html);
        Assert.Contains("type=\"radio\" id=\"f-satisfaction-3\" name=\"satisfaction\" value=\"3\"", html);
        Assert.Contains("<legend>", html);
        Assert.Contains("name=\"__RequestVerificationToken\"", html);
    }

    [Fact]
    public async Task GetSurvey_ReaderSwitchedToBulgarian_PageInBulgarian()
    {
        var (_, token) = await _host.ResolvedComplaintAsync("ko");
        using var browser = new FeedbackBrowser(_host.Web, "ko");
        using var switched = await browser.Http.GetAsync("/language/bg?returnUrl=" + Uri.EscapeDataString("/surveys/" + token));
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);

        var (_, html) = await browser.GetAsync("/surveys/" + token);

        Assert.Contains("<html lang=\"bg\">", html);
        Assert.Contains("Разрешено ли беше оплакването Ви?", html);
    }

    [Fact]
    public async Task PostSurvey_Answers_RedirectsToThanksInTheSurveysLanguageAndInsightsHasTheAnswer()
    {
        var (complaintId, token) = await _host.ResolvedComplaintAsync("bg");
        using var browser = new FeedbackBrowser(_host.Web, "en");
        var (_, form) = await browser.GetAsync("/surveys/" + token);

        using var posted = await browser.PostAsync("/surveys/" + token, form, Answers(resolved: "no", satisfaction: "2", effort: "5", comment: "Още чакам"));
        var (thanksStatus, thanks) = await browser.GetAsync(posted.Headers.Location!.OriginalString);

        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal("/surveys/thanks?lang=bg", posted.Headers.Location.OriginalString);
        Assert.Equal(HttpStatusCode.OK, thanksStatus);
        Assert.Contains("<html lang=\"bg\">", thanks);
        Assert.Contains("Благодарим Ви за отговорите", thanks);
        var survey = await _host.QueryAsync(db => db.Surveys.SingleAsync(s => s.ComplaintId == complaintId));
        Assert.NotNull(survey.AnsweredAt);
        Assert.Equal((false, 2, 5), (survey.Resolved, survey.Satisfaction, survey.Effort));
    }

    [Fact]
    public async Task PostSurvey_MissingAnswers_400ErrorsBesideFieldsFirstFocusedNothingSent()
    {
        var (complaintId, token) = await _host.ResolvedComplaintAsync("bg");
        using var browser = new FeedbackBrowser(_host.Web, "en");
        var (_, form) = await browser.GetAsync("/surveys/" + token);

        using var posted = await browser.PostAsync("/surveys/" + token, form, Answers(resolved: "", satisfaction: "", effort: "9", comment: "ok"));
        var html = await posted.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Contains("<html lang=\"bg\">", html);
        Assert.Contains("<title>Грешка: Анкета", html);
        Assert.Contains("Изберете „Да“ или „Не“", html);
        Assert.Contains("Изберете доколко сте доволни, от 1 до 5.", html);
        Assert.Contains("Изберете колко лесно беше, от 1 до 5.", html);
        Assert.Contains("<a href=\"#f-resolved-yes\">", html);
        Assert.Matches("id=\"f-resolved-yes\"[^>]*autofocus", html);
        Assert.DoesNotMatch("id=\"f-satisfaction-1\"[^>]*autofocus", html);
        // What was typed stays.
        Assert.Contains(">ok</textarea>", html);
        Assert.Null(await _host.QueryAsync(db => db.Surveys.Where(s => s.ComplaintId == complaintId).Select(s => s.AnsweredAt).SingleAsync()));
    }

    [Fact]
    public async Task GetSurvey_AnsweredThenOpenedAgain_ConflictPageSaysAnsweredInTheSurveysLanguage()
    {
        var (_, token) = await _host.ResolvedComplaintAsync("ko");
        using var browser = new FeedbackBrowser(_host.Web, "en");
        var (_, form) = await browser.GetAsync("/surveys/" + token);
        using var first = await browser.PostAsync("/surveys/" + token, form, Answers());

        var (status, html) = await browser.GetAsync("/surveys/" + token);
        using var again = await browser.PostAsync("/surveys/" + token, form, Answers());

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("<html lang=\"ko\">", html);
        Assert.Contains("이미 답변하신 설문조사입니다", html);
        Assert.DoesNotContain("type=\"radio\"", html);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("이미 답변하신 설문조사입니다", await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GetSurvey_Expired_GonePageSaysClosed()
    {
        var (complaintId, token) = await _host.ResolvedComplaintAsync("en");
        await _host.QueryAsync(db => db.Surveys.Where(s => s.ComplaintId == complaintId)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1))));
        using var browser = new FeedbackBrowser(_host.Web, "en");

        var (status, html) = await browser.GetAsync("/surveys/" + token);

        Assert.Equal(HttpStatusCode.Gone, status);
        Assert.Contains("This survey has closed", html);
    }

    [Fact]
    public async Task GetSurvey_ComplaintWithdrawnAfterReopening_GonePageSaysWithdrawn()
    {
        var (complaintId, token) = await _host.ResolvedComplaintAsync("bg");
        var at = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
        await _host.FeedAsync(
            new CaseReopened { ComplaintId = complaintId, At = at },
            new CaseClosed { ComplaintId = complaintId, ClosedAt = at, Outcome = Outcome.Withdrawn, Withdrawn = true });
        using var browser = new FeedbackBrowser(_host.Web, "en");

        var (status, html) = await browser.GetAsync("/surveys/" + token);

        Assert.Equal(HttpStatusCode.Gone, status);
        Assert.Contains("<html lang=\"bg\">", html);
        Assert.Contains("Тази анкета вече не е отворена", html);
    }

    [Fact]
    public async Task GetSurvey_UnknownToken_NotFoundPageInTheBrowsersLanguage()
    {
        using var browser = new FeedbackBrowser(_host.Web, "ko");

        var (status, html) = await browser.GetAsync("/surveys/" + new string('x', 43));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("이 설문조사 링크는 사용할 수 없습니다", html);
    }

    [Fact]
    public async Task PostSurvey_WithoutAntiforgeryToken_FormAgainSayingSendAgainAndNotAnswered()
    {
        var (complaintId, token) = await _host.ResolvedComplaintAsync("en");
        using var browser = new FeedbackBrowser(_host.Web, "en");

        using var posted = await browser.PostAsync("/surveys/" + token, "", Answers(comment: "kept"));
        var html = await posted.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Contains("We could not accept this form", html);
        Assert.Contains(">kept</textarea>", html);
        Assert.Contains("name=\"__RequestVerificationToken\"", html);
        Assert.Null(await _host.QueryAsync(db => db.Surveys.Where(s => s.ComplaintId == complaintId).Select(s => s.AnsweredAt).SingleAsync()));
    }

    [Fact]
    public async Task GetSurvey_InsightsDown_ServiceUnavailablePage()
    {
        using var web = new WebHost();
        using var browser = new FeedbackBrowser(web, "en");

        var (status, html) = await browser.GetAsync("/surveys/" + new string('x', 43));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("The survey cannot be shown right now", html);
    }
}
