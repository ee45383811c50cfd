using Complaints.Calendars;
using StackExchange.Redis;

namespace Complaints.Routing.Clocks;

public static class ClockExtensions
{
    /// <summary>
    /// The business calendars (the Calendars library's Policies/calendars.json or <c>Calendars:Path</c>) and the clock
    /// policies (Policies/clocks.json or <c>Routing:ClockPoliciesPath</c>), both validated at start,
    /// <see cref="CaseClocks"/> and the <see cref="ClockTimer"/> (off when <c>Routing:ClockTimer:Enabled</c> is false),
    /// leased through Redis when an <see cref="IConnectionMultiplexer"/> is registered, in-process otherwise.
    /// </summary>
    public static WebApplicationBuilder AddCaseClocks(this WebApplicationBuilder builder)
    {
        // Read from the built provider's configuration, so test hosts' settings apply.
        builder.Services.AddSingleton(sp => JurisdictionCalendars.Load(JurisdictionCalendars.ResolvePath(sp.GetRequiredService<IConfiguration>())));
        builder.Services.AddSingleton(sp => ClockPolicies.Load(
            ClockPolicies.ResolvePath(sp.GetRequiredService<IConfiguration>()), sp.GetRequiredService<JurisdictionCalendars>()));
        builder.Services.AddSingleton<CaseClocks>();
        builder.Services.AddSingleton<IClockTimerLease>(sp =>
        {
            if (sp.GetService<IConnectionMultiplexer>() is not { } redis)
            {
                return new InProcessClockTimerLease();
            }
            var configuration = sp.GetRequiredService<IConfiguration>();
            // Outlives a few missed scans, so a slow scan does not hand the timer to another replica.
            var ttl = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, ClockTimer.ReadInterval(configuration).Ticks * 4));
            return new RedisClockTimerLease(redis, ttl, sp.GetRequiredService<ILogger<RedisClockTimerLease>>());
        });
        builder.Services.AddSingleton<ClockTimer>();
        builder.Services.AddHostedService<ClockPoliciesCheck>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ClockTimer>());
        return builder;
    }
}

/// <summary>
/// Loads the calendars and policies when the service starts: a bad file, or a calendar whose holidays end before next
/// year is over, stops it with the field named, not at the first case.
/// </summary>
internal sealed class ClockPoliciesCheck(IServiceProvider services, TimeProvider clock, ILogger<ClockPoliciesCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var policies = services.GetRequiredService<ClockPolicies>();
        policies.EnsureCoveredThrough(clock.GetUtcNow().Year + 1);
        logger.LogInformation("Clock policies loaded: default SLA {Sla}; SLA capped {Margin} before the statutory deadlines; calendars from {Calendars}",
            policies.DefaultSla, policies.DefaultStatutoryMargin?.Describe() ?? "0 business days", policies.Calendars.Source);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
