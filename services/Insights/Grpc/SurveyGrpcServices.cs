using Complaints.Insights.Data;
using Complaints.Insights.Domain;
using Complaints.Insights.V1;
using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Insights.Grpc;

/// <summary>Public rows of <see cref="StaffOperations"/>: the single-use token is the credential; never a partner token without a scope.</summary>
[Authorize(Policy = Policies.StaffTable)]
public sealed class SurveyGrpcService(Surveys surveys, InsightsDbContext db) : SurveyService.SurveyServiceBase
{
    public override Task<GetSurveyResponse> GetSurvey(GetSurveyRequest request, ServerCallContext context) =>
        surveys.QuestionsAsync(db, request.Token, context.CancellationToken);

    public override Task<SubmitSurveyResponse> SubmitSurvey(SubmitSurveyRequest request, ServerCallContext context) =>
        surveys.SubmitAsync(db, request, context.CancellationToken);
}

/// <summary>Internal: Notifications fetches a survey's link when it renders the invitation.</summary>
[Authorize(Policy = Policies.Internal)]
public sealed class SurveyLinkGrpcService(Surveys surveys, InsightsDbContext db) : SurveyLinkService.SurveyLinkServiceBase
{
    public override Task<GetSurveyLinkResponse> GetSurveyLink(GetSurveyLinkRequest request, ServerCallContext context) =>
        surveys.LinkAsync(db, request.SurveyId, context.CancellationToken);
}

/// <summary>Staff methods each carry the staff policy; the public ones (submit, view) are rows of the authorisation table.</summary>
public sealed class SuggestionGrpcService(Suggestions suggestions) : SuggestionService.SuggestionServiceBase
{
    /// <summary>A public row of <see cref="StaffOperations"/>: anyone, but never a partner token without a scope for it.</summary>
    [Authorize(Policy = Policies.StaffTable)]
    public override Task<SubmitSuggestionResponse> SubmitSuggestion(SubmitSuggestionRequest request, ServerCallContext context) =>
        suggestions.SubmitAsync(request, context.CancellationToken);

    /// <summary>A public row of <see cref="StaffOperations"/>: anyone, but never a partner token without a scope for it.</summary>
    [Authorize(Policy = Policies.StaffTable)]
    public override Task<ViewSuggestionResponse> ViewSuggestion(ViewSuggestionRequest request, ServerCallContext context) =>
        suggestions.ViewAsync(request, context.CancellationToken);

    [Authorize(Policy = Policies.Staff)]
    public override Task<ListSuggestionsResponse> ListSuggestions(ListSuggestionsRequest request, ServerCallContext context) =>
        suggestions.ListAsync(request, context.CancellationToken);

    [Authorize(Policy = Policies.Staff)]
    public override Task<V1.Suggestion> TagSuggestion(TagSuggestionRequest request, ServerCallContext context) =>
        suggestions.TagAsync(request, context.CancellationToken);

    [Authorize(Policy = Policies.Staff)]
    public override Task<V1.Suggestion> RespondToSuggestion(RespondToSuggestionRequest request, ServerCallContext context) =>
        suggestions.RespondAsync(request, context.GetHttpContext().User.Identity?.Name ?? "staff", context.CancellationToken);
}
