using Complaints.Eventing;
using Complaints.Routing.Data;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Routing.Watch;

/// <summary>Signals the complaints whose timeline grew or that changed, once the change is committed.</summary>
public sealed class CaseChangeInterceptor(CaseChangeSignal signal) : AfterCommitInterceptor<Guid>
{
    // Every change of a case writes a revision (queue watchers); a timeline entry is written with one, kept for clarity.
    protected override IEnumerable<Guid> Collect(DbContext context) =>
        context.ChangeTracker.Entries<CaseHistoryEntry>().Where(e => e.State == EntityState.Added).Select(e => e.Entity.ComplaintId)
            .Concat(context.ChangeTracker.Entries<CaseRevision>().Where(e => e.State == EntityState.Added).Select(e => e.Entity.ComplaintId));

    protected override void Committed(IReadOnlyCollection<Guid> keys)
    {
        foreach (var id in keys)
        {
            signal.Notify(id);
        }
    }
}
