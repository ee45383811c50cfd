using Complaints.Insights.Domain;
using Complaints.Insights.V1;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Errors;
using Microsoft.EntityFrameworkCore;
using static Complaints.Insights.Tests.Events;

namespace Complaints.Insights.Tests;

public sealed class SurveyTests : IDisposable
{
    private readonly Pipeline _p = new();

    public void Dispose() => _p.Dispose();

    private async Task<Guid> ResolvedCaseAsync(string id = "a", bool hasContact = true, string language = "en")
    {
        await _p.FeedAsync(
            Received(id, "billing", hasContact: hasContact, language: language),
            new CaseOpened { ComplaintId = id, QueueId = "q1" },
            new FinalResponseSent { ComplaintId = id, At = At(3), Outcome = Outcome.Upheld, WithinSla = true });
        return await _p.QueryAsync(db => db.Surveys.Where(s => s.ComplaintId == id).Select(s => s.SurveyId).SingleOrDefaultAsync());
    }

    private async Task<string> TokenAsync(Guid surveyId)
    {
        var link = await _p.QueryAsync(db => _p.Surveys.LinkAsync(db, surveyId.ToString(), CancellationToken.None));
        return link.Url.Split('/')[^1];
    }

    private Task<SubmitSurveyResponse> SubmitAsync(string token, bool? resolved = true, int satisfaction = 4, int effort = 2, string comment = "")
    {
        var request = new SubmitSurveyRequest { Token = token, Satisfaction = satisfaction, Effort = effort, Comment = comment };
        if (resolved is { } r)
        {
            request.Resolved = r;
        }
        return _p.QueryAsync(db => _p.Surveys.SubmitAsync(db, request, CancellationToken.None));
    }

    [Fact]
    public async Task FinalResponseSent_CaseWithContact_AppendsSurveyRequestedOnce()
    {
        var surveyId = await ResolvedCaseAsync();
        await _p.FeedAsync(new CaseReopened { ComplaintId = "a", At = At(4) },
            new FinalResponseSent { ComplaintId = "a", At = At(8), Outcome = Outcome.Upheld });

        var events = await _p.QueryAsync(db => db.Events.Where(e => e.Type == SurveyRequested.Descriptor.FullName).ToListAsync());

        var e = SurveyRequested.Parser.ParseFrom(Assert.Single(events).Payload);
        Assert.Equal((surveyId.ToString(), "a", Reference("a"), "en"), (e.SurveyId, e.ComplaintId, e.Reference, e.Language));
        Assert.Equal(_p.Clock.Now.AddDays(30), e.ExpiresAt.ToDateTimeOffset());
    }

    [Fact]
    public async Task FinalResponseSent_AnonymousComplaint_NoSurvey()
    {
        var surveyId = await ResolvedCaseAsync(hasContact: false);

        Assert.Equal(Guid.Empty, surveyId);
        Assert.Equal(0, await _p.QueryAsync(db => db.Events.CountAsync()));
    }

    [Fact]
    public async Task GetSurveyLink_Survey_AbsoluteUrlOnGatewayTokenKeptHashed()
    {
        var surveyId = await ResolvedCaseAsync();

        var link = await _p.QueryAsync(db => _p.Surveys.LinkAsync(db, surveyId.ToString(), CancellationToken.None));

        // The portal's page (the web app serves it and answers through the API), not the JSON API itself.
        Assert.StartsWith("https://complaints.example.org/surveys/", link.Url);
        var token = link.Url.Split('/')[^1];
        Assert.Equal(43, token.Length);
        var stored = await _p.QueryAsync(db => db.SurveyTokens.SingleAsync());
        Assert.Equal(Surveys.Hash(token), stored.TokenHash);
        Assert.DoesNotContain(token, _p.Db.StoredText());
    }

    [Fact]
    public async Task SubmitSurvey_SatisfiedAndResolved_CountsInMetricsNoEvent()
    {
        var token = await TokenAsync(await ResolvedCaseAsync());

        await SubmitAsync(token, resolved: true, satisfaction: 5, effort: 2);

        var t = (await _p.QueryAsync(db => new MetricQueries(db).MetricsAsync(new GetMetricsRequest { From = Date(-1), To = Date(60) }, CancellationToken.None))).Totals;
        Assert.Equal((1L, 1L, 100.0), (t.Csat.Numerator, t.Csat.Denominator, t.Csat.Percent));
        Assert.Equal((1L, 1L), (t.SurveyResolutionRate.Numerator, t.SurveyResolutionRate.Denominator));
        Assert.Equal(2.0, t.AverageEffort);
        Assert.Equal(0, await _p.QueryAsync(db => db.Events.CountAsync(e => e.Type == SurveyNotResolved.Descriptor.FullName)));
    }

