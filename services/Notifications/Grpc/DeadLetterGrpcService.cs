using Complaints.Notifications.Domain;
using Complaints.Notifications.V1;
using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Notifications.Grpc;

/// <summary>Staff: the dead letters and their replay. Supervisors and admins only: a replay sends to a real person.</summary>
[Authorize(Policy = Policies.StaffTable)]
public sealed class DeadLetterGrpcService(DeadLetters deadLetters) : DeadLetterService.DeadLetterServiceBase
{
    public override Task<ListDeadLettersResponse> ListDeadLetters(ListDeadLettersRequest request, ServerCallContext context) =>
        deadLetters.ListAsync(request.Channel, request.PageSize, context.GetHttpContext().User, context.CancellationToken);

    public override Task<ReplayDeadLetterResponse> ReplayDeadLetter(ReplayDeadLetterRequest request, ServerCallContext context) =>
        deadLetters.ReplayAsync(request.MessageId, context.GetHttpContext().User, context.CancellationToken);
}
