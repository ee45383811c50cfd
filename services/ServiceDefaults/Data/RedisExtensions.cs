using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Complaints.ServiceDefaults.Data;

public static class RedisExtensions
{
    /// <summary>
    /// Registers an <see cref="IConnectionMultiplexer"/> when <c>ConnectionStrings:Redis</c> is set. Without it,
    /// every feature that shares state between replicas falls back to an in-process implementation.
    /// </summary>
    public static WebApplicationBuilder AddOptionalRedis(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Redis");
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            var options = ConfigurationOptions.Parse(connectionString);
            // Start even when Redis is down; the multiplexer reconnects by itself.
            options.AbortOnConnectFail = false;
            builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        }
        return builder;
    }
}
