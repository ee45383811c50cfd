using System.Diagnostics;
using Complaints.Launcher;
using Complaints.TestSupport;
using Xunit.Abstractions;

namespace Complaints.Startup.Tests;

/// <summary>
/// A service stopped at any moment of its start leaves nothing that keeps its next start from becoming ready: no
/// migration lock, no half-written key file. Each case starts the service on a new data folder (so its migrations
/// run), stops it after a delay, then starts it again normally and waits for readiness; the delay goes up by
/// 150 ms from zero until a stopped start had already become ready (about 2 s here; longer on a loaded machine,
/// and the delays follow): later delays would only stop a running service again.
/// </summary>
public sealed class StartKillTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(150);

    /// <summary>A start that is not ready after this long has failed (the restart's own timeout says so first).</summary>
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(60);

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var service in Platform.Services)
        {
            cases.Add(service, Platform.SigTerm);
            cases.Add(service, Platform.SigKill);
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Start_StoppedAtEachMomentOfItsStart_NextStartBecomesReady(string service, string signal)
    {
        var layout = PlatformComponents.FreeLayout();
        var stops = new List<string>();
        var midMigration = 0;
        for (var delay = TimeSpan.Zero; delay <= Longest; delay += Step)
        {
            using var data = new TempFolder($"start-kill-{service}");
            var (wasReady, log) = await StopDuringStartAsync(service, signal, delay, data.Path, layout);
            if (log.Contains("Applying", StringComparison.Ordinal) && !log.Contains(" ready (", StringComparison.Ordinal))
            {
                midMigration++;
            }

            var restart = Stopwatch.StartNew();
            // Throws PlatformStartException, with the log's last lines, if it is not ready in time.
            await using (var again = Platform.Create(service, data.Path, layout))
            {
                await again.StartAsync();
            }
            stops.Add($"{delay.TotalMilliseconds:0} ms{(wasReady ? " (was ready)" : "")}: ready again in {restart.ElapsedMilliseconds} ms");
            if (wasReady)
            {
                break;
            }
        }
        output.WriteLine($"{service}, {signal}: {stops.Count} stops, {midMigration} of them while migrating");
        stops.ForEach(output.WriteLine);
        Assert.Contains("(was ready)", stops[^1]);
    }

    /// <summary>Starts the service, stops it with the signal after the delay; says whether it was ready by then, and returns its log.</summary>
    private static async Task<(bool WasReady, string Log)> StopDuringStartAsync(
        string service, string signal, TimeSpan delay, string data, IReadOnlyList<PlatformComponent> layout)
    {
        await using var platform = Platform.Create(service, data, layout, o =>
        {
            // Zero: no SIGTERM, the process tree is killed at once.
            o.GracefulStopTimeout = signal == Platform.SigKill ? TimeSpan.Zero : TimeSpan.FromSeconds(15);
        });
        using var stopAt = new CancellationTokenSource(delay);
        bool wasReady;
        try
        {
            await platform.StartAsync(stopAt.Token);
            wasReady = true;
        }
        catch (OperationCanceledException) when (stopAt.IsCancellationRequested)
        {
            // StartAsync stopped the process when the token fired.
            wasReady = false;
        }
        await platform.StopAsync();
        return (wasReady, await File.ReadAllTextAsync(Path.Combine(platform.LogDirectory, service + ".log")));
    }
}
