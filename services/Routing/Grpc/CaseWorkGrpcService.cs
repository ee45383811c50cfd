using Complaints.Routing.Directory;
using Complaints.Routing.Domain;
using Complaints.Routing.V1;
using Complaints.Routing.Watch;
using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Routing.Grpc;

/// <summary>Staff operations on cases; the actor is the caller's token subject.</summary>
[Authorize(Policy = Policies.StaffTable)]
public sealed class CaseWorkGrpcService(CaseWork work, CaseListQuery list, CaseWatch watch) : CaseWorkService.CaseWorkServiceBase
{
    public override Task<ListCasesResponse> ListCases(ListCasesRequest request, ServerCallContext context) =>
        list.ListAsync(request, context.GetHttpContext().User, context.CancellationToken);

    public override Task WatchCases(WatchCasesRequest request, IServerStreamWriter<CaseListChange> responseStream, ServerCallContext context) =>
        watch.WatchQueueAsync(request, context.GetHttpContext().User, responseStream, context.CancellationToken);

    public override Task WatchCase(WatchCaseRequest request, IServerStreamWriter<CaseChange> responseStream, ServerCallContext context) =>
        watch.WatchStaffAsync(request.Reference, request.ResumeToken, context.GetHttpContext().User, responseStream, context.CancellationToken);

    public override Task<CaseSummary> AssignCase(AssignCaseRequest request, ServerCallContext context) =>
        work.AssignAsync(request, context.GetHttpContext().User, context.CancellationToken);

    public override Task<CaseSummary> StartInvestigation(CaseActionRequest request, ServerCallContext context) =>
        work.StartInvestigationAsync(request, context.GetHttpContext().User, context.CancellationToken);

    public override Task<CaseSummary> AddNote(AddNoteRequest request, ServerCallContext context) =>
        work.AddNoteAsync(request, context.GetHttpContext().User, context.CancellationToken);

    public override Task<CaseSummary> PostPublicUpdate(PostPublicUpdateRequest request, ServerCallContext context) =>
        work.PostPublicUpdateAsync(request, context.GetHttpContext().User, context.CancellationToken);

    public override Task<CaseSummary> RequestInformation(RequestInformationRequest request, ServerCallContext context) =>
        work.RequestInformationAsync(request, context.GetHttpContext().User, context.CancellationToken);

    public override Task<CaseSummary> RecordFindings(RecordFindingsRequest request, ServerCallContext context) =>
        work.RecordFindingsAsync(request, context.GetHttpContext().User, context.CancellationToken);

    public override Task<CaseSummary> ProposeResolution(ProposeResolutionRequest request, ServerCallContext context) =>
        work.ProposeResolutionAsync(request, context.GetHttpContext().User, context.CancellationToken);

    public override Task<CaseSummary> DecideResolution(DecideResolutionRequest request, ServerCallContext context) =>
        work.DecideResolutionAsync(request, context.GetHttpContext().User, context.CancellationToken);

    public override Task<FinalResponseRequirements> GetFinalResponseRequirements(CaseRef request, ServerCallContext context) =>
        work.RequirementsAsync(request, context.GetHttpContext().User, context.CancellationToken);

    public override Task<CaseSummary> SendFinalResponse(SendFinalResponseRequest request, ServerCallContext context) =>
        work.SendFinalResponseAsync(request, context.GetHttpContext().User, context.CancellationToken);

    public override Task<CaseSummary> CloseCase(CaseActionRequest request, ServerCallContext context) =>
        work.CloseAsync(request, context.GetHttpContext().User, context.CancellationToken);

    public override Task<CaseSummary> ReopenCase(CaseActionRequest request, ServerCallContext context) =>
        work.ReopenAsync(request, context.GetHttpContext().User, context.CancellationToken);

    public override Task<CaseSummary> EscalateCase(EscalateCaseRequest request, ServerCallContext context) =>
        work.EscalateAsync(request, context.GetHttpContext().User, context.CancellationToken);

    public override Task<CaseSummary> OverrideSeverity(OverrideSeverityRequest request, ServerCallContext context) =>
        work.OverrideSeverityAsync(request, context.GetHttpContext().User, context.CancellationToken);

    public override Task<CaseSummary> ExtendStatutoryDeadline(CaseActionRequest request, ServerCallContext context) =>
        work.ExtendStatutoryAsync(request, context.GetHttpContext().User, context.CancellationToken);
}

/// <summary>Internal: the complainant's actions, forwarded by Intake after it verified the tracking token.</summary>
[Authorize(Policy = Policies.Internal)]
public sealed class ComplainantActionGrpcService(ComplainantActions actions) : ComplainantActionService.ComplainantActionServiceBase
{
    public override Task<ComplainantActionResponse> AnswerInformationRequest(ComplainantActionRequest request, ServerCallContext context) =>
        actions.AnswerAsync(request, context.CancellationToken);

    public override Task<ComplainantActionResponse> AddDocument(ComplainantActionRequest request, ServerCallContext context) =>
        actions.AddDocumentAsync(request, context.CancellationToken);

    public override Task<ComplainantActionResponse> Withdraw(ComplainantActionRequest request, ServerCallContext context) =>
        actions.WithdrawAsync(request, context.CancellationToken);

    public override Task<ComplainantActionResponse> RequestReopen(ComplainantActionRequest request, ServerCallContext context) =>
        actions.RequestReopenAsync(request, context.CancellationToken);
}
