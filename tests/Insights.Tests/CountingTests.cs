using Complaints.Common.V1;
using Complaints.Insights.Domain;
using Complaints.Intake.V1;
using Complaints.Notifications.V1;
using Complaints.Routing.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Insights.Tests;

public sealed class CountingTests : IDisposable
{
    private readonly InsightsDb _db = new();

    public void Dispose() => _db.Dispose();

    private static ComplaintReceived Received(string category, Channel channel) => new()
    {
        ComplaintId = Guid.NewGuid().ToString(),
        Reference = "CMP-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant(),
        Category = category,
        Channel = channel,
        PreferredLanguage = "en",
        ReceivedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
    };

    private static CaseOpened Opened() => new() { ComplaintId = Guid.NewGuid().ToString(), Reference = "CMP-OPENED01" };

    private static CaseAcknowledged Acknowledged() => new() { ComplaintId = Guid.NewGuid().ToString(), Reference = "CMP-ACKED001" };

    private Task<Complaints.Insights.V1.GetComplaintCountsResponse> CountsAsync() =>
        _db.QueryAsync(db => new CountQueries(db).CountsAsync(CancellationToken.None));

    [Fact]
    public async Task CountReceived_OneComplaint_IncrementsTotalCategoryAndChannel()
    {
        await _db.ApplyAsync(new CountReceived(), Received("billing", Channel.Web));

        Assert.Equal(1, await _db.CounterAsync(Dimensions.Totals, "received"));
        Assert.Equal(1, await _db.CounterAsync(Dimensions.Category, "billing"));
        Assert.Equal(1, await _db.CounterAsync(Dimensions.Channel, "CHANNEL_WEB"));
        Assert.Null(await _db.CounterAsync(Dimensions.Channel, "Web"));
        Assert.Equal(3, await _db.QueryAsync(db => db.Counters.CountAsync()));
    }

    [Theory]
    [InlineData(Channel.Email, "CHANNEL_EMAIL")]
    [InlineData(Channel.InPerson, "CHANNEL_IN_PERSON")]
    [InlineData(Channel.PartnerApi, "CHANNEL_PARTNER_API")]
    [InlineData(Channel.Unspecified, "CHANNEL_UNSPECIFIED")]
    public async Task CountReceived_Channel_KeyedByProtoEnumName(Channel channel, string key)
    {
        await _db.ApplyAsync(new CountReceived(), Received("service", channel));

        Assert.Equal(1, await _db.CounterAsync(Dimensions.Channel, key));
    }

    [Fact]
    public async Task CountReceived_SameCategoryTwice_CountsTwo()
    {
        await _db.ApplyAsync(new CountReceived(), Received("billing", Channel.Web));
        await _db.ApplyAsync(new CountReceived(), Received("billing", Channel.Phone));

        Assert.Equal(2, await _db.CounterAsync(Dimensions.Totals, "received"));
        Assert.Equal(2, await _db.CounterAsync(Dimensions.Category, "billing"));
        Assert.Equal(1, await _db.CounterAsync(Dimensions.Channel, "CHANNEL_WEB"));
        Assert.Equal(1, await _db.CounterAsync(Dimensions.Channel, "CHANNEL_PHONE"));
    }

    [Fact]
    public async Task CountOpened_CaseOpened_IncrementsOpened()
    {
        await _db.ApplyAsync(new CountOpened(), Opened());

        Assert.Equal(1, await _db.CounterAsync(Dimensions.Totals, "opened"));
        Assert.Null(await _db.CounterAsync(Dimensions.Totals, "received"));
    }

    [Fact]
    public async Task CountAcknowledged_CaseAcknowledged_IncrementsAcknowledged()
    {
        await _db.ApplyAsync(new CountAcknowledged(), Acknowledged());

        Assert.Equal(1, await _db.CounterAsync(Dimensions.Totals, "acknowledged"));
        Assert.Null(await _db.CounterAsync(Dimensions.Totals, "opened"));
    }

    [Fact]
    public async Task CountDelivered_NotificationDelivered_CountsByKindAndStatus()
    {
        var delivered = new NotificationDelivered { MessageId = Guid.NewGuid().ToString(), Kind = MessageKind.Acknowledgement, Status = DeliveryStatus.Delivered };

        await _db.ApplyAsync(new CountDelivered(), delivered);

        Assert.Equal(1, await _db.CounterAsync(Dimensions.MessagesByKind, "MESSAGE_KIND_ACKNOWLEDGEMENT/DELIVERY_STATUS_DELIVERED"));
    }

