using Microsoft.Extensions.Options;

namespace Complaints.Notifications.Domain;

/// <summary>Sends due messages one at a time; wakes when a message is queued, or at the poll interval for retries.</summary>
public sealed class DeliveryWorker(
    IServiceScopeFactory scopes,
    DeliveryWakeup wakeup,
    IOptions<NotificationOptions> options,
    TimeProvider clock,
    ILogger<DeliveryWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var waiter = wakeup.Signal.Waiter();
            IReadOnlyList<Guid> due = [];
            DateTimeOffset? nextDue = null;
            var failed = false;
            try
            {
                await using (var scope = scopes.CreateAsyncScope())
                {
                    due = await scope.ServiceProvider.GetRequiredService<MessageDelivery>().DueAsync(20, stoppingToken);
                }
                foreach (var id in due)
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<MessageDelivery>().DeliverAsync(id, stoppingToken);
                }
                if (due.Count == 0)
                {
                    await using var scope = scopes.CreateAsyncScope();
                    nextDue = await scope.ServiceProvider.GetRequiredService<MessageDelivery>().NextDueAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // E.g. the database is unavailable: wait, or the same due messages would spin the loop.
                logger.LogError(ex, "Delivery pass failed; retrying at the next poll");
                failed = true;
            }
            if (due.Count == 0 || failed)
            {
                try
                {
                    // Sleep until the next retry falls due (or the poll interval), unless a new message wakes us first.
                    var wait = options.Value.PollInterval;
                    if (nextDue is { } next && next - clock.GetUtcNow() < wait)
                    {
                        wait = next - clock.GetUtcNow() is { Ticks: > 0 } left ? left : TimeSpan.FromMilliseconds(1);
                    }
                    await (failed ? Task.Delay(options.Value.PollInterval, clock, stoppingToken) : waiter.WaitAsync(wait, clock, stoppingToken));
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
    }
}
