using System.Data.Common;
using System.Runtime.CompilerServices;
using Complaints.Routing.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Complaints.Routing.Watch;

/// <summary>
/// Signals the complaints whose timeline grew, after the rows are committed: watchers that wake
/// earlier would read nothing new and sleep until the next poll.
/// </summary>
public sealed class CaseChangeInterceptor(CaseChangeSignal signal) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private static readonly ConditionalWeakTable<DbContext, HashSet<Guid>> Pending = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        NotifyIfCommitted(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        NotifyIfCommitted(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => ForgetIfNoTransaction(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ForgetIfNoTransaction(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Flush(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Flush(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private static void Collect(DbContext? context)
    {
        if (context is null)
        {
            return;
        }
        var added = context.ChangeTracker.Entries<CaseHistoryEntry>().Where(e => e.State == EntityState.Added).Select(e => e.Entity.ComplaintId).ToList();
        if (added.Count > 0)
        {
            var ids = Pending.GetOrCreateValue(context);
            lock (ids)
            {
                ids.UnionWith(added);
            }
        }
    }

    private void NotifyIfCommitted(DbContext? context)
    {
        // Inside an explicit transaction (the feed subscriber's) the rows are not visible yet: wait for the commit.
        if (context?.Database.CurrentTransaction is null)
        {
            Flush(context);
        }
    }

    private void Flush(DbContext? context)
    {
        if (context is null || !Pending.TryGetValue(context, out var ids))
        {
            return;
        }
        Pending.Remove(context);
        Guid[] changed;
        lock (ids)
        {
            changed = [.. ids];
        }
        foreach (var id in changed)
        {
            signal.Notify(id);
        }
    }

    private static void ForgetIfNoTransaction(DbContext? context)
    {
        if (context?.Database.CurrentTransaction is null)
        {
            Forget(context);
        }
    }

    private static void Forget(DbContext? context)
    {
        if (context is not null)
        {
            Pending.Remove(context);
        }
    }
}
