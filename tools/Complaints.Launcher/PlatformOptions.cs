namespace Complaints.Launcher;

/// <summary>How <see cref="PlatformProcesses"/> starts the platform.</summary>
public sealed class PlatformOptions
{
    /// <summary>The folder holding Complaints.sln; found by walking up when null.</summary>
    public string? RepositoryRoot { get; set; }

    /// <summary>Data folder (SQLite files, mail sink, logs, local-secrets.json); default <c>{repo}/.data</c>.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Build configuration whose output is run.</summary>
    public string Configuration { get; set; } = "Release";

    /// <summary>Service ports: gRPC = base + 1..4, HTTP = base + 11..14. Ignored with <see cref="UseFreePorts"/>.</summary>
    public int BasePort { get; set; } = PlatformComponents.DefaultBasePort;

    /// <summary>Gateway REST port; its gRPC port is the next one. Ignored with <see cref="UseFreePorts"/>.</summary>
    public int GatewayPort { get; set; } = PlatformComponents.DefaultGatewayPort;

    /// <summary>The loopback port of the command-line sign-in's redirect (<see cref="CliSignIn"/>), registered with Identity.</summary>
    public int CliCallbackPort { get; set; } = CliSignIn.DefaultCallbackPort;

    /// <summary>Free loopback ports for every endpoint, reserved by <see cref="LoopbackPorts"/> (tests).</summary>
    public bool UseFreePorts { get; set; }

    /// <summary>
    /// Every component's ports, e.g. another instance's <see cref="PlatformProcesses.AllComponents"/>, to start a component
    /// later where its peers expect it; overrides the other port settings.
    /// </summary>
    public IReadOnlyList<PlatformComponent>? Layout { get; set; }

    /// <summary>Which components to start (names from <see cref="PlatformComponents"/>); all when null.</summary>
    public IReadOnlyCollection<string>? Components { get; set; }

    /// <summary>Extra environment variables for every child (e.g. OTEL_EXPORTER_OTLP_ENDPOINT); a null value removes one.</summary>
    public IDictionary<string, string?> Environment { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>Last word on one child's environment, after everything else is set.</summary>
    public Action<PlatformComponent, IDictionary<string, string?>>? ConfigureEnvironment { get; set; }

    /// <summary>How long every child gets to answer 200 on /health/ready.</summary>
    public TimeSpan ReadyTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan ReadyPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>On stop, how long a child gets after SIGTERM before its process tree is killed (zero: kill at once).</summary>
    public TimeSpan GracefulStopTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Echo every child's output, prefixed with its name, to the console.</summary>
    public bool EchoToConsole { get; set; } = true;

    /// <summary>Also hand every output line to this callback (e.g. a test's output helper). Called from pump threads.</summary>
    public Action<PlatformComponent, string>? OutputLine { get; set; }

    /// <summary>The dotnet host to run the assemblies with; found when null.</summary>
    public string? DotnetPath { get; set; }
}
