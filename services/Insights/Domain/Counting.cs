using Complaints.Common.V1;
using Complaints.Eventing;
using Complaints.Eventing.V1;
using Complaints.Insights.Data;
using Complaints.Intake.V1;
using Complaints.Notifications.V1;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Insights.Domain;

public static class Dimensions
{
    public const string Totals = "totals";
    public const string Category = "category";
    public const string Channel = "channel";
    public const string MessagesByKind = "messages_by_kind";
}

public static class CounterExtensions
{
    /// <summary>Adds to a counter atomically, inside the consumer's transaction (the inbox makes it count once).</summary>
    public static Task IncrementAsync(this InsightsDbContext db, string dimension, string key, CancellationToken ct) =>
        db.UpsertAsync("counter", [nameof(Counter.Dimension), nameof(Counter.Key)], nameof(Counter.Value), Combine.Add, [[dimension, key, 1L]], ct);
}

public sealed class CountReceived() : FeedEventHandler<InsightsDbContext, ComplaintReceived>(Sources.Intake)
{
    protected override async Task HandleAsync(ComplaintReceived e, EventEnvelope envelope, InsightsDbContext db, CancellationToken ct)
    {
        await db.IncrementAsync(Dimensions.Totals, "received", ct);
        await db.IncrementAsync(Dimensions.Category, FactReceived.Clip(e.Category), ct);
        await db.IncrementAsync(Dimensions.Channel, ProtoEnums.Name(e.Channel), ct);
    }
}

public sealed class CountOpened() : FeedEventHandler<InsightsDbContext, CaseOpened>(Sources.Routing)
{
    protected override Task HandleAsync(CaseOpened e, EventEnvelope envelope, InsightsDbContext db, CancellationToken ct) =>
        db.IncrementAsync(Dimensions.Totals, "opened", ct);
}

public sealed class CountAcknowledged() : FeedEventHandler<InsightsDbContext, CaseAcknowledged>(Sources.Routing)
{
    protected override Task HandleAsync(CaseAcknowledged e, EventEnvelope envelope, InsightsDbContext db, CancellationToken ct) =>
        db.IncrementAsync(Dimensions.Totals, "acknowledged", ct);
}

public sealed class CountDelivered() : FeedEventHandler<InsightsDbContext, NotificationDelivered>(Sources.Notifications)
{
    protected override Task HandleAsync(NotificationDelivered e, EventEnvelope envelope, InsightsDbContext db, CancellationToken ct) =>
        db.IncrementAsync(Dimensions.MessagesByKind, ProtoEnums.Name(e.Kind) + "/" + ProtoEnums.Name(e.Status), ct);
}
