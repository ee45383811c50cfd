namespace Complaints.Launcher;

/// <summary>
/// One process of the platform: a service (endpoints <c>Grpc</c>, h2c, and <c>Http</c>, HTTP/1.1), the web app (only
/// <c>Http</c>: it serves pages, no RPCs; its gRPC port stays reserved but unused) or the gateway (endpoints <c>Grpc</c>,
/// h2c, and <c>Rest</c>, HTTP/1.1). <see cref="HttpPort"/> is the HTTP/1.1 one, where <c>/health/ready</c> is polled.
/// </summary>
public sealed record PlatformComponent(
    string Name,
    string ConfigName,
    string AssemblyName,
    string ProjectFolder,
    string HttpEndpointName,
    int GrpcPort,
    int HttpPort)
{
    public const string Host = "127.0.0.1";

    public bool IsGateway => Name == PlatformComponents.Gateway;

    public bool IsWeb => Name == PlatformComponents.Web;

    /// <summary>Where the others reach it (<c>Services:{ConfigName}</c>): the gRPC endpoint, or the web app's pages.</summary>
    public string ServiceUrl => IsWeb ? HttpUrl : GrpcUrl;

    /// <summary>The h2c endpoint, e.g. <c>http://127.0.0.1:5101</c> (no trailing slash, as in <c>Services:*</c>).</summary>
    public string GrpcUrl => $"http://{Host}:{GrpcPort}";

    /// <summary>The HTTP/1.1 endpoint, e.g. <c>http://127.0.0.1:5111</c>.</summary>
    public string HttpUrl => $"http://{Host}:{HttpPort}";

    public Uri ReadyUrl => new($"{HttpUrl}/health/ready");

    /// <summary>The build output folder, e.g. <c>{repo}/services/Intake/bin/Release/net10.0</c>.</summary>
    public string OutputFolder(string repositoryRoot, string configuration) =>
        Path.Combine(repositoryRoot, ProjectFolder, "bin", configuration, "net10.0");

    public string AssemblyPath(string repositoryRoot, string configuration) =>
        Path.Combine(OutputFolder(repositoryRoot, configuration), AssemblyName + ".dll");
}

/// <summary>The platform's processes and their default ports.</summary>
public static class PlatformComponents
{
    public const string Intake = "intake";
    public const string Routing = "routing";
    public const string Notifications = "notifications";
    public const string Insights = "insights";
    public const string Identity = "identity";
    public const string Web = "web";
    public const string Gateway = "gateway";

    /// <summary>Default service ports: gRPC = base + 1..6 (5101..5106), HTTP = base + 11..16 (5111..5116).</summary>
    public const int DefaultBasePort = 5100;

    /// <summary>Default gateway ports: REST = 8080, gRPC = REST + 1 (8081).</summary>
    public const int DefaultGatewayPort = 8080;

    public static readonly IReadOnlyList<string> All = [Intake, Routing, Notifications, Insights, Identity, Web, Gateway];

    internal static readonly IReadOnlyList<(string Name, string ConfigName, string Folder)> Services =
    [
        (Intake, "Intake", "services/Intake"),
        (Routing, "Routing", "services/Routing"),
        (Notifications, "Notifications", "services/Notifications"),
        (Insights, "Insights", "services/Insights"),
        (Identity, "Identity", "services/Identity"),
        (Web, "Web", "services/Web"),
    ];

    /// <summary>Every component with the fixed port layout around a service base port and a gateway REST port.</summary>
    public static IReadOnlyList<PlatformComponent> Layout(int basePort, int gatewayPort)
    {
        var list = Services
            .Select((s, i) => Service(s.Name, s.ConfigName, s.Folder, basePort + 1 + i, basePort + 11 + i))
            .ToList();
        list.Add(GatewayAt(gatewayPort + 1, gatewayPort));
        return list;
    }

    /// <summary>Every component on loopback ports reserved for this process (<see cref="LoopbackPorts"/>).</summary>
    public static IReadOnlyList<PlatformComponent> FreeLayout()
    {
        var ports = Enumerable.Range(0, 2 * All.Count).Select(_ => LoopbackPorts.Reserve()).ToList();
        var list = Services
            .Select((s, i) => Service(s.Name, s.ConfigName, s.Folder, ports[2 * i], ports[2 * i + 1]))
            .ToList();
        list.Add(GatewayAt(ports[^2], ports[^1]));
        return list;
    }

    internal static PlatformComponent Service(string name, string configName, string folder, int grpcPort, int httpPort) =>
        new(name, configName, "Complaints." + configName, folder, "Http", grpcPort, httpPort);

    internal static PlatformComponent GatewayAt(int grpcPort, int restPort) =>
        new(Gateway, "Gateway", "Complaints.Gateway", "gateway", "Rest", grpcPort, restPort);
}
