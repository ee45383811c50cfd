using System.Diagnostics;
using System.Threading.Channels;
using Complaints.Eventing.V1;
using Complaints.ServiceDefaults;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.ClientFactory;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Complaints.Eventing;

/// <summary>Applies one type of event inside the consumer's transaction (with the inbox row and the checkpoint).</summary>
public interface IEventHandler<in TContext>
{
    /// <summary>The source feed ("intake", "routing", ...).</summary>
    string Source { get; }

    /// <summary>Full protobuf name of the payload handled.</summary>
    string EventType { get; }

    /// <remarks>
    /// Events that arrive together are applied in one transaction, so a handler looks for entities added
    /// by an earlier event of the batch in the context (<c>Local</c>) as well as in the database.
    /// </remarks>
    Task HandleAsync(EventEnvelope envelope, TContext db, CancellationToken ct);

    /// <summary>Called after the transaction that applied the event committed, e.g. to wake a worker.</summary>
    void AfterCommit()
    {
    }
}

/// <summary>Typed base: unpacks the payload.</summary>
public abstract class FeedEventHandler<TContext, TPayload>(string source) : IEventHandler<TContext>
    where TPayload : IMessage<TPayload>, new()
{
    private static readonly MessageParser<TPayload> Parser = new(() => new TPayload());

    public string Source { get; } = source;

    public string EventType { get; } = new TPayload().Descriptor.FullName;

    public Task HandleAsync(EventEnvelope envelope, TContext db, CancellationToken ct) =>
        HandleAsync(Parser.ParseFrom(envelope.Payload.Value), envelope, db, ct);

    protected abstract Task HandleAsync(TPayload payload, EventEnvelope envelope, TContext db, CancellationToken ct);

    public virtual void AfterCommit()
    {
    }
}

