using Complaints.Intake.Domain;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Intake.Grpc;

/// <summary>
/// Public: anyone may submit (a partner token needs its scope, <see cref="StaffOperations.SubmitComplaint"/>) and, with
/// the tracking token, track and act. Each method says so: a method added without an attribute needs a token.
/// </summary>
public sealed class IntakeGrpcService(ComplaintSubmission submission, ComplaintTracking tracking, ContactCorrection correction, ComplainantActions actions,
    TaxonomyCatalog taxonomy, TrackingAccess access, SuggestionContacts suggestionContacts)
    : IntakeService.IntakeServiceBase
{
    [Authorize(Policy = Policies.StaffTable)]
    public override Task<SubmitComplaintResponse> SubmitComplaint(SubmitComplaintRequest request, ServerCallContext context) =>
        submission.SubmitAsync(request, IntakeCaller.Submitting(context.GetHttpContext().User), context.CancellationToken);

    [AllowAnonymous]
    public override Task<TrackComplaintResponse> TrackComplaint(TrackComplaintRequest request, ServerCallContext context) =>
        tracking.TrackAsync(request.Reference, request.TrackingToken, context.CancellationToken);

    [AllowAnonymous]
    public override Task<CorrectContactDetailsResponse> CorrectContactDetails(CorrectContactDetailsRequest request, ServerCallContext context) =>
        correction.CorrectAsync(request, context.CancellationToken);

    [AllowAnonymous]
    public override Task<ComplainantActionResponse> AnswerInformationRequest(ComplainantActionRequest request, ServerCallContext context) =>
        actions.ApplyAsync(ComplainantActions.Kind.Answer, request, context.CancellationToken);

    [AllowAnonymous]
    public override Task<ComplainantActionResponse> AddDocument(ComplainantActionRequest request, ServerCallContext context) =>
        actions.ApplyAsync(ComplainantActions.Kind.Document, request, context.CancellationToken);

    [AllowAnonymous]
    public override Task<ComplainantActionResponse> WithdrawComplaint(ComplainantActionRequest request, ServerCallContext context) =>
        actions.ApplyAsync(ComplainantActions.Kind.Withdraw, request, context.CancellationToken);

    [AllowAnonymous]
    public override Task<ComplainantActionResponse> RequestReopen(ComplainantActionRequest request, ServerCallContext context) =>
        actions.ApplyAsync(ComplainantActions.Kind.Reopen, request, context.CancellationToken);

    [AllowAnonymous]
    public override Task WatchComplaint(WatchComplaintRequest request, IServerStreamWriter<ComplaintChange> responseStream, ServerCallContext context) =>
        tracking.WatchAsync(request, responseStream, context.CancellationToken);

    [Authorize(Policy = Policies.StaffTable)]
    public override Task<GetTaxonomyResponse> GetTaxonomy(GetTaxonomyRequest request, ServerCallContext context) =>
        Task.FromResult(taxonomy.Get(request));

    [Authorize(Policy = Policies.StaffTable)]
    public override Task<RequestTrackingAccessResponse> RequestTrackingAccess(RequestTrackingAccessRequest request, ServerCallContext context) =>
        access.RequestAsync(request, context.CancellationToken);

    [Authorize(Policy = Policies.StaffTable)]
    public override Task<RegisterSuggestionContactResponse> RegisterSuggestionContact(RegisterSuggestionContactRequest request, ServerCallContext context) =>
        suggestionContacts.RegisterAsync(request, context.CancellationToken);
}
