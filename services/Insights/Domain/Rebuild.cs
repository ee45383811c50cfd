using Complaints.Insights.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Complaints.Insights.Domain;

/// <summary>
/// Drops everything derived from the feeds (facts, day aggregates, complaint term counts and signals, checkpoints and
/// inbox) so the subscribers read every feed again from sequence zero. Insights' own records stay: surveys and their
/// answer aggregates, suggestions and their terms, and Insights' event log (its consumers keep their checkpoints).
/// </summary>
public static class Rebuild
{
    public static async Task ResetAsync(InsightsDbContext db, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Counters.Where(c => c.Dimension != "first_day/" + TermSources.Survey && c.Dimension != "first_day/" + TermSources.Suggestion).ExecuteDeleteAsync(ct);
        await db.DailyMetrics.Where(m => !m.Metric.StartsWith(Metric.SurveyPrefix)).ExecuteDeleteAsync(ct);
        await db.CaseFacts.ExecuteDeleteAsync(ct);
        await db.ComplaintTerms.Where(l => l.TermCount!.Source == TermSources.Complaint).ExecuteDeleteAsync(ct);
        await db.TermCounts.Where(t => t.Source == TermSources.Complaint).ExecuteDeleteAsync(ct);
        await db.Signals.Where(s => s.Source == TermSources.Complaint).ExecuteDeleteAsync(ct);
        await db.FeedCheckpoints.ExecuteDeleteAsync(ct);
        await db.ProcessedEvents.ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
    }
}

/// <summary>Runs the reset before the subscribers start when <c>Insights:RebuildOnStart</c> is set.</summary>
public sealed class RebuildOnStart(IServiceScopeFactory scopes, IOptions<InsightsOptions> options, ILogger<RebuildOnStart> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.RebuildOnStart)
        {
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        await Rebuild.ResetAsync(scope.ServiceProvider.GetRequiredService<InsightsDbContext>(), cancellationToken);
        logger.LogWarning("Insights aggregates dropped: every feed is read again from sequence zero. Turn Insights:RebuildOnStart off.");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
