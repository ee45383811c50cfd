using System.Collections.Concurrent;
using Complaints.Common.V1;
using Complaints.Eventing;
using Microsoft.Extensions.Options;

namespace Complaints.Notifications.Domain;

/// <summary>
/// Sends due messages, up to <see cref="NotificationOptions.SendsPerChannel"/> at once per channel, so a slow
/// partner endpoint or SMTP relay never holds up the other channels or the other messages. Each send claims its
/// message first (<see cref="MessageDelivery.DeliverAsync"/>), so replicas never send one message twice at once.
/// The worker wakes when a message is queued or replayed, when a send finishes, or when a retry falls due; the
/// poll interval is only a fallback (another replica's messages, a lost signal).
/// </summary>
public sealed class DeliveryWorker(
    IServiceScopeFactory scopes,
    DeliveryWakeup wakeup,
    IOptions<NotificationOptions> options,
    TimeProvider clock,
    ILogger<DeliveryWorker> logger) : BackgroundService
{
    private static readonly DeliveryChannel[] Channels = [DeliveryChannel.Email, DeliveryChannel.Sms, DeliveryChannel.Push, DeliveryChannel.Webhook];

    /// <summary>Messages this process is sending now, by channel.</summary>
    private readonly ConcurrentDictionary<Guid, DeliveryChannel> _sending = new();
    private readonly LocalEventSignal _finished = new();
    private int _sendErrors;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var running = new List<Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // Taken before looking, so a message queued (or a send finished) meanwhile is not missed.
                var queued = wakeup.Signal.Waiter();
                var finished = _finished.Waiter();
                var started = 0;
                DateTimeOffset? nextDue = null;
                var failed = false;
                try
                {
                    (started, nextDue) = await StartDueAsync(running, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    // E.g. the database is unavailable: wait, or the loop would spin.
                    logger.LogError(ex, "Delivery pass failed; retrying at the next poll");
                    failed = true;
                }
                running.RemoveAll(t => t.IsCompleted);
                failed |= Interlocked.Exchange(ref _sendErrors, 0) > 0;
                if (started > 0 && !failed)
                {
                    // Free slots may remain and more may be due: look again at once.
                    continue;
                }
                var wait = options.Value.PollInterval;
                if (!failed && nextDue is { } next && next - clock.GetUtcNow() < wait)
                {
                    wait = next - clock.GetUtcNow() is { Ticks: > 0 } left ? left : TimeSpan.FromMilliseconds(1);
                }
                try
                {
                    // Until a message is queued, a send finishes (a slot frees), or the next retry falls due.
                    await Task.WhenAny(queued, finished).WaitAsync(wait, clock, stoppingToken);
                }
                catch (TimeoutException)
                {
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            // Sends in flight record their outcome (without the stopping token) before the host goes.
            await Task.WhenAll(running);
        }
    }

    /// <summary>
    /// Starts the earliest due messages of the channels with free slots, in one query (a query per channel per pass
    /// was most of the worker's cost in a burst); else says when the next one falls due. A full channel is left out
    /// of the query, so its backlog never hides the others' due messages.
    /// </summary>
    private async Task<(int Started, DateTimeOffset? NextDue)> StartDueAsync(List<Task> running, CancellationToken ct)
    {
        var perChannel = Math.Max(1, options.Value.SendsPerChannel);
        var free = Channels.ToDictionary(c => c, c => perChannel - _sending.Values.Count(x => x == c));
        var open = free.Where(f => f.Value > 0).Select(f => f.Key).ToList();
        if (open.Count == 0)
        {
            // Every channel is full: wait for a slot (the finished signal), not for a time.
            return (0, null);
        }
        await using var scope = scopes.CreateAsyncScope();
        var delivery = scope.ServiceProvider.GetRequiredService<MessageDelivery>();
        var started = 0;
        foreach (var (id, channel) in await delivery.DueAsync(open, open.Sum(c => free[c]), [.. _sending.Keys], ct))
        {
            if (free[channel] > 0 && _sending.TryAdd(id, channel))
            {
                free[channel]--;
                running.Add(SendAsync(id, ct));
                started++;
            }
        }
        return (started, started > 0 ? null : await delivery.NextDueAsync(open, [.. _sending.Keys], ct));
    }

    private async Task SendAsync(Guid id, CancellationToken ct)
    {
        // Off the loop's thread at once, so a send's synchronous start never delays the others.
        await Task.Yield();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<MessageDelivery>().DeliverAsync(id, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: the claim expires and another worker sends it.
        }
        catch (Exception ex)
        {
            // E.g. the database failed while claiming or recording: the claim expires and it is sent then.
            logger.LogError(ex, "Delivery of message {MessageId} failed before its outcome was recorded", id);
            Interlocked.Increment(ref _sendErrors);
        }
        finally
        {
            _sending.TryRemove(id, out _);
            _finished.Notify();
        }
    }
}
