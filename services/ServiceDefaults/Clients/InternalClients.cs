using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Grpc.Net.Client.Configuration;
using Grpc.Net.ClientFactory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.ServiceDefaults.Clients;

public static class InternalClients
{
    /// <summary>
    /// A gRPC client for another context at <c>Services:{target}</c> (e.g. http://127.0.0.1:5101, h2c),
    /// presenting this service's token, with retries on Unavailable set in the channel's service config.
    /// Callers set a deadline per call.
    /// </summary>
    public static IHttpClientBuilder AddInternalGrpcClient<TClient>(this IServiceCollection services, string target, string? name = null)
        where TClient : class =>
        services.AddPublicGrpcClient<TClient>(target, name)
            .AddCallCredentials(async (context, metadata, sp) =>
            {
                if (await sp.GetRequiredService<ServiceTokenSource>().GetTokenAsync(context.CancellationToken) is { } token)
                {
                    metadata.Add("Authorization", "Bearer " + token);
                }
            });

    /// <summary>
    /// The same channel as <see cref="AddInternalGrpcClient"/> without this service's token: the caller is the
    /// anonymous public, as the web app is when it acts for a complainant, who has no token.
    /// </summary>
    public static IHttpClientBuilder AddPublicGrpcClient<TClient>(this IServiceCollection services, string target, string? name = null)
        where TClient : class
    {
        // Read when the client is first built, so test hosts and late configuration sources apply.
        void Configure(IServiceProvider sp, GrpcClientFactoryOptions o) =>
            o.Address = new Uri(sp.GetRequiredService<IConfiguration>()[$"Services:{target}"]
                ?? throw new InvalidOperationException($"Services:{target} (the {target} service's gRPC address) is not configured."));
        var builder = name is null
            ? services.AddGrpcClient<TClient>(Configure)
            : services.AddGrpcClient<TClient>(name, Configure);
        return builder
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                KeepAlivePingDelay = TimeSpan.FromSeconds(30),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            })
            .ConfigureChannel(o =>
            {
                // Inside the cluster the hop is h2c; the token still travels (network policy guards the hop).
                o.UnsafeUseInsecureChannelCallCredentials = true;
                o.ServiceConfig = new ServiceConfig
                {
                    MethodConfigs =
                    {
                        new MethodConfig
                        {
                            Names = { MethodName.Default },
                            RetryPolicy = new RetryPolicy
                            {
                                MaxAttempts = 3,
                                InitialBackoff = TimeSpan.FromMilliseconds(100),
                                MaxBackoff = TimeSpan.FromSeconds(1),
                                BackoffMultiplier = 2,
                                RetryableStatusCodes = { StatusCode.Unavailable },
                            },
                        },
                    },
                };
            });
    }
}
