using System.Globalization;
using Complaints.Routing.Data;
using Complaints.Routing.Domain;
using Complaints.Routing.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Routing.Clocks;

/// <summary>
/// Announces each running clock's thresholds: <see cref="ClockWarning"/> at 50, 75 and 90 % of its span
/// (StartedAt..DueAt) and <see cref="ClockBreached"/> at 100 %, which also escalates the case one tier
/// (<see cref="CaseEscalated"/>). Paused and stopped clocks fire nothing.
/// <para>
/// Never twice: each announcement inserts a <see cref="ClockFiring"/> row (unique per case, kind, percent and due
/// date) in the same transaction as its event, and the case's version guards against a concurrent change; a scan
/// that loses either race skips. When a scan finds several thresholds passed at once (the timer was down) it
/// announces only the highest: stale warnings would be noise.
/// </para>
/// </summary>
public sealed class ClockTimer(IServiceScopeFactory scopes, CaseJournal journal, TimeProvider time, IClockTimerLease lease,
    IConfiguration configuration, ILogger<ClockTimer> logger) : BackgroundService
{
    public const string EnabledKey = "Routing:ClockTimer:Enabled";
    public const string IntervalKey = "Routing:ClockScanInterval";
    private const int BatchSize = 500;

    public TimeSpan Interval => ReadInterval(configuration);

    /// <summary><c>Routing:ClockScanInterval</c>: seconds ("15") or a TimeSpan ("00:00:15"); default 15 s.</summary>
    public static TimeSpan ReadInterval(IConfiguration configuration)
    {
        var text = configuration[IntervalKey];
        // A bare number is seconds: TimeSpan.Parse would read "15" as fifteen days.
        var interval = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) ? span
            : TimeSpan.Zero;
        return interval > TimeSpan.Zero ? interval : TimeSpan.FromSeconds(15);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue(EnabledKey, true))
        {
            logger.LogInformation("Clock timer disabled ({Key} = false)", EnabledKey);
            return;
        }
        var interval = Interval;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await ScanOnceAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Clock scan failed; retrying in {Interval}", interval);
                }
                await Task.Delay(interval, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await lease.ReleaseAsync();
    }

    /// <summary>One pass over the running clocks; returns the number of warnings and breaches announced.</summary>
    public async Task<int> ScanOnceAsync(CancellationToken ct)
    {
        if (!await lease.TryEnterAsync(ct))
        {
            return 0;
        }
        try
        {
            var now = time.GetUtcNow();
            var fired = 0;
            foreach (var (id, percent) in await DueAsync(now, ct))
            {
                if (await FireAsync(id, percent, now, ct))
                {
                    fired++;
                }
            }
            return fired;
        }
        finally
        {
            await lease.ExitAsync();
        }
    }

    /// <summary>The clocks whose next threshold has passed, with the highest threshold passed.</summary>
    private async Task<List<(long Id, int Percent)>> DueAsync(DateTimeOffset now, CancellationToken ct)
    {
        var due = new List<(long, int)>();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        long after = 0;
        while (true)
        {
            // Running (StoppedAt null: the (StoppedAt, DueAt) index), unpaused and not yet breached.
            var batch = await db.Set<CaseClock>().AsNoTracking()
                .Where(x => x.StoppedAt == null && x.PausedAt == null && x.LastPercentFired < 100 && x.StartedAt <= now && x.Id > after)
                .OrderBy(x => x.Id)
                .Select(x => new { x.Id, x.StartedAt, x.DueAt, x.LastPercentFired })
                .Take(BatchSize)
                .ToListAsync(ct);
            foreach (var x in batch)
            {
                // The next threshold's time is computed per clock: StartedAt + percent of the span.
                var next = CaseClocks.Thresholds.FirstOrDefault(p => p > x.LastPercentFired);
                if (next == 0 || CaseClocks.ThresholdAt(x.StartedAt, x.DueAt, next) > now)
                {
                    continue;
                }
                var passed = CaseClocks.Thresholds.Last(p => CaseClocks.ThresholdAt(x.StartedAt, x.DueAt, p) <= now);
                due.Add((x.Id, passed));
            }
            if (batch.Count < BatchSize)
            {
                return due;
            }
            after = batch[^1].Id;
        }
    }

    /// <summary>Announces one threshold in its own transaction; false when it was already announced or the clock changed.</summary>
    private async Task<bool> FireAsync(long clockId, int percent, DateTimeOffset now, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var clock = await db.Set<CaseClock>().FirstOrDefaultAsync(x => x.Id == clockId, ct);
        // Re-checked in this transaction: the clock may have stopped, paused or moved since the query.
        if (clock is null || clock.StoppedAt is not null || clock.PausedAt is not null || clock.LastPercentFired >= percent
            || CaseClocks.ThresholdAt(clock.StartedAt, clock.DueAt, percent) > now)
        {
            return false;
        }
        var c = await db.Cases.FirstOrDefaultAsync(x => x.ComplaintId == clock.ComplaintId, ct);
        if (c is null)
        {
            return false;
        }
        clock.LastPercentFired = percent;
        CaseClocks.Touch(db, c);
        if (await db.Set<ClockFiring>().AnyAsync(x => x.ComplaintId == clock.ComplaintId && x.Kind == clock.Kind && x.Percent == percent && x.DueAt == clock.DueAt, ct))
        {
            // Announced before but not marked on the clock (e.g. a row restored from backup): mark it, announce nothing.
            return await SaveAsync(db, clock, percent, announced: false, ct);
        }
        db.Set<ClockFiring>().Add(new ClockFiring
        {
            ComplaintId = clock.ComplaintId,
            Kind = clock.Kind,
            Percent = percent,
            DueAt = clock.DueAt,
            FiredAt = now,
        });
        var kind = (ClockKind)clock.Kind;
        if (percent < 100)
        {
            journal.Append(db, c, new ClockWarning
            {
                ComplaintId = c.ComplaintId.ToString(),
                Reference = c.Reference,
                Clock = kind,
                Percent = percent,
                DueAt = Timestamp.FromDateTimeOffset(clock.DueAt),
                At = Timestamp.FromDateTimeOffset(now),
                AssigneeId = c.AssigneeId ?? "",
                QueueId = c.QueueId ?? "",
            });
        }
        else
        {
            clock.Breached = true;
            journal.Append(db, c, new ClockBreached
            {
                ComplaintId = c.ComplaintId.ToString(),
                Reference = c.Reference,
                Clock = kind,
                DueAt = Timestamp.FromDateTimeOffset(clock.DueAt),
                At = Timestamp.FromDateTimeOffset(now),
                AssigneeId = c.AssigneeId ?? "",
                QueueId = c.QueueId ?? "",
            });
            // Escalation tiers stop at the configured maximum; the breach itself is still announced.
            if (c.EscalationTier < configuration.GetValue("Routing:Resolution:MaxEscalationTier", 3))
            {
                c.EscalationTier++;
                journal.Record(db, c, EntryKinds.Escalation, $"Escalated to tier {c.EscalationTier}", CaseJournal.System,
                    c.WrappedKey is null ? null : $"The {CaseClocks.Name(clock.Kind)} deadline ({clock.DueAt:yyyy-MM-dd HH:mm} UTC) was missed.", at: now);
                journal.Append(db, c, new CaseEscalated
                {
                    ComplaintId = c.ComplaintId.ToString(),
                    Reference = c.Reference,
                    Tier = c.EscalationTier,
                    Clock = kind,
                    Actor = CaseJournal.System,
                    At = Timestamp.FromDateTimeOffset(now),
                    QueueId = c.QueueId ?? "",
                    AssigneeId = c.AssigneeId ?? "",
                });
            }
        }
        return await SaveAsync(db, clock, percent, announced: true, ct);
    }

    private async Task<bool> SaveAsync(RoutingDbContext db, CaseClock clock, int percent, bool announced, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            if (announced)
            {
                logger.LogInformation("Clock {Kind} of case {ComplaintId}: {Percent} % announced", (ClockKind)clock.Kind, clock.ComplaintId, percent);
            }
            return announced;
        }
        catch (DbUpdateException e)
        {
            // Another scan announced it first (unique ClockFiring) or the case changed meanwhile (version): skip;
            // the next scan looks again at the current state.
            logger.LogDebug(e, "Clock {Kind} of case {ComplaintId} at {Percent} % skipped", (ClockKind)clock.Kind, clock.ComplaintId, percent);
            return false;
        }
    }
}
