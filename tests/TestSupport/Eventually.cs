using System.Diagnostics;

namespace Complaints.TestSupport;

/// <summary>Waits for a condition instead of sleeping: polls until it holds or the timeout passes.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <param name="describe">Renders the last probed value into the timeout message (e.g. the state that was reached).</param>
    public static async Task<T> Get<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null, Func<T, string>? describe = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var watch = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(20);
        T last;
        Exception? lastError = null;
        string? lastSeen = null;
        while (true)
        {
            try
            {
                last = await probe();
                lastSeen = describe?.Invoke(last);
                if (done(last))
                {
                    return last;
                }
            }
            catch (Exception ex) when (watch.Elapsed < limit)
            {
                lastError = ex;
            }
            if (watch.Elapsed >= limit)
            {
                throw new TimeoutException(
                    $"Timed out after {limit.TotalSeconds:0} s waiting for {what}." + (lastSeen is null ? string.Empty : $" Last seen: {lastSeen}."),
                    lastError);
            }
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
        }
    }

    public static Task True(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        Get(condition, ok => ok, what, timeout);
}
