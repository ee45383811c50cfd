using Complaints.Common.V1;
using Complaints.Notifications.Data;
using Complaints.Notifications.V1;
using Complaints.ServiceDefaults.Errors;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Notifications.Domain;

/// <summary>A complaint's messages as the complainant may see them: subject, channel, status, times; never the address.</summary>
public sealed class MessageHistory(NotificationsDbContext db)
{
    public async Task<ListMessagesResponse> ForComplaintAsync(string complaintId, CancellationToken ct)
    {
        if (!Guid.TryParse(complaintId, out var id))
        {
            throw new ValidationException("complaintId", "must be a complaint id (UUID)");
        }
        var rows = await db.Messages.AsNoTracking()
            // Staff alerts and partner webhooks are not the complainant's messages.
            .Where(m => m.ComplaintId == id && m.Audience == (int)Audience.Complainant)
            .OrderBy(m => m.CreatedAt).ToListAsync(ct);
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
