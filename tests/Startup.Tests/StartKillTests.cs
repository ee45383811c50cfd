using System.Diagnostics;
using Complaints.Launcher;
using Complaints.TestSupport;
using Xunit.Abstractions;

namespace Complaints.Startup.Tests;

/// <summary>
/// A service stopped at any moment of its start leaves nothing that keeps its next start from becoming ready: no
/// migration lock, no half-written key file. Each case starts the service on a new data folder (so its migrations
/// run), stops it, then starts it again normally and waits for readiness. The stops come after a delay that goes up
/// by 150 ms from zero until a stopped start had already become ready (about 2 s here; longer on a loaded machine,
/// and the delays follow): later delays would only stop a running service again. One more stop comes the moment
/// SQLite's migration lock row appears, the window the grid may step over: killed there, a service of before
/// never started again.
/// </summary>
/// <remarks>Two classes, so that xunit runs the SIGTERM and the SIGKILL cases side by side.</remarks>
public sealed class SigTermStartKillTests(ITestOutputHelper output)
{
    public static TheoryData<string> Services() => [.. Platform.Services];

    [Theory]
    [MemberData(nameof(Services))]
    public Task Start_StoppedBySigTermAtEachMomentOfItsStart_NextStartBecomesReady(string service) =>
        StartKill.RunAsync(service, Platform.SigTerm, output);
}

public sealed class SigKillStartKillTests(ITestOutputHelper output)
{
    public static TheoryData<string> Services() => [.. Platform.Services];

    [Theory]
    [MemberData(nameof(Services))]
    public Task Start_StoppedBySigKillAtEachMomentOfItsStart_NextStartBecomesReady(string service) =>
        StartKill.RunAsync(service, Platform.SigKill, output);
}

internal static class StartKill
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(150);

    /// <summary>A stopped start not ready after this long fails the case (a start here takes about 2 s).</summary>
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(20);

    public static async Task RunAsync(string service, string signal, ITestOutputHelper output)
    {
        var layout = PlatformComponents.FreeLayout();
        var stops = new List<string>();

        // Stopped while it held the migration lock. A SIGKILL leaves the row behind (tried again in the rare case the
        // migration finished between the row being seen and the kill).
        var lockLeft = false;
        for (var attempt = 0; attempt < 3 && !lockLeft; attempt++)
        {
            lockLeft = (await StopAndRestartAsync(service, signal, layout, stopAt: null, stops)).LockLeft;
            if (signal == Platform.SigTerm)
            {
                break;
            }
        }
        if (signal == Platform.SigKill)
        {
            Assert.True(lockLeft, $"{service}: no kill left the migration lock row behind: {string.Join("; ", stops)}");
        }
        for (var delay = TimeSpan.Zero; ; delay += Step)
        {
            Assert.True(delay <= Longest, $"{service} was not ready {Longest.TotalSeconds} s into a start.");
            if ((await StopAndRestartAsync(service, signal, layout, delay, stops)).WasReady)
            {
                break;
            }
        }
        output.WriteLine($"{service}, {signal}: {stops.Count} stops");
        stops.ForEach(output.WriteLine);
    }

    /// <summary>
    /// Starts the service on a new data folder, stops it with the signal after the delay (null: once the migration
    /// lock row is in its database), then starts it again and waits until it is ready.
    /// </summary>
    private static async Task<(bool WasReady, bool LockLeft)> StopAndRestartAsync(
        string service, string signal, IReadOnlyList<PlatformComponent> layout, TimeSpan? stopAt, List<string> stops)
    {
        using var data = new TempFolder($"start-kill-{service}");
        var database = data.File(service + ".db");
        var wasReady = await StopDuringStartAsync(service, signal, stopAt, data.Path, layout, database);
        var lockLeft = await MigrationLockRow.ExistsAsync(database);

        var restart = Stopwatch.StartNew();
        // Throws PlatformStartException, with the log's last lines, if it is not ready in time.
        await using (var again = Platform.Create(service, data.Path, layout))
        {
            await again.StartAsync();
        }
        var when = stopAt is { } delay ? $"{delay.TotalMilliseconds:0} ms" : "migration lock taken";
        stops.Add($"{when}{(wasReady ? " (was ready)" : "")}{(lockLeft ? " (lock row left)" : "")}: ready again in {restart.ElapsedMilliseconds} ms");
        Assert.False(await MigrationLockRow.ExistsAsync(database), $"{service}: the lock row is still there after a start.");
        return (wasReady, lockLeft);
    }

    private static async Task<bool> StopDuringStartAsync(
        string service, string signal, TimeSpan? delay, string data, IReadOnlyList<PlatformComponent> layout, string database)
    {
        using var stop = delay is { } d ? new CancellationTokenSource(d) : new CancellationTokenSource();
        await using var platform = Platform.Create(service, data, layout, o =>
        {
            // Zero: no SIGTERM, the process tree is killed at once.
            o.GracefulStopTimeout = signal == Platform.SigKill ? TimeSpan.Zero : TimeSpan.FromSeconds(15);
        });
        var watch = delay is null ? MigrationLockRow.CancelWhenTakenAsync(database, stop) : Task.CompletedTask;
        bool wasReady;
        try
        {
            await platform.StartAsync(stop.Token);
            wasReady = true;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // StartAsync stopped the process when the token fired.
            wasReady = false;
        }
        await platform.StopAsync();
        await stop.CancelAsync();
        await watch;
        return wasReady;
    }
}
