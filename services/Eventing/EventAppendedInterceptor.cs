using Microsoft.EntityFrameworkCore;

namespace Complaints.Eventing;

/// <summary>Raises the new-events signal after a save (or a transaction) that committed events.</summary>
internal sealed class EventAppendedInterceptor(IEventSignal signal) : AfterCommitInterceptor<bool>
{
    protected override IEnumerable<bool> Collect(DbContext context) =>
        context.ChangeTracker.Entries<StoredEvent>().Any(e => e.State == EntityState.Added) ? [true] : [];

    protected override void Committed(IReadOnlyCollection<bool> keys) => signal.Notify();
}