/// <summary>
/// Pulls one producer's feed from the stored checkpoint and applies each event exactly once in
/// effect: handler changes, the inbox rows and the new checkpoint commit in one transaction (per
/// batch of events that arrived together), so a crash at any point either applies all of it or
/// none, and a redelivered event is skipped.
/// </summary>
public sealed class EventSubscriber<TContext>(
    string source,
    IServiceScopeFactory scopes,
    GrpcClientFactory clients,
    TimeProvider clock,
    ILogger<EventSubscriber<TContext>> logger) : BackgroundService
    where TContext : DbContext, IEventInboxContext
{
    public static readonly ActivitySource ActivitySource = new(Telemetry.SourcePrefix + "Eventing");

    /// <summary>The most events applied in one transaction.</summary>
    public const int MaxBatch = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var client = clients.CreateClient<EventFeed.EventFeedClient>(FeedClientName(source));
        var backoff = TimeSpan.FromMilliseconds(200);
        // After a failure, events are applied one at a time, so the good ones before a failing one commit.
        var batchSize = MaxBatch;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var after = await ReadCheckpointAsync(stoppingToken);
                (_stored, _position) = (after, after);
                using var streamCts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                // Only the types this service handles: the others would each cost a transaction (inbox row and
                // checkpoint) and change nothing.
                var request = new SubscribeRequest { AfterSequence = after };
                request.EventTypes.AddRange(await HandledTypesAsync());
                using var call = client.Subscribe(request, cancellationToken: streamCts.Token);
                var buffer = Channel.CreateBounded<EventEnvelope>(new BoundedChannelOptions(MaxBatch * 2) { SingleReader = true, SingleWriter = true });
                var pump = PumpAsync(call.ResponseStream, buffer.Writer, streamCts.Token);
                try
                {
                    // Whatever has arrived is applied together: one commit for a burst, one for a lone event.
                    while (await buffer.Reader.WaitToReadAsync(stoppingToken))
                    {
                        var batch = new List<EventEnvelope>(batchSize);
                        while (batch.Count < batchSize && buffer.Reader.TryRead(out var envelope))
                        {
                            batch.Add(envelope);
                        }
                        await ApplyAsync(batch, stoppingToken);
                        backoff = TimeSpan.FromMilliseconds(200);
                        batchSize = MaxBatch;
                    }
                }
                finally
                {
                    await streamCts.CancelAsync();
                    await pump;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                batchSize = 1;
                if (ex is RpcException { StatusCode: StatusCode.Unavailable or StatusCode.DeadlineExceeded } rpc)
                {
                    // Expected while the producer starts or restarts: no stack trace.
                    logger.LogWarning("Feed {Source} unavailable ({Status}); resuming from the checkpoint in {Delay}", source, rpc.StatusCode, backoff);
                }
                else
                {
                    logger.LogWarning(ex, "Feed {Source} interrupted; resuming from the checkpoint in {Delay}", source, backoff);
                }
                try
                {
                    await Task.Delay(backoff, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    public static string FeedClientName(string source) => "feed:" + source;

    private async Task<long> ReadCheckpointAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        return await db.FeedCheckpoints.AsNoTracking()
            .Where(c => c.Source == source)
            .Select(c => (long?)c.Sequence)
            .FirstOrDefaultAsync(ct) ?? 0;
    }

    /// <summary>Moves envelopes from the stream to the buffer; a stream error reaches the reader after what was buffered.</summary>
    private static async Task PumpAsync(IAsyncStreamReader<EventEnvelope> stream, ChannelWriter<EventEnvelope> writer, CancellationToken ct)
    {
        try
        {
            await foreach (var envelope in stream.ReadAllAsync(ct))
            {
                await writer.WriteAsync(envelope, ct);
            }
            writer.TryComplete();
        }
        catch (Exception ex)
        {
            writer.TryComplete(ex);
        }
    }

    private Dictionary<string, Type[]>? _handlerTypes;

    private async Task<IReadOnlyCollection<string>> HandledTypesAsync()
    {
        await using var scope = scopes.CreateAsyncScope();
        return HandlerTypes(scope.ServiceProvider).Keys;
    }

    /// <summary>
    /// The handler types of this feed by event type, learnt once by building every registered handler: building
    /// them all for each batch (with their gRPC clients and policies) cost more than most batches' work.
    /// </summary>
    private Dictionary<string, Type[]> HandlerTypes(IServiceProvider services) =>
        _handlerTypes ??= services.GetServices<EventHandlerRegistration<TContext>>()
            .Select(r => (r.HandlerType, Handler: (IEventHandler<TContext>)services.GetRequiredService(r.HandlerType)))
            .Where(x => x.Handler.Source == source)
            .GroupBy(x => x.Handler.EventType, x => x.HandlerType)
            .ToDictionary(g => g.Key, g => g.Distinct().ToArray());

    /// <summary>The checkpoint as stored, and the position the feed has told of past it (events of other types).</summary>
    private long _stored;
    private long _position;

    /// <summary>
    /// How far the feed's position may run ahead of the stored checkpoint before a save of the checkpoint alone: a
    /// consumer of rare types then rereads at most this many skipped events after a restart, not weeks of them
    /// (and, on SQL Server, waits out each old sequence gap again).
    /// </summary>
    public const long PositionStride = 1000;

    private async Task ApplyAsync(IReadOnlyList<EventEnvelope> batch, CancellationToken ct)
    {
        _position = Math.Max(_position, batch.Max(e => e.Sequence));
        batch = [.. batch.Where(e => !e.IsPosition())];
        if (batch.Count == 0 && _position - _stored < PositionStride)
        {
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var handlerTypes = HandlerTypes(scope.ServiceProvider);
        await using var tx = await db.Database.BeginTransactionAsync(ct);

        var ids = batch.Select(e => Guid.Parse(e.EventId)).ToList();
        var seen = (await db.ProcessedEvents.Where(p => ids.Contains(p.EventId)).Select(p => p.EventId).ToListAsync(ct)).ToHashSet();
        var applied = new List<IEventHandler<TContext>>();
        foreach (var envelope in batch)
        {
            var eventId = Guid.Parse(envelope.EventId);
            using var activity = ActivitySource.StartLinkedActivity($"consume {envelope.Type}", ActivityKind.Consumer, envelope.Traceparent, envelope.Tracestate);
            activity?.SetTag("messaging.system", "complaints.feed");
            activity?.SetTag("messaging.source.name", source);
            activity?.SetTag("messaging.message.id", envelope.EventId);
            activity?.SetTag("messaging.batch.message_count", batch.Count);
            activity?.SetTag("complaints.event.type", envelope.Type);
            activity?.SetTag("complaints.event.sequence", envelope.Sequence);
            activity?.SetTag("complaints.event.duplicate", seen.Contains(eventId));
            if (!seen.Add(eventId))
            {
                continue;
            }
            foreach (var type in handlerTypes.GetValueOrDefault(envelope.Type, []))
            {
                var handler = (IEventHandler<TContext>)scope.ServiceProvider.GetRequiredService(type);
                await handler.HandleAsync(envelope, db, ct);
                applied.Add(handler);
            }
            db.ProcessedEvents.Add(new ProcessedEvent { EventId = eventId, Source = source, Sequence = envelope.Sequence, ProcessedAt = clock.GetUtcNow() });
        }

        var last = _position;
        var checkpoint = await db.FeedCheckpoints.FirstOrDefaultAsync(c => c.Source == source, ct);
        if (checkpoint is null)
        {
            db.FeedCheckpoints.Add(new FeedCheckpoint { Source = source, Sequence = last, UpdatedAt = clock.GetUtcNow() });
        }
        else if (last > checkpoint.Sequence)
        {
            checkpoint.Sequence = last;
            checkpoint.UpdatedAt = clock.GetUtcNow();
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        _stored = Math.Max(_stored, last);
        foreach (var handler in applied.Distinct())
        {
            handler.AfterCommit();
        }
    }
}
