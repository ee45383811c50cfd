using Complaints.Common.V1;
using Complaints.Notifications.Data;
using Complaints.Notifications.V1;
using Complaints.ServiceDefaults.Auth;
using Complaints.ServiceDefaults.Errors;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Notifications.Grpc;

/// <summary>Internal: a complaint's messages for Intake's tracking view; never the address.</summary>
[Authorize(Policy = Policies.Internal)]
public sealed class MessageHistoryGrpcService(NotificationsDbContext db) : MessageHistoryService.MessageHistoryServiceBase
{
    public override async Task<ListMessagesResponse> ListMessages(ListMessagesRequest request, ServerCallContext context)
    {
        if (!Guid.TryParse(request.ComplaintId, out var id))
        {
            throw new ValidationException("complaintId", "must be a complaint id (UUID)");
        }
        var rows = await db.Messages.AsNoTracking().Where(m => m.ComplaintId == id)
            .OrderBy(m => m.CreatedAt).ToListAsync(context.CancellationToken);
        var response = new ListMessagesResponse();
        response.Messages.AddRange(rows.Select(m => new MessageRecord
        {
            MessageId = m.Id.ToString(),
            Kind = (MessageKind)m.Kind,
            Channel = (DeliveryChannel)m.Channel,
            Status = (DeliveryStatus)m.Status,
            Subject = m.Subject ?? string.Empty,
            Language = m.RenderedLanguage ?? m.Language,
            CreatedAt = Timestamp.FromDateTimeOffset(m.CreatedAt),
            DeliveredAt = m.DeliveredAt is { } d ? Timestamp.FromDateTimeOffset(d) : null,
        }));
        return response;
    }
}
