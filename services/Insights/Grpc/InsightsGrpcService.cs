using Complaints.Insights.Domain;
using Complaints.Insights.V1;
using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Insights.Grpc;

[Authorize(Policy = Policies.Analytics)]
public sealed class InsightsGrpcService(CountQueries counts) : InsightsService.InsightsServiceBase
{
    public override Task<GetComplaintCountsResponse> GetComplaintCounts(GetComplaintCountsRequest request, ServerCallContext context) =>
        counts.CountsAsync(context.CancellationToken);
}
