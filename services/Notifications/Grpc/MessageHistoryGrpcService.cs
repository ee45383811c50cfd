using Complaints.Notifications.Domain;
using Complaints.Notifications.V1;
using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Notifications.Grpc;

/// <summary>Internal: a complaint's messages for Intake's tracking view; never the address.</summary>
[Authorize(Policy = Policies.Internal)]
public sealed class MessageHistoryGrpcService(MessageHistory history) : MessageHistoryService.MessageHistoryServiceBase
{
    public override Task<ListMessagesResponse> ListMessages(ListMessagesRequest request, ServerCallContext context) =>
        history.ForComplaintAsync(request.ComplaintId, context.CancellationToken);
}
