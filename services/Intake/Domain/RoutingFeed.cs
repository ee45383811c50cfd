using Complaints.Eventing;
using Complaints.Eventing.V1;
using Complaints.Intake.Data;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Data;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake
{
    /// <summary>The feeds Intake consumes, named as in configuration <c>Services:*</c>.</summary>
    public static class Sources
    {
        public const string Routing = "Routing";

        /// <summary>
        /// Notifications' feed: deliveries of tracking access messages, whose tokens are then discarded, and of suggestion
        /// response messages, whose addresses are then forgotten.
        /// </summary>
        public const string Notifications = "Notifications";
    }
}

namespace Complaints.Intake.Domain
{
    /// <summary>What Intake needs of Routing's cases, applied from Routing's feed.</summary>
    internal static class RoutingFeed
    {
        /// <summary>The complaint, from the batch's context first (an earlier event of the batch may have loaded it).</summary>
        public static async Task<ComplaintRecord?> FindAsync(IntakeDbContext db, string complaintId, CancellationToken ct) =>
            Guid.TryParse(complaintId, out var id)
                ? db.Complaints.Tracked().FirstOrDefault(c => c.Id == id) ?? await db.Complaints.FirstOrDefaultAsync(c => c.Id == id, ct)
                : null;

        /// <summary>The queue's supervisors as the event says (the feed is in order: the latest event wins).</summary>
        public static async Task SetSupervisorsAsync(IntakeDbContext db, string queueId, IEnumerable<string> supervisorIds, CancellationToken ct)
        {
            var joined = string.Join(',', supervisorIds.Where(s => !string.IsNullOrWhiteSpace(s)));
            var queue = db.RoutingQueues.Tracked().FirstOrDefault(q => q.Id == queueId) ?? await db.RoutingQueues.FirstOrDefaultAsync(q => q.Id == queueId, ct);
            if (queue is null)
            {
                db.RoutingQueues.Add(new RoutingQueue { Id = queueId, SupervisorIds = joined });
            }
            else
            {
                queue.SupervisorIds = joined;
            }
        }
    }

    /// <summary>The case's handler, queue and the queue's supervisors: the confidential circle (<see cref="IntakeAccess"/>).</summary>
    public sealed class RecordAssignedHandler() : FeedEventHandler<IntakeDbContext, CaseAssigned>(Sources.Routing)
    {
        protected override async Task HandleAsync(CaseAssigned e, EventEnvelope envelope, IntakeDbContext db, CancellationToken ct)
        {
            if (await RoutingFeed.FindAsync(db, e.ComplaintId, ct) is { } complaint)
            {
                complaint.AssigneeId = string.IsNullOrEmpty(e.AssigneeId) ? null : e.AssigneeId;
                complaint.QueueId = string.IsNullOrEmpty(e.QueueId) ? null : e.QueueId;
            }
            if (!string.IsNullOrEmpty(e.QueueId))
            {
                await RoutingFeed.SetSupervisorsAsync(db, e.QueueId, e.SupervisorIds, ct);
            }
        }
    }

    /// <summary>A queue's supervisors changed in Routing's directory: the circle of its confidential complaints follows.</summary>
    public sealed class RecordQueueSupervisors() : FeedEventHandler<IntakeDbContext, QueueUpdated>(Sources.Routing)
    {
        protected override Task HandleAsync(QueueUpdated e, EventEnvelope envelope, IntakeDbContext db, CancellationToken ct) =>
            string.IsNullOrEmpty(e.QueueId) ? Task.CompletedTask : RoutingFeed.SetSupervisorsAsync(db, e.QueueId, e.SupervisorIds, ct);
    }

    /// <summary>A closed case starts the complaint's retention period (<see cref="RetentionPurge"/>).</summary>
    public sealed class RecordCaseClosed() : FeedEventHandler<IntakeDbContext, CaseClosed>(Sources.Routing)
    {
        protected override async Task HandleAsync(CaseClosed e, EventEnvelope envelope, IntakeDbContext db, CancellationToken ct)
        {
            if (await RoutingFeed.FindAsync(db, e.ComplaintId, ct) is { ErasedAt: null } complaint && e.ClosedAt is { } closedAt)
            {
                complaint.ClosedAt = closedAt.ToDateTimeOffset();
            }
        }
    }

    /// <summary>A reopened case is live again: no retention count until it closes anew.</summary>
    public sealed class ClearClosedOnReopen() : FeedEventHandler<IntakeDbContext, CaseReopened>(Sources.Routing)
    {
        protected override async Task HandleAsync(CaseReopened e, EventEnvelope envelope, IntakeDbContext db, CancellationToken ct)
        {
            if (await RoutingFeed.FindAsync(db, e.ComplaintId, ct) is { ErasedAt: null } complaint)
            {
                complaint.ClosedAt = null;
            }
        }
    }
}
