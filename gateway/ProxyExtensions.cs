namespace Complaints.Gateway;

/// <summary>
/// YARP with routes and clusters from the <c>ReverseProxy</c> section. A service address in
/// <c>Services:{Intake|Routing|Notifications|Insights|Identity}</c> (the variables the launcher gives every process)
/// replaces that cluster's destination <c>d1</c>.
/// </summary>
public static class ProxyExtensions
{
    /// <summary>Configuration key under <c>Services:</c> and the cluster it points at.</summary>
    public static readonly IReadOnlyDictionary<string, string> ServiceClusters = new Dictionary<string, string>
    {
        ["Intake"] = "intake",
        ["Routing"] = "routing",
        ["Notifications"] = "notifications",
        ["Insights"] = "insights",
        ["Identity"] = "identity",
    };

    public static WebApplicationBuilder AddGatewayProxy(this WebApplicationBuilder builder)
    {
        var overrides = new Dictionary<string, string?>();
        foreach (var (service, cluster) in ServiceClusters)
        {
            if (builder.Configuration[$"Services:{service}"] is { Length: > 0 } address)
            {
                overrides[$"ReverseProxy:Clusters:{cluster}:Destinations:d1:Address"] = address;
            }
        }
        if (overrides.Count > 0)
        {
            // Added last, so it wins over appsettings and ReverseProxy__Clusters__* variables.
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
        return builder;
    }
}
