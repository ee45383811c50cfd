using Complaints.Routing.Domain;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Routing.Grpc;

/// <summary>Internal: the complainant-safe view, for Intake's tracking, and public entries for Notifications.</summary>
[Authorize(Policy = Policies.Internal)]
public sealed class CaseViewGrpcService(CaseQueries cases, Watch.CaseWatch watch) : CaseViewService.CaseViewServiceBase
{
    public override Task WatchPublicCase(WatchPublicCaseRequest request, IServerStreamWriter<PublicCaseChange> responseStream, ServerCallContext context) =>
        watch.WatchPublicAsync(request.ComplaintId, request.ResumeToken, responseStream, context.CancellationToken);

    public override Task<GetPublicCaseViewResponse> GetPublicCaseView(GetPublicCaseViewRequest request, ServerCallContext context) =>
        cases.PublicViewAsync(request.ComplaintId, context.CancellationToken);

    public override Task<PublicTimelineEntry> GetPublicEntry(GetPublicEntryRequest request, ServerCallContext context) =>
        cases.PublicEntryAsync(request, context.CancellationToken);
}

/// <summary>Staff reads.</summary>
[Authorize(Policy = Policies.StaffTable)]
public sealed class CaseGrpcService(CaseQueries cases) : CaseService.CaseServiceBase
{
    public override Task<GetCaseResponse> GetCase(GetCaseRequest request, ServerCallContext context) =>
        cases.ByReferenceAsync(request.Reference, context.GetHttpContext().User, context.CancellationToken);
}
