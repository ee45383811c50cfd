using System.Globalization;
using System.Text;
using Complaints.Insights.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace Complaints.Web.Portal.Feedback;

/// <summary>Why a survey cannot be answered, each worded as its own page.</summary>
public enum SurveyClosed
{
    None,
    Unknown,
    Answered,
    Expired,
    Withdrawn,
    Unavailable,
}

/// <summary>The answers as posted (radio values "yes"/"no" and "1".."5"; the comment as typed).</summary>
public sealed class SurveyForm
{
    public string? Resolved { get; set; }
    public string? Satisfaction { get; set; }
    public string? Effort { get; set; }
    public string? Comment { get; set; }

    public string? this[string field] => field switch
    {
        SurveyFlow.Resolved => Resolved,
        SurveyFlow.Satisfaction => Satisfaction,
        SurveyFlow.Effort => Effort,
        SurveyFlow.Comment => Comment,
        _ => null,
    };
}

/// <summary>The survey page: the questions (or why there are none), the posted answers and their errors.</summary>
public sealed class SurveyPageState : FeedbackForm
{
    public GetSurveyResponse? Survey { get; init; }
    public SurveyClosed Closed { get; init; }
    public SurveyForm Form { get; init; } = new();
}

/// <summary>The thank-you page after an answer.</summary>
public sealed class SurveyThanksState : FeedbackForm;

/// <summary>
/// The follow-up survey behind the invitation's link, <c>/surveys/{token}</c>: Insights' public <c>GetSurvey</c> and
/// <c>SubmitSurvey</c>, the page in the survey's language (unless the reader switched), the questions' words from
/// FeedbackTexts by question id. Answered, expired, withdrawn and unknown links each get a page of their own, told
/// apart by Insights' ErrorInfo reason. The token is the survey's only credential: it is never logged (the web app logs
/// no request paths, and traces show <c>/surveys/{token}</c>).
/// </summary>
public static class SurveyFlow
{
    public const string Resolved = "resolved";
    public const string Satisfaction = "satisfaction";
    public const string Effort = "effort";
    public const string Comment = "comment";
    public const string ThanksPath = "/surveys/thanks";

    /// <summary>Insights' limit on the comment.</summary>
    public const int MaxComment = 2000;

    private static readonly string[] Fields = [Resolved, Satisfaction, Effort, Comment];

