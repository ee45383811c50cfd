using Complaints.Eventing.V1;
using Complaints.ServiceDefaults.Clients;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Complaints.Eventing;

public static class EventingExtensions
{
    /// <summary>
    /// This service produces events: the new-events signal (Redis when configured, in-process
    /// otherwise) raised by a SaveChanges interceptor, and the feed service's options (section "EventFeed").
    /// </summary>
    public static WebApplicationBuilder AddEventLog(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<EventFeedOptions>(builder.Configuration.GetSection("EventFeed"));
        builder.Services.TryAddSingleton<IEventSignal>(sp => sp.GetService<IConnectionMultiplexer>() is { } redis
            ? ActivatorUtilities.CreateInstance<RedisEventSignal>(sp, redis)
            : new LocalEventSignal());
        builder.Services.AddSingleton<IInterceptor, EventAppendedInterceptor>();
        return builder;
    }

    public static IEndpointRouteBuilder MapEventFeed<TContext>(this IEndpointRouteBuilder app)
        where TContext : DbContext, IEventLogContext
    {
        app.MapGrpcService<EventFeedService<TContext>>();
        return app;
    }

    /// <summary>
    /// Consumes the feed of <paramref name="source"/>, served at <c>Services:{source}</c>. A required feed whose address
    /// is missing stops the service at start; an <paramref name="optional"/> one is then not read, with a warning at
    /// start (for a producer a deployment does not run yet).
    /// </summary>
    public static WebApplicationBuilder AddEventSubscription<TContext>(this WebApplicationBuilder builder, string source, bool optional = false)
        where TContext : DbContext, IEventInboxContext
    {
        builder.Services.AddInternalGrpcClient<EventFeed.EventFeedClient>(source, EventSubscriber<TContext>.FeedClientName(source));
        // Decided when the host starts, from the final configuration (test hosts' settings included).
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(sp =>
            optional && string.IsNullOrWhiteSpace(sp.GetRequiredService<IConfiguration>()[$"Services:{source}"])
                ? new UnconfiguredFeed(source, sp.GetRequiredService<ILogger<UnconfiguredFeed>>())
                : ActivatorUtilities.CreateInstance<EventSubscriber<TContext>>(sp, source));
        return builder;
    }

    /// <summary>An optional feed without an address: says so once at start, reads nothing.</summary>
    private sealed class UnconfiguredFeed(string source, ILogger<UnconfiguredFeed> logger) : Microsoft.Extensions.Hosting.IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            logger.LogWarning("Services:{Source} is not set: that feed is not read and its events are not applied", source);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    public static WebApplicationBuilder AddEventHandler<TContext, THandler>(this WebApplicationBuilder builder)
        where THandler : class, IEventHandler<TContext>
    {
        // Registered by its own type too, so the subscriber builds only the handlers a batch needs.
        builder.Services.TryAddScoped<THandler>();
        builder.Services.AddScoped<IEventHandler<TContext>>(sp => sp.GetRequiredService<THandler>());
        builder.Services.AddSingleton(new EventHandlerRegistration<TContext>(typeof(THandler)));
        return builder;
    }
}

/// <summary>A handler type added with <see cref="EventingExtensions.AddEventHandler{TContext, THandler}"/>.</summary>
public sealed record EventHandlerRegistration<TContext>(Type HandlerType);
