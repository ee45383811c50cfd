using System.Text.Json;
using Complaints.Common.V1;
using Complaints.Eventing;
using Complaints.Notifications.Data;
using Complaints.Notifications.Domain;
using Complaints.Routing.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Complaints.Notifications.Tests;

public sealed class OnCaseOpenedTests : IDisposable
{
    private static readonly DateTimeOffset ReceivedAt = new(2025, 5, 20, 23, 30, 0, TimeSpan.Zero);
    private readonly NotificationsDb _db = new();
    private readonly FakeTimeProvider _clock = new(ReceivedAt.AddMinutes(2));
    private readonly DeliveryWakeup _wakeup = new();

    public void Dispose() => _db.Dispose();

    private OnCaseOpened Handler() => new(_wakeup, _clock);

    private static CaseOpened Opened(string language = "ko") => new()
    {
        ComplaintId = Guid.NewGuid().ToString(),
        Reference = Envelopes.NewReference(),
        Category = "billing",
        Channel = Channel.Web,
        PreferredLanguage = language,
        HasContact = true,
        ReceivedAt = Timestamp.FromDateTimeOffset(ReceivedAt),
        OpenedAt = Timestamp.FromDateTimeOffset(ReceivedAt.AddMinutes(1)),
        AcknowledgeBy = Timestamp.FromDateTimeOffset(ReceivedAt.AddHours(24)),
        ResolveBy = Timestamp.FromDateTimeOffset(ReceivedAt.AddDays(56)),
    };

    [Fact]
    public async Task HandleAsync_CaseOpened_QueuesOnePendingEmail()
    {
        var e = Opened();
        var envelope = Envelopes.For(e, Sources.Routing, e.ComplaintId);

        await _db.ApplyAsync(Handler(), envelope);

        var message = Assert.Single(await _db.QueryAsync(db => db.Messages.ToListAsync()));
        Assert.Equal(MessageIds.From(envelope.EventId, MessageKind.Acknowledgement), message.Id);
        Assert.Equal(Guid.Parse(e.ComplaintId), message.ComplaintId);
        Assert.Equal(e.Reference, message.Reference);
        Assert.Equal((int)MessageKind.Acknowledgement, message.Kind);
        Assert.Equal((int)DeliveryChannel.Email, message.Channel);
        Assert.Equal((int)DeliveryStatus.Pending, message.Status);
        Assert.Equal("ko", message.Language);
        Assert.Equal(0, message.Attempts);
        Assert.Equal(_clock.GetUtcNow(), message.CreatedAt);
        Assert.Equal(_clock.GetUtcNow(), message.NextAttemptAt);
        Assert.Null(message.DeliveredAt);
        Assert.Null(message.Subject);
    }

    [Fact]
    public async Task HandleAsync_CaseOpened_TemplateDataHoldsDeadlines()
    {
        var e = Opened();

        await _db.ApplyAsync(Handler(), Envelopes.For(e, Sources.Routing, e.ComplaintId));

        var message = await _db.QueryAsync(db => db.Messages.SingleAsync());
        var data = JsonSerializer.Deserialize<MessageData>(message.TemplateData);
        Assert.NotNull(data);
        Assert.Equal(ReceivedAt, data.Dates["receivedAt"]);
        Assert.Equal(ReceivedAt.AddHours(24), data.Dates["acknowledgeBy"]);
        Assert.Equal(ReceivedAt.AddDays(56), data.Dates["resolveBy"]);
        Assert.False(data.Dates.ContainsKey("finalResponseDue"));
        Assert.Equal(e.Reference, message.Reference);
    }

    [Fact]
    public async Task HandleAsync_ImportedClosedCase_QueuesNothing()
    {
        var e = Opened();
        e.ImportedClosed = true;
        e.AcknowledgeBy = null;
        e.ResolveBy = null;

        await _db.ApplyAsync(Handler(), Envelopes.For(e, Sources.Routing, e.ComplaintId));

        Assert.Equal(0, await _db.QueryAsync(db => db.Messages.CountAsync()));
    }

    [Fact]
    public async Task HandleAsync_SameEventTwice_QueuesOneMessage()
    {
        var e = Opened();
        var envelope = Envelopes.For(e, Sources.Routing, e.ComplaintId);

        await _db.ApplyAsync(Handler(), envelope);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await _db.ApplyAsync(Handler(), envelope);

        var message = Assert.Single(await _db.QueryAsync(db => db.Messages.ToListAsync()));
        Assert.Equal(ReceivedAt.AddMinutes(2), message.CreatedAt);
    }

    [Fact]
    public async Task HandleAsync_AnonymousCase_QueuesOnlyTheAcknowledgementRecord()
    {
        var e = Opened();
        e.HasContact = false;
        await _db.ApplyAsync(Handler(), Envelopes.For(e, Sources.Routing, e.ComplaintId));

        await _db.ApplyAsync(new OnCaseClosed(_wakeup, _clock), Envelopes.For(new CaseClosed { ComplaintId = e.ComplaintId, Reference = e.Reference }, Sources.Routing));

        // Resolved NOT_APPLICABLE at send time, so Routing stops the acknowledgement clocks; nothing else is queued.
        var message = Assert.Single(await _db.QueryAsync(db => db.Messages.ToListAsync()));
        Assert.Equal((int)MessageKind.Acknowledgement, message.Kind);
        var context = await _db.QueryAsync(db => db.Cases.SingleAsync());
        Assert.False(context.HasContact);
    }

    [Fact]
    public async Task HandleAsync_PartnerChannel_QueuesWebhookBesideEmail()
    {
        var e = Opened();
        e.Channel = Channel.PartnerApi;

        await _db.ApplyAsync(Handler(), Envelopes.For(e, Sources.Routing, e.ComplaintId));

        var messages = await _db.QueryAsync(db => db.Messages.OrderBy(m => m.Channel).ToListAsync());
        Assert.Equal([(int)DeliveryChannel.Email, (int)DeliveryChannel.Webhook], messages.Select(m => m.Channel));
        var webhook = messages[1];
        Assert.Equal((int)Audience.Partner, webhook.Audience);
        Assert.Equal("case.opened", JsonSerializer.Deserialize<MessageData>(webhook.TemplateData)!.EventType);
    }

    [Fact]
    public async Task HandleAsync_CaseOpened_AppendsNoEventAndStoresNoAddress()
    {
        var e = Opened();

        await _db.ApplyAsync(Handler(), Envelopes.For(e, Sources.Routing, e.ComplaintId));

        Assert.Equal(0, await _db.QueryAsync(db => db.Events.CountAsync()));
        var message = await _db.QueryAsync(db => db.Messages.SingleAsync());
        Assert.DoesNotContain("@", message.TemplateData);
    }

    [Fact]
    public async Task AfterCommit_AfterQueueing_WakesDeliveryWorker()
    {
        var handler = Handler();
        var e = Opened();
        var waiter = _wakeup.Signal.Waiter();
        await _db.ApplyAsync(handler, Envelopes.For(e, Sources.Routing, e.ComplaintId));
        Assert.False(waiter.IsCompleted);

        ((IEventHandler<NotificationsDbContext>)handler).AfterCommit();

        Assert.True(waiter.IsCompleted);
    }

    [Fact]
    public void Handler_Subscription_IsCaseOpenedFromRouting()
    {
        IEventHandler<NotificationsDbContext> handler = Handler();

        Assert.Equal(Sources.Routing, handler.Source);
        Assert.Equal(CaseOpened.Descriptor.FullName, handler.EventType);
    }
}
