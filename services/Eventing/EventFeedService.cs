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
    /// A gap in sequences may be a transaction still committing (SQL Server identity values are taken
    /// before commit): the stream stops before it and looks again, for this long after it first saw
    /// the gap; then the gap is taken for a rolled-back write and skipped. SQLite never leaves gaps.
    /// </summary>
    public TimeSpan GapGrace { get; set; } = TimeSpan.FromSeconds(10);

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
            await StreamAsync(Math.Max(0, request.AfterSequence), request.EventTypes.Count == 0 ? null : request.EventTypes.ToHashSet(StringComparer.Ordinal), responseStream, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The subscriber went away or the host is stopping.
        }
    }

    private async Task StreamAsync(long after, HashSet<string>? types, IServerStreamWriter<EventEnvelope> responseStream, CancellationToken ct)
    {
        var settings = options.Value;
        var gaps = new SequenceGaps(settings.GapGrace, clock);
        while (!ct.IsCancellationRequested)
        {
            var waiter = signal.Waiter();
            var rows = await ReadAsync(after, settings.BatchSize, ct);
            var (batch, waiting) = gaps.Readable(rows, after, e => e.Sequence);
            var sent = false;
            foreach (var stored in batch)
            {
                // Filtered after the gap check: a gap is about sequences, whatever their types.
                if (types is null || types.Contains(stored.Type))
                {
                    await responseStream.WriteAsync(stored.ToEnvelope(identity.Name), ct);
                    sent = true;
                }
                after = stored.Sequence;
            }
            if (!sent && batch.Count > 0)
            {
                // Nothing of the consumer's types: tell it the position, so its checkpoint can move past these.
                await responseStream.WriteAsync(EventLog.Position(after, identity.Name), ct);
            }
            if (!waiting && rows.Count == settings.BatchSize)
            {
                continue;
            }
            var wait = waiting ? TimeSpan.FromMilliseconds(100) : settings.PollInterval;
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

    private async Task<List<StoredEvent>> ReadAsync(long after, int max, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        return await db.Events.AsNoTracking()
            .Where(e => e.Sequence > after)
            .OrderBy(e => e.Sequence)
            .Take(max)
            .ToListAsync(ct);
    }
}
