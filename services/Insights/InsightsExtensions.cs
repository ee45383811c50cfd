using Complaints.Eventing;
using Complaints.Insights.Data;
using Complaints.Insights.Domain;
using Complaints.Insights.Grpc;
using Complaints.ServiceDefaults.Data;

namespace Complaints.Insights;

public static class InsightsExtensions
{
    public static WebApplicationBuilder AddInsights(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<InsightsDbContext, SqliteInsightsDbContext, SqlServerInsightsDbContext>("insights");
        foreach (var source in new[] { Sources.Intake, Sources.Routing, Sources.Notifications })
        {
            builder.AddEventSubscription<InsightsDbContext>(source);
        }
        builder.AddEventHandler<InsightsDbContext, CountReceived>();
        builder.AddEventHandler<InsightsDbContext, CountOpened>();
        builder.AddEventHandler<InsightsDbContext, CountAcknowledged>();
        builder.AddEventHandler<InsightsDbContext, CountDelivered>();
        builder.Services.AddScoped<CountQueries>();
        return builder;
    }

    public static WebApplication MapInsights(this WebApplication app)
    {
        app.MapGrpcService<InsightsGrpcService>();
        return app;
    }
}

/// <summary>The feeds Insights consumes, named as in configuration <c>Services:*</c>.</summary>
public static class Sources
{
    public const string Intake = "Intake";
    public const string Routing = "Routing";
    public const string Notifications = "Notifications";
}