    [Fact]
    public async Task SubmitSurvey_ThreeAnswers_CsatAndResolutionHandComputed()
    {
        // Satisfaction 5, 3, 4 → CSAT 2 of 3 = 66.67 %; resolved yes, no, yes → 66.67 %; effort (1 + 5 + 3) / 3 = 3.
        (string Id, bool Resolved, int Satisfaction, int Effort)[] answers = [("a", true, 5, 1), ("b", false, 3, 5), ("c", true, 4, 3)];
        foreach (var (id, resolved, satisfaction, effort) in answers)
        {
            await SubmitAsync(await TokenAsync(await ResolvedCaseAsync(id)), resolved, satisfaction, effort);
        }

        var t = (await _p.QueryAsync(db => new MetricQueries(db).MetricsAsync(new GetMetricsRequest { From = Date(-1), To = Date(60) }, CancellationToken.None))).Totals;

        Assert.Equal((2L, 3L, 66.67), (t.Csat.Numerator, t.Csat.Denominator, t.Csat.Percent));
        Assert.Equal((2L, 3L, 66.67), (t.SurveyResolutionRate.Numerator, t.SurveyResolutionRate.Denominator, t.SurveyResolutionRate.Percent));
        Assert.Equal(3.0, t.AverageEffort);
    }

    [Fact]
    public async Task SubmitSurvey_NotResolved_AppendsSurveyNotResolved()
    {
        var surveyId = await ResolvedCaseAsync();

        await SubmitAsync(await TokenAsync(surveyId), resolved: false, satisfaction: 1);

        var stored = await _p.QueryAsync(db => db.Events.SingleAsync(e => e.Type == SurveyNotResolved.Descriptor.FullName));
        var e = SurveyNotResolved.Parser.ParseFrom(stored.Payload);
        Assert.Equal((surveyId.ToString(), "a", Reference("a"), 1), (e.SurveyId, e.ComplaintId, e.Reference, e.Satisfaction));
        Assert.Equal("a", stored.AggregateId);
    }

    [Fact]
    public async Task SubmitSurvey_SecondAnswerAnyLink_ConflictSayingAnsweredInTheSurveysLanguage()
    {
        var surveyId = await ResolvedCaseAsync(language: "bg");
        var first = await TokenAsync(surveyId);
        var second = await TokenAsync(surveyId);
        await SubmitAsync(first);

        // The used link and a second link of the same survey both say "answered", not "unknown".
        var again = await Assert.ThrowsAsync<ConflictException>(() => SubmitAsync(first));
        var other = await Assert.ThrowsAsync<ConflictException>(() => SubmitAsync(second));
        var read = await Assert.ThrowsAsync<ConflictException>(() => _p.QueryAsync(db => _p.Surveys.QuestionsAsync(db, first, CancellationToken.None)));
        await Assert.ThrowsAsync<ConflictException>(() => _p.QueryAsync(db => _p.Surveys.LinkAsync(db, surveyId.ToString(), CancellationToken.None)));
        Assert.All(new[] { again, other, read }, e => Assert.Equal((Surveys.ReasonAnswered, "bg"), (e.Reason, e.Metadata!["language"])));
        Assert.Equal(1, await _p.QueryAsync(db => db.DailyMetrics.Where(m => m.Dimension == Metric.All && m.Metric == Metric.SurveyAnswers).SumAsync(m => m.Value)));
    }

    [Fact]
    public async Task GetSurvey_UnknownToken_NotFoundReasonUnknown()
    {
        await ResolvedCaseAsync();

        var error = await Assert.ThrowsAsync<NotFoundException>(() => _p.QueryAsync(db => _p.Surveys.QuestionsAsync(db, "no-such-token", CancellationToken.None)));

        Assert.Equal(Surveys.ReasonUnknown, error.Reason);
    }

    [Fact]
    public async Task GetSurvey_Expired_PreconditionReasonExpired()
    {
        var token = await TokenAsync(await ResolvedCaseAsync(language: "ko"));
        _p.Clock.Now = _p.Clock.Now.AddDays(31);

        var error = await Assert.ThrowsAsync<PreconditionException>(() => _p.QueryAsync(db => _p.Surveys.QuestionsAsync(db, token, CancellationToken.None)));

        Assert.Equal((Surveys.ReasonExpired, "ko"), (error.Reason, error.Metadata!["language"]));
    }

