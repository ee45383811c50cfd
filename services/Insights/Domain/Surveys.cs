using System.Security.Cryptography;
using System.Text;
using Complaints.Eventing;
using Complaints.Eventing.V1;
using Complaints.Insights.Data;
using Complaints.Insights.V1;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Data;
using Complaints.ServiceDefaults.Errors;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Survey = Complaints.Insights.Data.Survey;

namespace Complaints.Insights.Domain;

/// <summary>Configuration section <c>Insights</c>.</summary>
public sealed class InsightsOptions
{
    /// <summary>The gateway's public address; survey links are absolute URLs under it.</summary>
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:8080";
    public TimeSpan SurveyValidity { get; set; } = TimeSpan.FromDays(30);
    /// <summary>Drop the aggregates and read every feed again from sequence zero at start (then turn it off).</summary>
    public bool RebuildOnStart { get; set; }
    /// <summary>
    /// With several replicas: the rebuild runs once per id, by whichever replica takes the lease first; replicas that
    /// start later with the same id skip it. Empty: every start with <see cref="RebuildOnStart"/> rebuilds.
    /// </summary>
    public string RebuildId { get; set; } = string.Empty;
    /// <summary>How long a replica may hold the rebuild lease before another may take it.</summary>
    public TimeSpan RebuildLease { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>How often a replica waiting for the rebuild lease tries again.</summary>
    public TimeSpan RebuildLeaseRetry { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// The follow-up survey: requested when a case's final response is sent (once per case; none for an anonymous
/// complaint, which has nowhere to send it), answered once through a single-use link whose token is kept hashed.
/// </summary>
public sealed class Surveys(IOptions<InsightsOptions> options, TimeProvider clock, Detector detector, TermLinks links)
{
    public const int MaxComment = 2000;

    public async Task RequestAsync(InsightsDbContext db, CaseFact fact, CancellationToken ct)
    {
        if (!fact.HasContact || fact.Erased
            || db.Surveys.Tracked().Any(s => s.ComplaintId == fact.ComplaintId)
            || await db.Surveys.AnyAsync(s => s.ComplaintId == fact.ComplaintId, ct))
        {
            return;
        }
        var now = clock.GetUtcNow();
        var survey = new Survey
        {
            SurveyId = Guid.CreateVersion7(now),
            ComplaintId = fact.ComplaintId,
            Reference = fact.Reference,
            Language = fact.Language.Length > 0 ? fact.Language : "en",
            CreatedAt = now,
            ExpiresAt = now + options.Value.SurveyValidity,
        };
        db.Surveys.Add(survey);
        db.AppendEvent(new SurveyRequested
        {
            SurveyId = survey.SurveyId.ToString(),
            ComplaintId = survey.ComplaintId,
            Reference = survey.Reference,
            Language = survey.Language,
            ExpiresAt = Timestamp.FromDateTimeOffset(survey.ExpiresAt),
        }, survey.ComplaintId, clock);
    }

    /// <summary>A fresh single-use link each call (an invitation sent again still works); only its hash is kept.</summary>
    public async Task<GetSurveyLinkResponse> LinkAsync(InsightsDbContext db, string surveyId, CancellationToken ct)
    {
        if (!Guid.TryParse(surveyId, out var id))
        {
            throw new ValidationException("surveyId", "must be a survey id");
        }
        var survey = await db.Surveys.FindAsync([id], ct) ?? throw new NotFoundException("No such survey.");
        EnsureOpen(survey);
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        db.SurveyTokens.Add(new SurveyToken { TokenHash = Hash(token), SurveyId = id, IssuedAt = clock.GetUtcNow() });
        await db.SaveChangesAsync(ct);
        return new GetSurveyLinkResponse
        {
            // The portal's survey page, which answers through the API (GET|POST /api/v1/surveys/{token}).
            Url = PortalLinks.Survey(options.Value.PublicBaseUrl, token),
            ExpiresAt = Timestamp.FromDateTimeOffset(survey.ExpiresAt),
        };
    }

    public async Task<GetSurveyResponse> QuestionsAsync(InsightsDbContext db, string token, CancellationToken ct)
    {
        var survey = await FindAsync(db, token, ct);
        EnsureOpen(survey);
        var response = new GetSurveyResponse { Reference = survey.Reference, Language = survey.Language, ExpiresAt = Timestamp.FromDateTimeOffset(survey.ExpiresAt) };
        response.Questions.AddRange(SurveyQuestions.For(survey.Language));
        return response;
    }

    public async Task<SubmitSurveyResponse> SubmitAsync(InsightsDbContext db, SubmitSurveyRequest request, CancellationToken ct)
    {
        var v = new Validator();
        if (!request.HasResolved)
        {
            v.Add("resolved", "is required (true or false)");
        }
        if (request.Satisfaction is < 1 or > 5)
        {
            v.Add("satisfaction", "must be from 1 to 5");
        }
        if (request.Effort is < 1 or > 5)
        {
            v.Add("effort", "must be from 1 to 5");
        }
        var comment = v.Text("comment", request.Comment, 0, MaxComment);
        v.ThrowIfInvalid();

        var survey = await FindAsync(db, request.Token, ct);
        EnsureOpen(survey);
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // One answer: the conditional update lets exactly one of two concurrent submissions through.
        var won = await db.Surveys.Where(s => s.SurveyId == survey.SurveyId && s.AnsweredAt == null && s.WithdrawnAt == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.AnsweredAt, now)
                .SetProperty(x => x.Resolved, request.Resolved)
                .SetProperty(x => x.Satisfaction, request.Satisfaction)
                .SetProperty(x => x.Effort, request.Effort), ct);
        if (won == 0)
        {
            // Answered or withdrawn meanwhile: say which.
            var current = await db.Surveys.AsNoTracking().SingleAsync(s => s.SurveyId == survey.SurveyId, ct);
            EnsureOpen(current);
            throw Answered(current);
        }
        var fact = await db.CaseFacts.FindAsync([survey.ComplaintId], ct)
            ?? new CaseFact { ComplaintId = survey.ComplaintId, Category = string.Empty };
        var day = Days.Of(now);
        await CountAnswerAsync(db, fact, day, request.Resolved, request.Satisfaction, request.Effort, ct);
        if (!request.Resolved)
        {
            db.AppendEvent(new SurveyNotResolved
            {
                SurveyId = survey.SurveyId.ToString(),
                ComplaintId = survey.ComplaintId,
                Reference = survey.Reference,
                Satisfaction = request.Satisfaction,
                AnsweredAt = Timestamp.FromDateTimeOffset(now),
            }, survey.ComplaintId, clock);
        }
        // The comment becomes term counts and is dropped.
        var terms = Tokenizer.Terms(comment);
        var language = TermCounting.LanguageOf(survey.Language);
        await db.AddTermsAsync(TermSources.Survey, fact.Category, language, day, terms, ct);
        links.Record(db, survey.ComplaintId, TermSources.Survey, fact.Category, language, day, terms);
        await detector.CheckTermsAsync(db, TermSources.Survey, fact.Category, day, terms, survey.Reference, record: true, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new SubmitSurveyResponse { AnsweredAt = Timestamp.FromDateTimeOffset(now) };
    }

    /// <summary>An answer's figures, on its day and the case's queue then (the day metrics and the series).</summary>
    public static async Task CountAnswerAsync(InsightsDbContext db, CaseFact fact, int day, bool resolved, int satisfaction, int effort, CancellationToken ct)
    {
        await db.AddAsync(fact, day, Metric.SurveyAnswers, 1, ct);
        await db.AddAsync(fact, day, Metric.SurveyEffortSum, effort, ct);
        await db.AddAsync(fact, day, Metric.SurveySatisfactionSum, satisfaction, ct);
        if (satisfaction >= 4)
        {
            await db.AddAsync(fact, day, Metric.SurveySatisfied, 1, ct);
        }
        if (resolved)
        {
            await db.AddAsync(fact, day, Metric.SurveyResolved, 1, ct);
        }
    }

    private static async Task<Survey> FindAsync(InsightsDbContext db, string token, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 100)
        {
            throw new ValidationException("token", "is required");
        }
        var hash = Hash(token);
        var surveyId = await db.SurveyTokens.Where(t => t.TokenHash == hash).Select(t => (Guid?)t.SurveyId).FirstOrDefaultAsync(ct);
        // A used link stays known (its hash), so a second visit learns "already answered", not "unknown": the token
        // is 256 random bits, so only its holder can ask.
        return surveyId is { } id ? await db.Surveys.FindAsync([id], ct) ?? throw Unknown() : throw Unknown();
    }

    private static NotFoundException Unknown() => new("This survey link is unknown.") { Reason = ReasonUnknown };

    /// <summary>
    /// Each closed state has its own reason (google.rpc.ErrorInfo), with the survey's language, so the portal words a
    /// clear page in the complainant's language: answered (AlreadyExists), withdrawn or expired (FailedPrecondition).
    /// </summary>
    private void EnsureOpen(Survey survey)
    {
        if (survey.WithdrawnAt is not null)
        {
            throw new PreconditionException("This survey has been withdrawn: the complaint was withdrawn, or the complainant's data was erased at their request.")
            {
                Reason = ReasonWithdrawn,
                Metadata = LanguageOf(survey),
            };
        }
        if (survey.AnsweredAt is not null)
        {
            throw Answered(survey);
        }
        if (clock.GetUtcNow() >= survey.ExpiresAt)
        {
            throw new PreconditionException("This survey has expired.") { Reason = ReasonExpired, Metadata = LanguageOf(survey) };
        }
    }

    private static ConflictException Answered(Survey survey) =>
        new("This survey has already been answered.") { Reason = ReasonAnswered, Metadata = LanguageOf(survey) };

    private static Dictionary<string, string> LanguageOf(Survey survey) => new() { ["language"] = survey.Language };

    public const string ReasonUnknown = "SURVEY_UNKNOWN";
    public const string ReasonAnswered = "SURVEY_ANSWERED";
    public const string ReasonExpired = "SURVEY_EXPIRED";
    public const string ReasonWithdrawn = "SURVEY_WITHDRAWN";

    /// <summary>
    /// A complaint withdrawn by its complainant (after a reopening: a resolved case cannot be withdrawn) takes its
    /// unanswered survey with it: no link works any more, none is issued.
    /// </summary>
    public async Task WithdrawForComplaintAsync(InsightsDbContext db, string complaintId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await db.Surveys.Where(s => s.ComplaintId == complaintId && s.WithdrawnAt == null && s.AnsweredAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.WithdrawnAt, now), ct);
    }

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

public static class SurveyQuestions
{
    private static readonly Dictionary<string, string[]> Texts = new(StringComparer.Ordinal)
    {
        ["en"] = ["Was your complaint resolved?", "How satisfied are you with how we handled it? (1 = very dissatisfied, 5 = very satisfied)",
            "How easy was it to get your complaint dealt with? (1 = very difficult, 5 = very easy)", "Anything else you would like to tell us?"],
        ["ko"] = ["민원이 해결되었습니까?", "처리 과정에 얼마나 만족하십니까? (1 = 매우 불만족, 5 = 매우 만족)",
            "민원 처리가 얼마나 수월했습니까? (1 = 매우 어려움, 5 = 매우 쉬움)", "더 하실 말씀이 있으십니까?"],
        ["bg"] = ["Разрешено ли беше оплакването Ви?", "Доколко сте доволни от начина, по който го разгледахме? (1 = много недоволен, 5 = много доволен)",
            "Колко лесно беше да бъде разгледано оплакването Ви? (1 = много трудно, 5 = много лесно)", "Искате ли да ни кажете още нещо?"],
    };

    public static IEnumerable<SurveyQuestion> For(string language)
    {
        var t = Texts.GetValueOrDefault(TermCounting.LanguageOf(language)) ?? Texts["en"];
        yield return new SurveyQuestion { Id = "resolved", Kind = "yes_no", Text = t[0], Required = true };
        yield return new SurveyQuestion { Id = "satisfaction", Kind = "scale", Text = t[1], Min = 1, Max = 5, Required = true };
        yield return new SurveyQuestion { Id = "effort", Kind = "scale", Text = t[2], Min = 1, Max = 5, Required = true };
        yield return new SurveyQuestion { Id = "comment", Kind = "text", Text = t[3], Max = Surveys.MaxComment };
    }
}

/// <summary>A complaint its complainant withdrew: its unanswered survey is withdrawn (<see cref="Surveys.WithdrawForComplaintAsync"/>).</summary>
public sealed class WithdrawSurveyOfWithdrawnComplaint(Surveys surveys) : FeedEventHandler<InsightsDbContext, Routing.V1.CaseClosed>(Sources.Routing)
{
    protected override async Task HandleAsync(Routing.V1.CaseClosed e, EventEnvelope envelope, InsightsDbContext db, CancellationToken ct)
    {
        if (e.Withdrawn)
        {
            await surveys.WithdrawForComplaintAsync(db, e.ComplaintId, ct);
        }
    }
}
