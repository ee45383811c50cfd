using Complaints.Common.V1;
using Complaints.Eventing;
using Complaints.Intake.V1;
using Complaints.Notifications.V1;
using Complaints.Routing.Data;
using Complaints.Routing.Domain;
using Complaints.Routing.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Complaints.Routing.Tests;

public sealed class AcknowledgeOnNotificationDeliveredTests : IDisposable
{
    private static readonly DateTimeOffset ReceivedAt = new(2025, 6, 2, 14, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset DeliveredAt = ReceivedAt.AddMinutes(7);
    private readonly RoutingDb _db = new();
    private readonly FakeTimeProvider _clock = new(ReceivedAt.AddMinutes(1));

    public void Dispose() => _db.Dispose();

    private AcknowledgeOnNotificationDelivered Handler() => new(_clock, NullLogger<AcknowledgeOnNotificationDelivered>.Instance);

    /// <summary>Opens a case the way production does: through the ComplaintReceived handler.</summary>
    private async Task<(Guid Id, string Reference)> OpenCaseAsync()
    {
        var e = new ComplaintReceived
        {
            ComplaintId = Guid.NewGuid().ToString(),
            Reference = Envelopes.NewReference(),
            Channel = Channel.Email,
            Category = "service",
            PreferredLanguage = "en",
            HasContact = true,
            ReceivedAt = Timestamp.FromDateTimeOffset(ReceivedAt),
        };
        var open = new OpenCaseOnComplaintReceived(Options.Create(new SlaOptions()), _clock, NullLogger<OpenCaseOnComplaintReceived>.Instance);
        await _db.ApplyAsync(open, Envelopes.For(e, Sources.Intake, e.ComplaintId));
        _clock.Advance(TimeSpan.FromMinutes(10));
        return (Guid.Parse(e.ComplaintId), e.Reference);
    }

    private static NotificationDelivered Delivered(Guid complaintId, MessageKind kind = MessageKind.Acknowledgement, DeliveryStatus status = DeliveryStatus.Delivered) => new()
    {
        MessageId = Guid.NewGuid().ToString(),
        ComplaintId = complaintId.ToString(),
        Kind = kind,
        Channel = DeliveryChannel.Email,
        Status = status,
        DeliveredAt = Timestamp.FromDateTimeOffset(DeliveredAt),
        Language = "en",
    };

    private Task<List<StoredEvent>> AcknowledgedEventsAsync() =>
        _db.QueryAsync(db => db.Events.Where(e => e.Type == CaseAcknowledged.Descriptor.FullName).ToListAsync());

    [Fact]
    public async Task HandleAsync_AcknowledgementDelivered_CaseAcknowledged()
    {
        var (id, _) = await OpenCaseAsync();

        await _db.ApplyAsync(Handler(), Envelopes.For(Delivered(id), Sources.Notifications, id.ToString()));

        var c = await _db.QueryAsync(db => db.Cases.SingleAsync(x => x.ComplaintId == id));
        Assert.Equal((int)CaseStatus.Acknowledged, c.Status);
        Assert.Equal(DeliveredAt, c.AcknowledgedAt);
    }

    [Fact]
    public async Task HandleAsync_AcknowledgementDelivered_AddsPublicTimelineEntry()
    {
        var (id, _) = await OpenCaseAsync();

        await _db.ApplyAsync(Handler(), Envelopes.For(Delivered(id), Sources.Notifications, id.ToString()));

        var timeline = await _db.QueryAsync(db => db.Timeline.Where(t => t.ComplaintId == id).OrderBy(t => t.At).ThenBy(t => t.Id).ToListAsync());
        Assert.Equal(3, timeline.Count);
        var entry = timeline[^1];
        Assert.Equal("Acknowledgement sent", entry.Title);
        Assert.Equal(DeliveredAt, entry.At);
        Assert.True(entry.IsPublic);
        Assert.Equal("system", entry.Actor);
    }

    [Fact]
    public async Task HandleAsync_AcknowledgementDelivered_AppendsOneCaseAcknowledged()
    {
        var (id, reference) = await OpenCaseAsync();

        await _db.ApplyAsync(Handler(), Envelopes.For(Delivered(id), Sources.Notifications, id.ToString()));

        var stored = Assert.Single(await AcknowledgedEventsAsync());
        Assert.Equal(id.ToString(), stored.AggregateId);
        var acknowledged = CaseAcknowledged.Parser.ParseFrom(stored.Payload);
        Assert.Equal(id.ToString(), acknowledged.ComplaintId);
        Assert.Equal(reference, acknowledged.Reference);
        Assert.Equal(DeliveredAt, acknowledged.AcknowledgedAt.ToDateTimeOffset());
        Assert.Equal(ReceivedAt, acknowledged.ReceivedAt.ToDateTimeOffset());
    }

    [Fact]
    public async Task HandleAsync_SecondDelivery_ChangesNothing()
    {
        var (id, _) = await OpenCaseAsync();
        await _db.ApplyAsync(Handler(), Envelopes.For(Delivered(id), Sources.Notifications, id.ToString()));
        var later = Delivered(id);
        later.DeliveredAt = Timestamp.FromDateTimeOffset(DeliveredAt.AddHours(1));

        await _db.ApplyAsync(Handler(), Envelopes.For(later, Sources.Notifications, id.ToString()));

        var c = await _db.QueryAsync(db => db.Cases.SingleAsync(x => x.ComplaintId == id));
        Assert.Equal(DeliveredAt, c.AcknowledgedAt);
        Assert.Equal((int)CaseStatus.Acknowledged, c.Status);
        Assert.Single(await AcknowledgedEventsAsync());
        Assert.Equal(3, await _db.QueryAsync(db => db.Timeline.CountAsync(t => t.ComplaintId == id)));
    }

    [Theory]
    [InlineData(MessageKind.Acknowledgement, DeliveryStatus.NotApplicable)]
    [InlineData(MessageKind.Acknowledgement, DeliveryStatus.Failed)]
    [InlineData(MessageKind.Acknowledgement, DeliveryStatus.Pending)]
    [InlineData(MessageKind.PublicUpdate, DeliveryStatus.Delivered)]
    [InlineData(MessageKind.FinalResponse, DeliveryStatus.Delivered)]
    public async Task HandleAsync_OtherKindOrStatus_DoesNotAcknowledge(MessageKind kind, DeliveryStatus status)
    {
        var (id, _) = await OpenCaseAsync();

        await _db.ApplyAsync(Handler(), Envelopes.For(Delivered(id, kind, status), Sources.Notifications, id.ToString()));

        var c = await _db.QueryAsync(db => db.Cases.SingleAsync(x => x.ComplaintId == id));
        Assert.Equal((int)CaseStatus.Received, c.Status);
        Assert.Null(c.AcknowledgedAt);
        Assert.Empty(await AcknowledgedEventsAsync());
        Assert.Equal(2, await _db.QueryAsync(db => db.Timeline.CountAsync(t => t.ComplaintId == id)));
    }

    [Fact]
    public async Task HandleAsync_UnknownComplaint_Ignored()
    {
        var unknown = Guid.NewGuid();

        await _db.ApplyAsync(Handler(), Envelopes.For(Delivered(unknown), Sources.Notifications, unknown.ToString()));

        Assert.Equal(0, await _db.QueryAsync(db => db.Cases.CountAsync()));
        Assert.Equal(0, await _db.QueryAsync(db => db.Timeline.CountAsync()));
        Assert.Equal(0, await _db.QueryAsync(db => db.Events.CountAsync()));
    }

    [Fact]
    public async Task HandleAsync_MalformedComplaintId_Ignored()
    {
        var (id, _) = await OpenCaseAsync();
        var e = Delivered(id);
        e.ComplaintId = "not-a-uuid";

        await _db.ApplyAsync(Handler(), Envelopes.For(e, Sources.Notifications, "not-a-uuid"));

        var c = await _db.QueryAsync(db => db.Cases.SingleAsync(x => x.ComplaintId == id));
        Assert.Null(c.AcknowledgedAt);
        Assert.Empty(await AcknowledgedEventsAsync());
    }

    [Fact]
    public void Handler_Subscription_IsNotificationDeliveredFromNotifications()
    {
        IEventHandler<RoutingDbContext> handler = Handler();

        Assert.Equal(Sources.Notifications, handler.Source);
        Assert.Equal(NotificationDelivered.Descriptor.FullName, handler.EventType);
    }
}
