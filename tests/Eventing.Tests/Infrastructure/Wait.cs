using System.Diagnostics;
using Xunit.Sdk;

namespace Complaints.Eventing.Tests.Infrastructure;

/// <summary>Poll-until: no fixed sleeps in the tests, a generous limit and a clear message on failure.</summary>
public static class Wait
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public static async Task UntilAsync(string what, Func<Task<bool>> condition, Func<Task<string>>? state = null, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        Exception? lastError = null;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
                lastError = null;
            }
            catch (Exception ex)
            {
                lastError = ex;
            }
            if (clock.Elapsed > limit)
            {
                var current = state is null ? null : await SafeState(state);
                throw new XunitException(
                    $"Timed out after {limit.TotalSeconds:0} s waiting until {what}."
                    + (current is null ? string.Empty : $" Current state: {current}.")
                    + (lastError is null ? string.Empty : $" Last error: {lastError.GetType().Name}: {lastError.Message}"));
            }
            await Task.Delay(25);
        }
    }

    public static Task UntilAsync(string what, Func<bool> condition, Func<string>? state = null, TimeSpan? timeout = null) =>
        UntilAsync(what, () => Task.FromResult(condition()), state is null ? null : () => Task.FromResult(state()), timeout);

    /// <summary>Awaits a task with a limit; fails with a message instead of hanging the run.</summary>
    public static async Task<T> WithinAsync<T>(Task<T> task, string what, TimeSpan? timeout = null)
    {
        try
        {
            return await task.WaitAsync(timeout ?? DefaultTimeout);
        }
        catch (TimeoutException)
        {
            throw new XunitException($"Timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0} s waiting for {what}.");
        }
    }

    public static async Task WithinAsync(Task task, string what, TimeSpan? timeout = null)
    {
        try
        {
            await task.WaitAsync(timeout ?? DefaultTimeout);
        }
        catch (TimeoutException)
        {
            throw new XunitException($"Timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0} s waiting for {what}.");
        }
    }

    private static async Task<string?> SafeState(Func<Task<string>> state)
    {
        try
        {
            return await state();
        }
        catch (Exception ex)
        {
            return $"(could not read: {ex.Message})";
        }
    }
}
