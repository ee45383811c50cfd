using Complaints.Eventing;
using Complaints.Insights.Data;
using Complaints.Insights.Domain;
using Complaints.Insights.Grpc;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Clients;
using Complaints.ServiceDefaults.Data;

namespace Complaints.Insights;

public static class InsightsExtensions
{
    public static WebApplicationBuilder AddInsights(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor, SqliteSecureDelete>();
        builder.AddServiceDatabase<InsightsDbContext, SqliteInsightsDbContext, SqlServerInsightsDbContext>("insights");
        builder.Services.Configure<InsightsOptions>(builder.Configuration.GetSection("Insights"));
        builder.Services.Configure<DetectorOptions>(builder.Configuration.GetSection("Insights:Detector"));
        // Before the subscriptions: a rebuild resets the checkpoints they start from.
        builder.Services.AddHostedService<RebuildOnStart>();
        builder.AddEventLog();
        foreach (var source in new[] { Sources.Intake, Sources.Routing, Sources.Notifications })
        {
            builder.AddEventSubscription<InsightsDbContext>(source);
        }
        builder.AddEventHandler<InsightsDbContext, CountReceived>();
        builder.AddEventHandler<InsightsDbContext, CountOpened>();
        builder.AddEventHandler<InsightsDbContext, CountAcknowledged>();
        builder.AddEventHandler<InsightsDbContext, CountDelivered>();
        // Facts first: the term counter and the survey read what they wrote in the same transaction.
        builder.AddEventHandler<InsightsDbContext, FactReceived>();
        builder.AddEventHandler<InsightsDbContext, CountComplaintTerms>();
        builder.AddEventHandler<InsightsDbContext, ForgetComplainant>();
        builder.AddEventHandler<InsightsDbContext, FactOpened>();
        builder.AddEventHandler<InsightsDbContext, FactAssigned>();
        builder.AddEventHandler<InsightsDbContext, FactAcknowledged>();
        builder.AddEventHandler<InsightsDbContext, FactEscalated>();
        builder.AddEventHandler<InsightsDbContext, FactReopened>();
        builder.AddEventHandler<InsightsDbContext, FactFinalResponse>();
        builder.AddEventHandler<InsightsDbContext, FactClosed>();
        builder.AddEventHandler<InsightsDbContext, WithdrawSurveyOfWithdrawnComplaint>();
        builder.Services.AddInternalGrpcClient<ComplaintTextService.ComplaintTextServiceClient>(Sources.Intake);
        builder.Services.AddScoped<IComplaintTextSource, IntakeComplaintTexts>();
        builder.Services.AddSingleton<Detector>();
        builder.Services.AddSingleton<Surveys>();
        builder.Services.AddSingleton<InsightsKeys>();
        builder.Services.AddSingleton<SuggestionCodes>();
        builder.Services.AddHostedService<InsightsStartupCheck>();
        builder.Services.AddSingleton<TermLinks>();
        builder.Services.AddSingleton(sp => FcaCalendar.From(sp.GetRequiredService<IConfiguration>()));
        builder.Services.AddScoped<Suggestions>();
        builder.Services.AddScoped<CountQueries>();
        builder.Services.AddScoped<MetricQueries>();
        builder.Services.AddScoped<SeriesQueries>();
        builder.Services.AddScoped<TermQueries>();
        builder.Services.AddScoped<Returns>();
        return builder;
    }

    public static WebApplication MapInsights(this WebApplication app)
    {
        app.MapGrpcService<InsightsGrpcService>();
        app.MapGrpcService<SurveyGrpcService>();
        app.MapGrpcService<SurveyLinkGrpcService>();
        app.MapGrpcService<SuggestionGrpcService>();
        app.MapEventFeed<InsightsDbContext>();
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
