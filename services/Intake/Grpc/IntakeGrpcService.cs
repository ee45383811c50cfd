using Complaints.Intake.Domain;
using Complaints.Intake.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Intake.Grpc;

/// <summary>Public: anyone may submit and, with the token, track.</summary>
[AllowAnonymous]
public sealed class IntakeGrpcService(ComplaintSubmission submission, ComplaintTracking tracking, ContactCorrection correction, ComplainantActions actions)
    : IntakeService.IntakeServiceBase
{
    public override Task<SubmitComplaintResponse> SubmitComplaint(SubmitComplaintRequest request, ServerCallContext context) =>
        submission.SubmitAsync(request, SourceOf(context), CallerOf(context), context.CancellationToken);

    public override Task<TrackComplaintResponse> TrackComplaint(TrackComplaintRequest request, ServerCallContext context) =>
        tracking.TrackAsync(request.Reference, request.TrackingToken, context.CancellationToken);

    public override Task<CorrectContactDetailsResponse> CorrectContactDetails(CorrectContactDetailsRequest request, ServerCallContext context) =>
        correction.CorrectAsync(request, context.CancellationToken);

    public override Task<ComplainantActionResponse> AnswerInformationRequest(ComplainantActionRequest request, ServerCallContext context) =>
        actions.ApplyAsync(ComplainantActions.Kind.Answer, request, context.CancellationToken);

    public override Task<ComplainantActionResponse> AddDocument(ComplainantActionRequest request, ServerCallContext context) =>
        actions.ApplyAsync(ComplainantActions.Kind.Document, request, context.CancellationToken);

    public override Task<ComplainantActionResponse> WithdrawComplaint(ComplainantActionRequest request, ServerCallContext context) =>
        actions.ApplyAsync(ComplainantActions.Kind.Withdraw, request, context.CancellationToken);

    public override Task<ComplainantActionResponse> RequestReopen(ComplainantActionRequest request, ServerCallContext context) =>
        actions.ApplyAsync(ComplainantActions.Kind.Reopen, request, context.CancellationToken);

    public override Task WatchComplaint(WatchComplaintRequest request, IServerStreamWriter<ComplaintChange> responseStream, ServerCallContext context) =>
        tracking.WatchAsync(request, responseStream, context.CancellationToken);

    /// <summary>Idempotency keys are scoped to the caller: a partner's keys never collide with the public's.</summary>
    private static string SourceOf(ServerCallContext context) => CallerOf(context) is { } subject ? "sub:" + subject : "public";

    private static string? CallerOf(ServerCallContext context) =>
        context.GetHttpContext().User.FindFirst("sub")?.Value is { Length: > 0 } subject ? subject : null;
}
