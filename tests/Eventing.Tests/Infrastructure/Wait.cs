using Complaints.TestSupport;

namespace Complaints.Eventing.Tests.Infrastructure;

/// <summary>
/// Bounds a single await on a task the test expects to complete (polling a condition is
/// <see cref="Eventually"/>'s job): fails with a message naming what it waited for instead of hanging the run.
/// </summary>
public static class Wait
{
    public static async Task WithinAsync(Task task, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Eventually.DefaultTimeout;
        try
        {
            await task.WaitAsync(limit);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            throw new TimeoutException($"Timed out after {limit.TotalSeconds:0} s waiting for {what}.");
        }
    }
}
