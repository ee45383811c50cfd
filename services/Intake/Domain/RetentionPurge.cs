using Complaints.Intake.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Complaints.Intake.Domain;

/// <summary>Shreds closed complaints past the retention period, except those under legal hold; each purge is audited.</summary>
public sealed class RetentionPurge(IntakeDbContext db, IOptions<IntakeOptions> options, TimeProvider clock, IAttachmentStore attachments, ILogger<RetentionPurge> logger)
{
    public const int BatchSize = 500;

    /// <summary>Purges what is due at <paramref name="now"/>; returns the references purged.</summary>
    public async Task<IReadOnlyList<string>> PurgeDueAsync(DateTimeOffset now, CancellationToken ct)
    {
        var cutoff = now - options.Value.RetentionPeriod;
        var due = await db.Complaints
            .Where(c => c.ClosedAt != null && c.ClosedAt <= cutoff && c.ErasedAt == null && !c.LegalHold)
            .OrderBy(c => c.ClosedAt)
            .Take(BatchSize)
            .ToListAsync(ct);
        var files = new List<Guid>();
        foreach (var c in due)
        {
            files.AddRange(await DataRights.ShredAsync(db, c, clock, ct));
            db.AccessAudit.Add(new AccessAudit
            {
                At = now,
                Actor = "retention",
                Roles = "system",
                Action = "retention-purge",
                ComplaintId = c.Id,
                Purpose = $"closed {c.ClosedAt:yyyy-MM-dd}, retention {options.Value.RetentionPeriod.TotalDays / 365.25:0.#} years",
            });
        }
        await db.SaveChangesAsync(ct);
        await DataRights.DeleteContentAsync(db, attachments, files, ct);
        if (due.Count > 0)
        {
            logger.LogInformation("Retention purge: {Count} complaints past their period", due.Count);
        }
        return due.Select(c => c.Reference).ToList();
    }
}

/// <summary>
/// Runs the retention purge at start and then every <see cref="IntakeOptions.RetentionScanInterval"/>, and discards the
/// tracking access tokens kept past <see cref="TrackingAccessOptions.KeepTokenFor"/> and the suggestion contacts kept past
/// <see cref="SuggestionContactOptions.KeepFor"/>.
/// </summary>
public sealed class RetentionWorker(IServiceScopeFactory scopes, IOptions<IntakeOptions> options, TimeProvider clock, ILogger<RetentionWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                IReadOnlyList<string> purged;
                do
                {
                    await using var scope = scopes.CreateAsyncScope();
                    purged = await scope.ServiceProvider.GetRequiredService<RetentionPurge>().PurgeDueAsync(clock.GetUtcNow(), stoppingToken);
                }
                while (purged.Count == RetentionPurge.BatchSize);
                await using (var scope = scopes.CreateAsyncScope())
                {
                    var discarded = await scope.ServiceProvider.GetRequiredService<TrackingAccess>().DiscardStaleTokensAsync(clock.GetUtcNow(), stoppingToken);
                    if (discarded > 0)
                    {
                        logger.LogInformation("Discarded {Count} tracking access tokens past Intake:TrackingAccess:KeepTokenFor", discarded);
                    }
                }
                int forgotten;
                do
                {
                    await using var scope = scopes.CreateAsyncScope();
                    forgotten = await scope.ServiceProvider.GetRequiredService<SuggestionContacts>().ForgetStaleAsync(clock.GetUtcNow(), stoppingToken);
                    if (forgotten > 0)
                    {
                        logger.LogInformation("Forgot {Count} suggestion contacts past Intake:SuggestionContacts:KeepFor", forgotten);
                    }
                }
                while (forgotten == SuggestionContacts.ForgetBatch);
                await Task.Delay(options.Value.RetentionScanInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Retention purge failed; trying again in an hour");
                try
                {
                    await Task.Delay(TimeSpan.FromHours(1), clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }
}
