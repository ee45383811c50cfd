using Complaints.Insights.Domain;
using Complaints.Insights.V1;
using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Insights.Grpc;

[Authorize(Policy = Policies.Analytics)]
public sealed class InsightsGrpcService(CountQueries counts, MetricQueries metrics, SeriesQueries series, TermQueries terms, Returns returns) : InsightsService.InsightsServiceBase
{
    public override Task<GetComplaintCountsResponse> GetComplaintCounts(GetComplaintCountsRequest request, ServerCallContext context) =>
        counts.CountsAsync(context.CancellationToken);

    public override Task<GetMetricsResponse> GetMetrics(GetMetricsRequest request, ServerCallContext context) =>
        metrics.MetricsAsync(request, context.CancellationToken);

    public override Task<GetRootCausesResponse> GetRootCauses(GetRootCausesRequest request, ServerCallContext context) =>
        metrics.RootCausesAsync(request, context.CancellationToken);

    public override Task<GetMetricSeriesResponse> GetMetricSeries(GetMetricSeriesRequest request, ServerCallContext context) =>
        series.SeriesAsync(request, context.CancellationToken);

    public override Task<GetTopTermsResponse> GetTopTerms(GetTopTermsRequest request, ServerCallContext context) =>
        terms.TopTermsAsync(request, context.CancellationToken);

    public override Task<GetEmergingIssuesResponse> GetEmergingIssues(GetEmergingIssuesRequest request, ServerCallContext context) =>
        terms.EmergingAsync(request, context.CancellationToken);

    public override Task<GetFcaReturnResponse> GetFcaReturn(GetFcaReturnRequest request, ServerCallContext context) =>
        returns.FcaAsync(request, context.CancellationToken);

    public override Task<GetCfpbExportResponse> GetCfpbExport(GetCfpbExportRequest request, ServerCallContext context) =>
        returns.CfpbAsync(request, context.CancellationToken);
}
