using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Complaints.Eventing;

/// <summary>
/// Collects keys from the entities a save adds and hands them over once the rows are committed: after the save, or,
/// inside an explicit transaction (the feed subscriber's), after the commit. A failed save or a rollback forgets them.
/// Readers woken earlier would find nothing new and sleep until their next poll.
/// </summary>
public abstract class AfterCommitInterceptor<TKey> : SaveChangesInterceptor, IDbTransactionInterceptor
{
    // Per interceptor instance, so two interceptors never flush each other's keys.
    private readonly ConditionalWeakTable<DbContext, HashSet<TKey>> _pending = [];

    /// <summary>The keys of what this save adds (empty: nothing to announce).</summary>
    protected abstract IEnumerable<TKey> Collect(DbContext context);

    /// <summary>Called after commit with the keys collected since the last commit.</summary>
    protected abstract void Committed(IReadOnlyCollection<TKey> keys);

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Remember(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Remember(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        FlushIfCommitted(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        FlushIfCommitted(eventData.Context);
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

    private void Remember(DbContext? context)
    {
        if (context is null)
        {
            return;
        }
        var keys = Collect(context).ToList();
        if (keys.Count > 0)
        {
            var pending = _pending.GetOrCreateValue(context);
            lock (pending)
            {
                pending.UnionWith(keys);
            }
        }
    }

    private void FlushIfCommitted(DbContext? context)
    {
        if (context?.Database.CurrentTransaction is null)
        {
            Flush(context);
        }
    }

    private void Flush(DbContext? context)
    {
        if (context is null || !_pending.TryGetValue(context, out var pending))
        {
            return;
        }
        _pending.Remove(context);
        TKey[] keys;
        lock (pending)
        {
            keys = [.. pending];
        }
        Committed(keys);
    }

    private void ForgetIfNoTransaction(DbContext? context)
    {
        if (context?.Database.CurrentTransaction is null)
        {
            Forget(context);
        }
    }

    private void Forget(DbContext? context)
    {
        if (context is not null)
        {
            _pending.Remove(context);
        }
    }
}
