using Complaints.Eventing.V1;
using Complaints.ServiceDefaults.Clients;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
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

    /// <summary>Consumes the feed of <paramref name="source"/>, served at <c>Services:{source}</c>.</summary>
    public static WebApplicationBuilder AddEventSubscription<TContext>(this WebApplicationBuilder builder, string source)
        where TContext : DbContext, IEventInboxContext
    {
        builder.Services.AddInternalGrpcClient<EventFeed.EventFeedClient>(source, EventSubscriber<TContext>.FeedClientName(source));
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(sp =>
            ActivatorUtilities.CreateInstance<EventSubscriber<TContext>>(sp, source));
        return builder;
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
