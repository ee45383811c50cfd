using Complaints.Eventing;
using Complaints.Eventing.V1;
using Complaints.Identity.V1;
using Complaints.Routing.Data;

namespace Complaints.Routing.Directory;

/// <summary>
/// A staff account disabled in Identity: the agent with that subject becomes inactive in the directory, exactly as an
/// admin's UpsertAgent with <c>active: false</c> does (<see cref="StaffDirectory.SetActiveAsync"/>): no new assignments,
/// open cases stay assigned until a supervisor reassigns them. An account without an agent profile is logged and
/// skipped, so it never holds up the feed.
/// </summary>
public sealed class DeactivateAgentOnAccountDisabled(ILogger<DeactivateAgentOnAccountDisabled> logger)
    : FeedEventHandler<RoutingDbContext, StaffAccountDisabled>(Sources.Identity)
{
    protected override Task HandleAsync(StaffAccountDisabled e, EventEnvelope envelope, RoutingDbContext db, CancellationToken ct) =>
        AccountFeed.SetActiveAsync(db, e.Subject, active: false, e.Actor, envelope, logger, ct);
}

/// <summary>A staff account enabled again in Identity: the agent with that subject becomes active again.</summary>
public sealed class ReactivateAgentOnAccountEnabled(ILogger<ReactivateAgentOnAccountEnabled> logger)
    : FeedEventHandler<RoutingDbContext, StaffAccountEnabled>(Sources.Identity)
{
    protected override Task HandleAsync(StaffAccountEnabled e, EventEnvelope envelope, RoutingDbContext db, CancellationToken ct) =>
        AccountFeed.SetActiveAsync(db, e.Subject, active: true, e.Actor, envelope, logger, ct);
}

internal static class AccountFeed
{
    public static async Task SetActiveAsync(RoutingDbContext db, string subject, bool active, string actor, EventEnvelope envelope, ILogger logger, CancellationToken ct)
    {
        var state = active ? "active" : "inactive";
        if (await StaffDirectory.SetActiveAsync(db, subject, active, ct) is null)
        {
            logger.LogInformation("Account {Subject} {State} in Identity (event {EventId}): no agent with that id in the directory, nothing changed",
                subject, active ? "enabled" : "disabled", envelope.EventId);
            return;
        }
        logger.LogInformation("Agent {Subject} {State}: account {Change} in Identity by {Actor} (event {EventId})",
            subject, state, active ? "enabled" : "disabled", actor, envelope.EventId);
    }
}
