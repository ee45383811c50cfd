using Complaints.Eventing;
using Complaints.Routing.Data;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Routing.Watch;

/// <summary>Signals the complaints whose timeline grew, once the new entries are committed.</summary>
public sealed class CaseChangeInterceptor(CaseChangeSignal signal) : AfterCommitInterceptor<Guid>
{
    protected override IEnumerable<Guid> Collect(DbContext context) =>
        context.ChangeTracker.Entries<CaseHistoryEntry>().Where(e => e.State == EntityState.Added).Select(e => e.Entity.ComplaintId);

    protected override void Committed(IReadOnlyCollection<Guid> keys)
    {
        foreach (var id in keys)
        {
            signal.Notify(id);
        }
    }
}
