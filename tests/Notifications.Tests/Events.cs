using Complaints.Common.V1;
using Complaints.Routing.V1;
using Google.Protobuf.WellKnownTypes;

namespace Complaints.Notifications.Tests;

/// <summary>Routing's events as the feed carries them.</summary>
public static class Events
{
    public static CaseOpened Opened(Guid complaintId, string reference, string language, DateTimeOffset receivedAt,
        Channel channel = Channel.Web, bool hasContact = true) => new()
        {
            ComplaintId = complaintId.ToString(),
            Reference = reference,
            Category = "billing",
            Channel = channel,
            PreferredLanguage = language,
            HasContact = hasContact,
            QueueId = "general",
            ReceivedAt = Timestamp.FromDateTimeOffset(receivedAt),
            OpenedAt = Timestamp.FromDateTimeOffset(receivedAt.AddMinutes(1)),
            AcknowledgeBy = Timestamp.FromDateTimeOffset(receivedAt.AddHours(24)),
            ResolveBy = Timestamp.FromDateTimeOffset(receivedAt.AddDays(56)),
            FinalResponseDue = Timestamp.FromDateTimeOffset(receivedAt.AddDays(56)),
        };

    public static Timestamp Stamp(DateTimeOffset at) => Timestamp.FromDateTimeOffset(at);
}