    [Fact]
    public void Handlers_Subscriptions_MatchProducers()
    {
        Assert.Equal((Sources.Intake, ComplaintReceived.Descriptor.FullName), (new CountReceived().Source, new CountReceived().EventType));
        Assert.Equal((Sources.Routing, CaseOpened.Descriptor.FullName), (new CountOpened().Source, new CountOpened().EventType));
        Assert.Equal((Sources.Routing, CaseAcknowledged.Descriptor.FullName), (new CountAcknowledged().Source, new CountAcknowledged().EventType));
        Assert.Equal((Sources.Notifications, NotificationDelivered.Descriptor.FullName), (new CountDelivered().Source, new CountDelivered().EventType));
    }

    [Fact]
    public async Task CountsAsync_MixedEvents_MatchesHandCount()
    {
        // 6 received: billing 3, delivery 2, service 1; web 3, phone 2, email 1. 4 opened, 2 acknowledged.
        (string Category, Channel Channel)[] received =
        [
            ("billing", Channel.Web), ("delivery", Channel.Phone), ("billing", Channel.Email),
            ("service", Channel.Web), ("billing", Channel.Phone), ("delivery", Channel.Web),
        ];
        foreach (var (category, channel) in received)
        {
            await _db.ApplyAsync(new CountReceived(), Received(category, channel));
        }
        for (var i = 0; i < 4; i++)
        {
            await _db.ApplyAsync(new CountOpened(), Opened());
        }
        for (var i = 0; i < 2; i++)
        {
            await _db.ApplyAsync(new CountAcknowledged(), Acknowledged());
        }

        var counts = await CountsAsync();

        Assert.Equal(6, counts.Received);
        Assert.Equal(4, counts.Opened);
        Assert.Equal(2, counts.Acknowledged);
        Assert.Equal([("billing", 3L), ("delivery", 2L), ("service", 1L)], counts.ByCategory.Select(c => (c.Key, c.Count)));
        Assert.Equal([("CHANNEL_WEB", 3L), ("CHANNEL_PHONE", 2L), ("CHANNEL_EMAIL", 1L)], counts.ByChannel.Select(c => (c.Key, c.Count)));
    }

    [Fact]
    public async Task CountsAsync_InsertionOrderDiffersFromCounts_OrdersByCountDescending()
    {
        // The rarest category arrives first; the most common last.
        await _db.ApplyAsync(new CountReceived(), Received("access", Channel.Referral));
        for (var i = 0; i < 2; i++)
        {
            await _db.ApplyAsync(new CountReceived(), Received("conduct", Channel.Phone));
        }
        for (var i = 0; i < 3; i++)
        {
            await _db.ApplyAsync(new CountReceived(), Received("zoning", Channel.Web));
        }

        var counts = await CountsAsync();

        Assert.Equal(["zoning", "conduct", "access"], counts.ByCategory.Select(c => c.Key));
        Assert.Equal(["CHANNEL_WEB", "CHANNEL_PHONE", "CHANNEL_REFERRAL"], counts.ByChannel.Select(c => c.Key));
        Assert.Equal(counts.ByCategory.Select(c => c.Count).OrderByDescending(c => c), counts.ByCategory.Select(c => c.Count));
    }

    [Fact]
    public async Task CountsAsync_TiedCounts_OrderedByKey()
    {
        await _db.ApplyAsync(new CountReceived(), Received("zeta", Channel.Web));
        await _db.ApplyAsync(new CountReceived(), Received("alpha", Channel.Web));

        var counts = await CountsAsync();

        Assert.Equal(["alpha", "zeta"], counts.ByCategory.Select(c => c.Key));
    }

    [Fact]
    public async Task CountsAsync_NoEvents_AllZero()
    {
        var counts = await CountsAsync();

        Assert.Equal(0, counts.Received);
        Assert.Equal(0, counts.Opened);
        Assert.Equal(0, counts.Acknowledged);
        Assert.Empty(counts.ByCategory);
        Assert.Empty(counts.ByChannel);
    }
}