    [Fact]
    public async Task CaseClosed_WithdrawnAfterReopening_SurveyWithdrawnReasonWithdrawn()
    {
        var token = await TokenAsync(await ResolvedCaseAsync());
        await _p.FeedAsync(
            new CaseReopened { ComplaintId = "a", At = At(5) },
            new CaseClosed { ComplaintId = "a", ClosedAt = At(6), Outcome = Outcome.Withdrawn, Withdrawn = true });

        var read = await Assert.ThrowsAsync<PreconditionException>(() => _p.QueryAsync(db => _p.Surveys.QuestionsAsync(db, token, CancellationToken.None)));
        var submit = await Assert.ThrowsAsync<PreconditionException>(() => SubmitAsync(token));

        Assert.Equal(Surveys.ReasonWithdrawn, read.Reason);
        Assert.Equal(Surveys.ReasonWithdrawn, submit.Reason);
        Assert.Equal(0, await _p.QueryAsync(db => db.DailyMetrics.Where(m => m.Metric == Metric.SurveyAnswers).SumAsync(m => m.Value)));
    }

    [Fact]
    public async Task CaseClosed_NotWithdrawn_SurveyStillOpen()
    {
        var token = await TokenAsync(await ResolvedCaseAsync());
        await _p.FeedAsync(new CaseClosed { ComplaintId = "a", ClosedAt = At(6), Outcome = Outcome.Upheld });

        var survey = await _p.QueryAsync(db => _p.Surveys.QuestionsAsync(db, token, CancellationToken.None));

        Assert.Equal(4, survey.Questions.Count);
    }

    [Fact]
    public async Task CaseClosed_WithdrawnAfterTheAnswer_StillSaysAnswered()
    {
        var token = await TokenAsync(await ResolvedCaseAsync());
        await SubmitAsync(token);
        await _p.FeedAsync(
            new CaseReopened { ComplaintId = "a", At = At(5) },
            new CaseClosed { ComplaintId = "a", ClosedAt = At(6), Outcome = Outcome.Withdrawn, Withdrawn = true });

        var error = await Assert.ThrowsAsync<ConflictException>(() => _p.QueryAsync(db => _p.Surveys.QuestionsAsync(db, token, CancellationToken.None)));

        Assert.Equal(Surveys.ReasonAnswered, error.Reason);
    }

    [Fact]
    public async Task SubmitSurvey_Expired_PreconditionFails()
    {
        var token = await TokenAsync(await ResolvedCaseAsync());
        _p.Clock.Now = _p.Clock.Now.AddDays(31);

        var error = await Assert.ThrowsAsync<PreconditionException>(() => SubmitAsync(token));

        Assert.Equal(Surveys.ReasonExpired, error.Reason);
    }

    [Fact]
    public async Task SubmitSurvey_BadAnswers_FieldViolationsCamelCase()
    {
        var token = await TokenAsync(await ResolvedCaseAsync());

        var error = await Assert.ThrowsAsync<ValidationException>(() => SubmitAsync(token, resolved: null, satisfaction: 0, effort: 6, comment: new string('x', 2001)));

        Assert.Equal(["comment", "effort", "resolved", "satisfaction"], error.Violations.Select(v => v.Field).Order());
    }

    [Fact]
    public async Task GetSurvey_KoreanCase_QuestionsInKorean()
    {
        var token = await TokenAsync(await ResolvedCaseAsync(language: "ko-KR"));

        var survey = await _p.QueryAsync(db => _p.Surveys.QuestionsAsync(db, token, CancellationToken.None));

        Assert.Equal(["resolved", "satisfaction", "effort", "comment"], survey.Questions.Select(q => q.Id));
        Assert.Equal("민원이 해결되었습니까?", survey.Questions[0].Text);
        Assert.Equal((1, 5), (survey.Questions[1].Min, survey.Questions[1].Max));
    }

    [Fact]
    public async Task SubmitSurvey_Comment_CountedAsTermsNotStored()
    {
        var token = await TokenAsync(await ResolvedCaseAsync());

        await SubmitAsync(token, comment: "The branch manager Ottoline was wonderful, thanks");

        var terms = await _p.QueryAsync(db => db.TermCounts.Where(t => t.Source == TermSources.Survey).Select(t => t.Term).OrderBy(t => t).ToListAsync());
        Assert.Equal(["branch", "manager", "ottoline", "thanks", "wonderful"], terms);
        Assert.DoesNotContain("manager Ottoline", _p.Db.StoredText());
    }
}
