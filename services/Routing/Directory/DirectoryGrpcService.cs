using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Routing.Directory;

/// <summary>The staff directory, queues and routing rules: staff read, admins write.</summary>
[Authorize(Policy = Policies.StaffTable)]
public sealed class DirectoryGrpcService(StaffDirectory directory) : DirectoryService.DirectoryServiceBase
{
    public override Task<Agent> UpsertAgent(Agent request, ServerCallContext context) =>
        directory.UpsertAgentAsync(request, context.CancellationToken);

    public override Task<ListAgentsResponse> ListAgents(ListAgentsRequest request, ServerCallContext context) =>
        directory.ListAgentsAsync(request.QueueId, context.CancellationToken);

    public override Task<Queue> UpsertQueue(Queue request, ServerCallContext context) =>
        directory.UpsertQueueAsync(request, context.GetHttpContext().User.StaffId() ?? "unknown", context.CancellationToken);

    public override Task<ListQueuesResponse> ListQueues(ListQueuesRequest request, ServerCallContext context) =>
        directory.ListQueuesAsync(context.CancellationToken);

    public override Task<RoutingRules> GetRoutingRules(GetRoutingRulesRequest request, ServerCallContext context) =>
        directory.RulesAsync(context.CancellationToken);

    public override Task<RoutingRules> ReplaceRoutingRules(RoutingRules request, ServerCallContext context) =>
        directory.ReplaceRulesAsync(request, context.GetHttpContext().User.StaffId() ?? "unknown", context.CancellationToken);
}
