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
        builder.AddServiceDatabase<RoutingDbContext, SqliteRoutingDbContext, SqlServerRoutingDbContext>("routing");
        builder.AddEventLog();
        builder.AddEventSubscription<RoutingDbContext>(Sources.Intake);
        builder.AddEventSubscription<RoutingDbContext>(Sources.Notifications);
        builder.AddEventSubscription<RoutingDbContext>(Sources.Insights);
        // Optional while Kubernetes runs no Identity: without Services:Identity, a warning at start and no account events.
        builder.AddEventSubscription<RoutingDbContext>(Sources.Identity, optional: true);
        builder.AddEventHandler<RoutingDbContext, OpenCaseOnComplaintReceived>();
        builder.AddEventHandler<RoutingDbContext, AcknowledgeOnNotificationDelivered>();
        builder.AddEventHandler<RoutingDbContext, DestroyCaseKeyOnComplainantErased>();
        builder.AddEventHandler<RoutingDbContext, FlagForReviewOnSurveyNotResolved>();
        builder.AddEventHandler<RoutingDbContext, CloseCaseOnComplaintMerged>();
        builder.AddEventHandler<RoutingDbContext, DeactivateAgentOnAccountDisabled>();
        builder.AddEventHandler<RoutingDbContext, ReactivateAgentOnAccountEnabled>();
        builder.Services.AddSingleton(sp => CaseText.From(sp.GetRequiredService<IConfiguration>()));
        builder.Services.AddSingleton<CaseJournal>();
        builder.AddCaseClocks();
        builder.AddCaseDirectory();
        builder.Services.AddScoped<CaseQueries>();
        builder.Services.AddScoped<CaseWork>();
        builder.Services.AddScoped<ComplainantActions>();
        builder.Services.Configure<ResolutionOptions>(builder.Configuration.GetSection("Routing:Resolution"));
        builder.Services.AddSingleton(sp => FinalResponsePolicy.Load(
            sp.GetRequiredService<IConfiguration>()["Routing:FinalResponsePolicyPath"] ?? Path.Combine(AppContext.BaseDirectory, "Policies", "final-response.json")));
        builder.AddCaseWatch();
        return builder;
    }

    public static WebApplication MapRouting(this WebApplication app)
    {
        app.MapGrpcService<CaseViewGrpcService>();
        app.MapGrpcService<CaseGrpcService>();
        app.MapGrpcService<CaseWorkGrpcService>();
        app.MapGrpcService<ComplainantActionGrpcService>();
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
    public const string Insights = "Insights";
    public const string Identity = "Identity";
}
