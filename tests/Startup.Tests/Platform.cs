using Complaints.Launcher;

namespace Complaints.Startup.Tests;

/// <summary>One service of the built platform as a real process on reserved loopback ports.</summary>
internal static class Platform
{
    public const string SigTerm = "SIGTERM";
    public const string SigKill = "SIGKILL";

    public const string Configuration =
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    /// <summary>The services with a database (the gateway has none).</summary>
    public static readonly IReadOnlyList<string> Services =
        [PlatformComponents.Intake, PlatformComponents.Routing, PlatformComponents.Notifications, PlatformComponents.Insights, PlatformComponents.Identity];

    /// <summary>Long enough for a start on a loaded machine; a start blocked on a lock never gets there.</summary>
    public static readonly TimeSpan RestartTimeout = TimeSpan.FromSeconds(45);

    /// <summary>The service on the given ports (reserved once per test: each reservation is held until the test process ends).</summary>
    public static PlatformProcesses Create(string service, string data, IReadOnlyList<PlatformComponent> layout, Action<PlatformOptions>? configure = null)
    {
        var options = new PlatformOptions
        {
            Layout = layout,
            DataDirectory = data,
            Configuration = Configuration,
            Components = [service],
            EchoToConsole = false,
            ReadyTimeout = RestartTimeout,
            ReadyPollInterval = TimeSpan.FromMilliseconds(50),
        };
        configure?.Invoke(options);
        return new PlatformProcesses(options);
    }
}
