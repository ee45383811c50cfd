using Complaints.Insights.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Complaints.Insights.Domain;

/// <summary>
/// Drops everything derived from the feeds (facts, day aggregates, complaint term counts and their records,
/// checkpoints and inbox) so the subscribers read every feed again from sequence zero. Insights' own records stay:
/// surveys and their answer aggregates, suggestions and their counts, its event log, and the signals.
/// <para>
/// Signals are a record of what was detected live, when the complaints' texts could still be read. A replay cannot
/// read an erased complainant's text, so re-detecting would give other signals after an erasure; instead the reset
/// notes each feed's checkpoint as its replay horizon, and events up to it only warm the detector up. Signals after a
/// rebuild are the ones before it (erased references already gone), whatever was erased in between.
/// </para>
/// </summary>
public static class Rebuild
{
    public const string HorizonDimension = "rebuild_horizon";

    private static readonly string[] KeptCounters =
        ["first_day/" + TermSources.Survey, "first_day/" + TermSources.Suggestion, "first_day/" + TermSources.SuggestionTag, HorizonDimension];

    public static async Task ResetAsync(InsightsDbContext db, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var checkpoints = await db.FeedCheckpoints.AsNoTracking().ToListAsync(ct);
        await db.Counters.Where(c => !KeptCounters.Contains(c.Dimension)).ExecuteDeleteAsync(ct);
        await db.DailyMetrics.Where(m => !m.Metric.StartsWith(Metric.SurveyPrefix) && m.Dimension != Metric.SuggestionTopic).ExecuteDeleteAsync(ct);
        await ResetSeriesAsync(db, ct);
        await db.CaseFacts.ExecuteDeleteAsync(ct);
        await db.ComplaintTerms.Where(l => l.Source == TermSources.Complaint).ExecuteDeleteAsync(ct);
        await db.TermCounts.Where(t => t.Source == TermSources.Complaint).ExecuteDeleteAsync(ct);
        await db.FeedCheckpoints.ExecuteDeleteAsync(ct);
        await db.ProcessedEvents.ExecuteDeleteAsync(ct);
        // The horizon only grows: a rebuild interrupted before its replay caught up keeps the earlier one.
        await db.UpsertAsync("counter", [nameof(Counter.Dimension), nameof(Counter.Key)], nameof(Counter.Value), Combine.Max,
            checkpoints.Select(c => new object[] { HorizonDimension, c.Source, c.Sequence }).ToList(), ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// The series keep their survey columns (Insights' own records, like the survey_ day metrics) and lose every
    /// feed-derived one; root causes and the monthly backlog come only from the feeds.
    /// </summary>
    private static async Task ResetSeriesAsync(InsightsDbContext db, CancellationToken ct)
    {
        var sqlServer = db.Database.IsSqlServer();
        string Q(string name) => sqlServer ? $"[{name}]" : $"\"{name}\"";
        var fromFeeds = SeriesColumns.All.Except(SeriesColumns.Survey).ToList();
        // Names from the model only, no values: nothing to inject.
        var delete = $"DELETE FROM {Q("series_cell")} WHERE {string.Join(" AND ", SeriesColumns.Survey.Select(c => $"{Q(c)} = 0"))}";
        var zero = $"UPDATE {Q("series_cell")} SET {string.Join(", ", fromFeeds.Select(c => $"{Q(c)} = 0"))}";
        await db.Database.ExecuteSqlRawAsync(delete, ct);
        await db.Database.ExecuteSqlRawAsync(zero, ct);
        await db.SeriesRootCauses.ExecuteDeleteAsync(ct);
        await db.SeriesBacklogMonths.ExecuteDeleteAsync(ct);
    }

    /// <summary>Whether an event of the feed was already applied live before a rebuild (its signals are kept).</summary>
    public static async Task<bool> IsReplayAsync(InsightsDbContext db, string source, long sequence, CancellationToken ct)
    {
        var horizon = await db.Counters.AsNoTracking()
            .Where(c => c.Dimension == HorizonDimension && c.Key == source).Select(c => (long?)c.Value).FirstOrDefaultAsync(ct);
        return horizon is { } h && sequence <= h;
    }
}

/// <summary>
/// Runs the reset before the subscribers start when <c>Insights:RebuildOnStart</c> is set, under the database lease
/// "rebuild" so two replicas never reset at once (a replica that finds it held waits for it). With
/// <c>Insights:RebuildId</c>, a rebuild already completed under that id is not run again, so every replica of a
/// rollout can start with the same settings.
/// </summary>
public sealed class RebuildOnStart(IServiceScopeFactory scopes, IOptions<InsightsOptions> options, TimeProvider clock, ILogger<RebuildOnStart> logger) : IHostedService
{
    public const string LeaseName = "rebuild";

    /// <summary>This process, as a lease holder.</summary>
    public string Holder { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.RebuildOnStart)
        {
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InsightsDbContext>();
        while (!await DbLease.TryTakeAsync(db, LeaseName, Holder, o.RebuildLease, clock, cancellationToken))
        {
            logger.LogInformation("Another replica holds the rebuild lease; waiting");
            await Task.Delay(o.RebuildLeaseRetry, clock, cancellationToken);
        }
        try
        {
            // A reset of millions of rows can outlast the lease: keep it while working.
            await using var renewal = new LeaseRenewal(scopes, LeaseName, Holder, o.RebuildLease, clock, logger);
            var lease = await db.Leases.AsNoTracking().SingleAsync(l => l.Name == LeaseName, cancellationToken);
            if (o.RebuildId.Length > 0 && lease.LastRebuildId == o.RebuildId)
            {
                logger.LogInformation("Rebuild {RebuildId} already done; not rebuilding again", o.RebuildId);
                return;
            }
            await Rebuild.ResetAsync(db, cancellationToken);
            await db.Leases.Where(l => l.Name == LeaseName && l.Holder == Holder)
                .ExecuteUpdateAsync(u => u.SetProperty(l => l.LastRebuildId, o.RebuildId).SetProperty(l => l.Rebuilds, l => l.Rebuilds + 1), cancellationToken);
            logger.LogWarning("Insights aggregates dropped: every feed is read again from sequence zero. Turn Insights:RebuildOnStart off.");
        }
        finally
        {
            await DbLease.ReleaseAsync(db, LeaseName, Holder, CancellationToken.None);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// A lease row in the service's own database, for work one replica at a time must do without Redis: taken by one
/// conditional statement (free, expired, or already ours), so two replicas cannot both hold it.
/// </summary>
public static class DbLease
{
    public static async Task<bool> TryTakeAsync(InsightsDbContext db, string name, string holder, TimeSpan ttl, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var until = now + ttl;
        if (!await db.Leases.AnyAsync(l => l.Name == name, ct))
        {
            try
            {
                db.Leases.Add(new Lease { Name = name });
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Another replica inserted it first: the row exists, which is all this needed.
            }
            db.ChangeTracker.Clear();
        }
        var taken = await db.Leases.Where(l => l.Name == name && (l.Holder == string.Empty || l.Holder == holder || l.ExpiresAt <= now))
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.Holder, holder).SetProperty(l => l.ExpiresAt, until), ct);
        return taken == 1;
    }

    public static Task ReleaseAsync(InsightsDbContext db, string name, string holder, CancellationToken ct) =>
        db.Leases.Where(l => l.Name == name && l.Holder == holder).ExecuteUpdateAsync(u => u.SetProperty(l => l.Holder, string.Empty), ct);
}

/// <summary>Renews a held <see cref="DbLease"/> every third of its TTL until disposed.</summary>
public sealed class LeaseRenewal : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LeaseRenewal(IServiceScopeFactory scopes, string name, string holder, TimeSpan ttl, TimeProvider clock, ILogger logger) =>
        _loop = Task.Run(() => RenewAsync(scopes, name, holder, ttl, clock, logger));

    private async Task RenewAsync(IServiceScopeFactory scopes, string name, string holder, TimeSpan ttl, TimeProvider clock, ILogger logger)
    {
        while (true)
        {
            try
            {
                await Task.Delay(ttl / 3, clock, _stop.Token);
                await using var scope = scopes.CreateAsyncScope();
                if (!await DbLease.TryTakeAsync(scope.ServiceProvider.GetRequiredService<InsightsDbContext>(), name, holder, ttl, clock, _stop.Token))
                {
                    logger.LogWarning("Lease {Lease} was taken over by another replica", name);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The next round tries again; the lease still has two thirds of its TTL.
                logger.LogWarning(e, "Could not renew lease {Lease}", name);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