    public static IEndpointRouteBuilder MapSurvey(this IEndpointRouteBuilder endpoints)
    {
        // Before the components' own endpoints for these pages, which would render them without their data.
        endpoints.MapGet(ThanksPath, (HttpContext context, string? lang) =>
            FeedbackPages.Render(context, new SurveyThanksState(), language: FeedbackPages.Language(context, lang))).WithOrder(-1);
        endpoints.MapGet("/surveys/{token}", ShowAsync).WithOrder(-1);
        endpoints.MapPost("/surveys/{token}", AnswerAsync).WithOrder(-1).DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> ShowAsync(string token, HttpContext context, SurveyService.SurveyServiceClient insights, CancellationToken ct)
    {
        try
        {
            var survey = await insights.GetSurveyAsync(new GetSurveyRequest { Token = token }, deadline: FeedbackPages.Deadline, cancellationToken: ct);
            return FeedbackPages.Render(context, new SurveyPageState { Survey = survey }, language: FeedbackPages.Language(context, survey.Language));
        }
        catch (RpcException e)
        {
            return Closed(context, e);
        }
    }

    private static async Task<IResult> AnswerAsync(string token, [FromForm] SurveyForm? form, HttpContext context,
        SurveyService.SurveyServiceClient insights, CancellationToken ct)
    {
        // Binding gives no form at all when none of its fields was posted: an empty one, then the usual checks.
        form ??= new SurveyForm();
        GetSurveyResponse survey;
        try
        {
            survey = await insights.GetSurveyAsync(new GetSurveyRequest { Token = token }, deadline: FeedbackPages.Deadline, cancellationToken: ct);
        }
        catch (RpcException e)
        {
            return Closed(context, e);
        }
        var language = FeedbackPages.Language(context, survey.Language);
        if (!await FeedbackPages.AntiforgeryValidAsync(context))
        {
            return FeedbackPages.Render(context, new SurveyPageState { Survey = survey, Form = form, GeneralError = "FormExpired" }, StatusCodes.Status400BadRequest, language);
        }
        var (request, state) = Validate(token, form, survey);
        if (state.HasErrors)
        {
            return FeedbackPages.Render(context, state, StatusCodes.Status400BadRequest, language);
        }
        try
        {
            await insights.SubmitSurveyAsync(request, deadline: FeedbackPages.Deadline, cancellationToken: ct);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument && FeedbackPages.Violations(e).Count > 0)
        {
            // Insights' own checks, should the page's ever fall behind them: beside the field, in the page's words.
            foreach (var violation in FeedbackPages.Violations(e))
            {
                var field = Fields.Contains(violation.Field) ? violation.Field : null;
                if (field is null)
                {
                    state.GeneralError = "SurveyNotAccepted";
                }
                else
                {
                    state.AddError(field, field == Comment ? "Error_comment_Invalid" : $"Error_{field}_Required", ControlOf(field));
                }
            }
            state.Order(Fields);
            return FeedbackPages.Render(context, state, StatusCodes.Status400BadRequest, language);
        }
        catch (RpcException e)
        {
            return Closed(context, e);
        }
        // Post/redirect/get: a reload shows the thanks again rather than posting the answers twice.
        return Results.Redirect($"{ThanksPath}?lang={language}", permanent: false, preserveMethod: false);
    }

    /// <summary>The page that says why there is no survey to answer, in the survey's language when Insights said it.</summary>
    private static IResult Closed(HttpContext context, RpcException error)
    {
        var info = FeedbackPages.Info(error);
        var (closed, status) = (error.StatusCode, info?.Reason) switch
        {
            (_, "SURVEY_ANSWERED") or (StatusCode.AlreadyExists, _) => (SurveyClosed.Answered, StatusCodes.Status409Conflict),
            (_, "SURVEY_EXPIRED") => (SurveyClosed.Expired, StatusCodes.Status410Gone),
            (_, "SURVEY_WITHDRAWN") => (SurveyClosed.Withdrawn, StatusCodes.Status410Gone),
            (StatusCode.NotFound or StatusCode.InvalidArgument, _) => (SurveyClosed.Unknown, StatusCodes.Status404NotFound),
            // A FailedPrecondition without a reason (an older Insights) closed the survey one way or the other.
            (StatusCode.FailedPrecondition, _) => (SurveyClosed.Expired, StatusCodes.Status410Gone),
            _ => (SurveyClosed.Unavailable, StatusCodes.Status503ServiceUnavailable),
        };
        var language = info?.Metadata.TryGetValue("language", out var l) == true ? l : null;
        return FeedbackPages.Render(context, new SurveyPageState { Closed = closed }, status, FeedbackPages.Language(context, language));
    }

    private static (SubmitSurveyRequest Request, SurveyPageState State) Validate(string token, SurveyForm form, GetSurveyResponse survey)
    {
        var state = new SurveyPageState { Survey = survey, Form = form };
        var request = new SubmitSurveyRequest { Token = token };
        switch (form.Resolved)
        {
            case "yes":
                request.Resolved = true;
                break;
            case "no":
                request.Resolved = false;
                break;
            default:
                state.AddError(Resolved, "Error_resolved_Required", ControlOf(Resolved));
                break;
        }
        request.Satisfaction = Score(state, Satisfaction, form.Satisfaction);
        request.Effort = Score(state, Effort, form.Effort);
        var comment = (form.Comment ?? string.Empty).Normalize(NormalizationForm.FormC).Trim();
        if (new StringInfo(comment).LengthInTextElements > MaxComment)
        {
            state.AddError(Comment, "Error_comment_TooLong", null, MaxComment);
        }
        else if (comment.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            state.AddError(Comment, "Error_comment_Invalid");
        }
        request.Comment = comment;
        return (request, state);
    }

    private static int Score(SurveyPageState state, string field, string? value)
    {
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var score) && score is >= 1 and <= 5)
        {
            return score;
        }
        state.AddError(field, $"Error_{field}_Required", ControlOf(field));
        return 0;
    }

    /// <summary>The control an error links to: a radio group's first option, else the field itself.</summary>
    public static string ControlOf(string field) => field switch
    {
        Resolved => FeedbackForm.OptionId(Resolved, "yes"),
        Satisfaction or Effort => FeedbackForm.OptionId(field, "1"),
        _ => FeedbackForm.FieldId(field),
    };
}
