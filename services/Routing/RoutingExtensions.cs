using Complaints.Eventing;
using Complaints.Routing.Clocks;
using Complaints.Routing.Data;
using Complaints.Routing.Directory;
using Complaints.Routing.Domain;
using Complaints.Routing.Grpc;
using Complaints.ServiceDefaults.Data;

namespace Complaints.Routing;

public static class RoutingExtensions
{
    public static WebApplicationBuilder AddRouting(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<SlaOptions>(builder.Configuration.GetSection("Sla"));
        builder.AddServiceDatabase<RoutingDbContext, SqliteRoutingDbContext, SqlServerRoutingDbContext>("routing");
        builder.AddEventLog();
        builder.AddEventSubscription<RoutingDbContext>(Sources.Intake);
        builder.AddEventSubscription<RoutingDbContext>(Sources.Notifications);
        builder.AddEventHandler<RoutingDbContext, OpenCaseOnComplaintReceived>();
        builder.AddEventHandler<RoutingDbContext, AcknowledgeOnNotificationDelivered>();
        builder.Services.AddSingleton(CaseText.From(builder.Configuration));
        builder.Services.AddSingleton<CaseJournal>();
        builder.Services.AddSingleton<CaseClocks>();
        builder.AddCaseDirectory();
        builder.Services.AddScoped<CaseQueries>();
        return builder;
    }

    public static WebApplication MapRouting(this WebApplication app)
    {
        app.MapGrpcService<CaseViewGrpcService>();
        app.MapGrpcService<CaseGrpcService>();
        app.MapEventFeed<RoutingDbContext>();
        app.MapCaseDirectory();
        return app;
    }
}

/// <summary>The feeds Routing consumes, named as in configuration <c>Services:*</c>.</summary>
public static class Sources
{
    public const string Intake = "Intake";
    public const string Notifications = "Notifications";
}
