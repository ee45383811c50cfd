namespace Complaints.Gateway;

/// <summary>
/// YARP with routes and clusters from the <c>ReverseProxy</c> section. A service address in
/// <c>Services:{Intake|Routing|Notifications|Insights|Identity|Web}</c> (the variables the launcher gives every process)
/// replaces that cluster's destination <c>d1</c>. The web app's routes (cluster <see cref="WebCluster"/>) catch every
/// path no other route claims, with the highest <c>Order</c> so that every API, gRPC and Identity route wins.
/// </summary>
public static class ProxyExtensions
{
    /// <summary>The complainant portal's cluster (services/Web, HTTP/1.1).</summary>
    public const string WebCluster = "web";

    /// <summary>Configuration key under <c>Services:</c> and the cluster it points at.</summary>
    public static readonly IReadOnlyDictionary<string, string> ServiceClusters = new Dictionary<string, string>
    {
        ["Intake"] = "intake",
        ["Routing"] = "routing",
        ["Notifications"] = "notifications",
        ["Insights"] = "insights",
        ["Identity"] = "identity",
        ["Web"] = WebCluster,
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

    /// <summary>
    /// The proxy, with YARP's default pipeline behind one check: a gRPC or gRPC-Web call that only the web app's
    /// catch-all route matched (an internal service, reflection, a typo) is answered 404 here, which gRPC clients read
    /// as Unimplemented, as before the catch-all existed; it never reaches the web app.
    /// </summary>
    public static WebApplication MapGatewayProxy(this WebApplication app)
    {
        app.MapReverseProxy(proxy =>
        {
            proxy.Use((context, next) =>
            {
                if (GatewayErrorPages.IsPortalRequest(context)
                    && context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }
                return next();
            });
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        return app;
    }
}
