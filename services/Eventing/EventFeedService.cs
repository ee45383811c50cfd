using Complaints.Eventing.V1;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Complaints.Eventing;

public sealed class EventFeedOptions
{
    /// <summary>How long a stream waits for a signal before it looks anyway ("slow poll").</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A gap in sequences younger than this may be a transaction still committing (SQL Server
    /// identity values are taken before commit): the stream stops before it and looks again.
    /// An older gap is a rolled-back write and is skipped.
    /// </summary>
    public TimeSpan GapGrace { get; set; } = TimeSpan.FromSeconds(2);

    public int BatchSize { get; set; } = 256;
}

/// <summary>Serves the producer's event log as a server stream. Internal: requires the service role.</summary>
[Authorize(Policy = Policies.Internal)]
public sealed class EventFeedService<TContext>(
    IServiceScopeFactory scopes,
    IEventSignal signal,
    ServiceIdentity identity,
    IOptions<EventFeedOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider clock) : EventFeed.EventFeedBase
    where TContext : DbContext, IEventLogContext
{
    public override async Task Subscribe(SubscribeRequest request, IServerStreamWriter<EventEnvelope> responseStream, ServerCallContext context)
    {
        // End streams when the host stops, or graceful shutdown would wait for every subscriber.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var ct = linked.Token;
        try
        {
            await StreamAsync(Math.Max(0, request.AfterSequence), responseStream, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The subscriber went away or the host is stopping.
        }
    }

    private async Task StreamAsync(long after, IServerStreamWriter<EventEnvelope> responseStream, CancellationToken ct)
    {
        var settings = options.Value;
        while (!ct.IsCancellationRequested)
        {
            var waiter = signal.Waiter();
            var (batch, stoppedAtGap) = await ReadAsync(after, settings, ct);
            foreach (var stored in batch)
            {
                await responseStream.WriteAsync(stored.ToEnvelope(identity.Name), ct);
                after = stored.Sequence;
            }
            if (batch.Count == settings.BatchSize)
            {
                continue;
            }
            var wait = stoppedAtGap ? TimeSpan.FromMilliseconds(100) : settings.PollInterval;
            try
            {
                await waiter.WaitAsync(wait, clock, ct);
            }
            catch (TimeoutException)
            {
                // The slow poll: look again.
            }
        }
    }

    private async Task<(List<StoredEvent> Batch, bool StoppedAtGap)> ReadAsync(long after, EventFeedOptions settings, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var rows = await db.Events.AsNoTracking()
            .Where(e => e.Sequence > after)
            .OrderBy(e => e.Sequence)
            .Take(settings.BatchSize)
            .ToListAsync(ct);
        var now = clock.GetUtcNow();
        var expected = after + 1;
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Sequence != expected && now - rows[i].OccurredAt < settings.GapGrace)
            {
                return (rows[..i], true);
            }
            expected = rows[i].Sequence + 1;
        }
        return (rows, false);
    }
}
