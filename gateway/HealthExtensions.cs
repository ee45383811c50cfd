using Complaints.ServiceDefaults;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Complaints.Gateway;

/// <summary>The gateway answers its own health on both listeners: <c>/health/live</c> and <c>/health/ready</c>.</summary>
public static class HealthExtensions
{
    public static WebApplicationBuilder AddGatewayHealth(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [Extensions.LiveTag]);
        return builder;
    }

    public static WebApplication MapGatewayHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = r => r.Tags.Contains(Extensions.LiveTag) });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(Extensions.LiveTag) || r.Tags.Contains(Extensions.ReadyTag),
        });
        return app;
    }
}
