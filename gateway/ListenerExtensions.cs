using Microsoft.AspNetCore.Connections.Features;

namespace Complaints.Gateway;

/// <summary>
/// The two listeners come from configuration (<c>Kestrel:Endpoints:Rest</c>, HTTP/1.1, and <c>Kestrel:Endpoints:Grpc</c>, h2c).
/// Connections accepted on the REST listener are tagged so that middleware (the rate limiter) can tell them apart.
/// </summary>
public static class ListenerExtensions
{
    public const string RestEndpoint = "Rest";
    public const string GrpcEndpoint = "Grpc";
    private const string ListenerItem = "complaints.gateway.listener";

    public static WebApplicationBuilder AddGatewayListeners(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            kestrel.Configure(context.Configuration.GetSection("Kestrel"), reloadOnChange: true)
                .Endpoint(RestEndpoint, e => e.ListenOptions.Use(next => connection =>
                {
                    connection.Items[ListenerItem] = RestEndpoint;
                    return next(connection);
                }));
        });
        return builder;
    }

    /// <summary>True when the request arrived on the REST/gRPC-Web listener (<c>Kestrel:Endpoints:Rest</c>).</summary>
    public static bool IsRestListener(this HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(ListenerItem, out var name) == true
        && RestEndpoint.Equals(name);
}
