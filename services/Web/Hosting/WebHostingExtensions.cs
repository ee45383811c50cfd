using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Data;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Complaints.Web.Hosting;

/// <summary>
/// What the web app shares with the services (telemetry, optional Redis, health, an injected clock) without their gRPC
/// server and bearer-token defaults: it serves pages, not RPCs.
/// </summary>
public static class WebHostingExtensions
{
    public static WebApplicationBuilder AddWebDefaults(this WebApplicationBuilder builder, string serviceName)
    {
        builder.Services.AddSingleton(new ServiceIdentity(serviceName));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddTelemetry(serviceName);
        builder.AddOptionalRedis();
        builder.AddWebKeyRing();
        builder.AddSharedCache();
        // The gateway terminates TLS: its X-Forwarded-Proto makes cookies Secure. Trusted from loopback (the local
        // gateway) and from ForwardedHeaders:KnownNetworks (the gateway pods' network in Kubernetes).
        builder.AddTrustedForwardedHeaders(trustLoopback: true);
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [Extensions.LiveTag]);
        return builder;
    }

    public static WebApplication UseWebDefaults(this WebApplication app)
    {
        app.UseTrustedForwardedHeaders();
        app.UseSecurityHeaders();
        return app;
    }

    public static WebApplication MapWebHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = r => r.Tags.Contains(Extensions.LiveTag) });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(Extensions.LiveTag) || r.Tags.Contains(Extensions.ReadyTag),
        });
        return app;
    }

    /// <summary>
    /// Short-lived server-side state every replica must see (submitted forms' answers): Redis when configured, else
    /// this process's memory.
    /// </summary>
    private static WebApplicationBuilder AddSharedCache(this WebApplicationBuilder builder)
    {
        if (builder.Configuration.GetConnectionString("Redis") is { Length: > 0 })
        {
            builder.Services.AddStackExchangeRedisCache(o => o.InstanceName = "complaints-web:");
            // The one multiplexer of AddOptionalRedis, not a second connection.
            builder.Services.AddOptions<RedisCacheOptions>().Configure<IServiceProvider>((o, services) =>
                o.ConnectionMultiplexerFactory = () => Task.FromResult(services.GetRequiredService<IConnectionMultiplexer>()));
        }
        else
        {
            builder.Services.AddDistributedMemoryCache();
        }
        return builder;
    }
}
