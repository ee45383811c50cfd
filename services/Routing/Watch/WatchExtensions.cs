using Complaints.Routing.Watch;
using Microsoft.EntityFrameworkCore.Diagnostics;
using StackExchange.Redis;

// In the service's root namespace, so RoutingExtensions needs only the call.
namespace Complaints.Routing;

public static class WatchExtensions
{
    /// <summary>
    /// The case watch: a per-complaint change signal (over Redis pub/sub when Redis is configured, so every
    /// replica's watchers wake), raised after commit by an interceptor on Routing's database (section "CaseWatch").
    /// </summary>
    public static WebApplicationBuilder AddCaseWatch(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<CaseWatchOptions>(builder.Configuration.GetSection("CaseWatch"));
        builder.Services.AddSingleton(sp => new CaseChangeSignal(sp.GetService<IConnectionMultiplexer>(), sp.GetRequiredService<ILogger<CaseChangeSignal>>()));
        // AddServiceDatabase adds every registered IInterceptor to the context's options.
        builder.Services.AddSingleton<IInterceptor, CaseChangeInterceptor>();
        builder.Services.AddSingleton<CaseWatch>();
        return builder;
    }
}
