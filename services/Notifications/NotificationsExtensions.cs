using Complaints.Common.V1;
using Complaints.Eventing;
using Complaints.Insights.V1;
using Complaints.Intake.V1;
using Complaints.Notifications.Data;
using Complaints.Notifications.Domain;
using Complaints.Notifications.Grpc;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Clients;
using Complaints.ServiceDefaults.Data;
using Microsoft.Extensions.Options;

namespace Complaints.Notifications;

public static class NotificationsExtensions
{
    public static WebApplicationBuilder AddNotifications(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<NotificationOptions>(builder.Configuration.GetSection("Notifications"));
        services.Configure<SmtpOptions>(builder.Configuration.GetSection("Notifications:Smtp"));
        builder.AddServiceDatabase<NotificationsDbContext, SqliteNotificationsDbContext, SqlServerNotificationsDbContext>("notifications");
        builder.AddEventLog();
        builder.AddEventSubscription<NotificationsDbContext>(Sources.Routing);
        builder.AddEventSubscription<NotificationsDbContext>(Sources.Insights);
        builder.AddEventSubscription<NotificationsDbContext>(Sources.Intake);
        // Partner clients (webhook addresses, disabled partners). Optional, as for Routing: without Services:Identity,
        // a warning at start, and webhooks come from the admin API and configuration alone.
        builder.AddEventSubscription<NotificationsDbContext>(Sources.Identity, optional: true);
        builder.AddEventHandler<NotificationsDbContext, OnCaseOpened>();
        builder.AddEventHandler<NotificationsDbContext, OnCaseAssigned>();
        builder.AddEventHandler<NotificationsDbContext, OnQueueUpdated>();
        builder.AddEventHandler<NotificationsDbContext, OnPublicUpdatePosted>();
        builder.AddEventHandler<NotificationsDbContext, OnInformationRequested>();
        builder.AddEventHandler<NotificationsDbContext, OnStatutoryDeadlineExtended>();
        builder.AddEventHandler<NotificationsDbContext, OnFinalResponseSent>();
        builder.AddEventHandler<NotificationsDbContext, OnCaseClosed>();
        builder.AddEventHandler<NotificationsDbContext, OnCaseReopened>();
        builder.AddEventHandler<NotificationsDbContext, OnComplainantResponded>();
        builder.AddEventHandler<NotificationsDbContext, OnReopenRequested>();
        builder.AddEventHandler<NotificationsDbContext, OnClockWarning>();
        builder.AddEventHandler<NotificationsDbContext, OnClockBreached>();
        builder.AddEventHandler<NotificationsDbContext, OnCaseEscalated>();
        builder.AddEventHandler<NotificationsDbContext, OnSurveyRequested>();
        builder.AddEventHandler<NotificationsDbContext, OnSuggestionResponded>();
        builder.AddEventHandler<NotificationsDbContext, OnComplainantErased>();
        builder.AddEventHandler<NotificationsDbContext, OnTrackingAccessGranted>();
        builder.AddEventHandler<NotificationsDbContext, LinkWebhookOnPartnerRegistered>();
        builder.AddEventHandler<NotificationsDbContext, SetWebhookUrlOnPartnerWebhookChanged>();
        builder.AddEventHandler<NotificationsDbContext, StopWebhookOnPartnerDisabled>();
        builder.AddEventHandler<NotificationsDbContext, ResumeWebhookOnPartnerEnabled>();

        services.AddSingleton<DeliveryWakeup>();
        // Read when first needed, so test hosts' late configuration applies; an organisation's folder overrides.
        services.AddSingleton(sp => TemplateStore.Load(Path.Combine(AppContext.BaseDirectory, "Templates"),
            sp.GetRequiredService<IOptions<NotificationOptions>>().Value.TemplatesFolder));
        services.AddHostedService<TemplateCheck>();
        services.AddSingleton<IMessageChannel>(sp => sp.GetRequiredService<IOptions<SmtpOptions>>().Value.Host.Length > 0
            ? ActivatorUtilities.CreateInstance<SmtpEmailSender>(sp)
            : new FileEmailSink(Path.Combine(sp.GetRequiredService<IConfiguration>().DataDirectory(), "mail"), sp.GetRequiredService<IOptions<NotificationOptions>>()));
        services.AddSingleton<IMessageChannel>(sp => ActivatorUtilities.CreateInstance<LoggingChannel>(sp, DeliveryChannel.Sms));
        services.AddSingleton<IMessageChannel>(sp => ActivatorUtilities.CreateInstance<LoggingChannel>(sp, DeliveryChannel.Push));
        services.AddHttpClient<WebhookSender>(c => c.Timeout = TimeSpan.FromSeconds(15));
        services.AddSingleton<WebhookKeys>();
        services.AddHostedService<WebhookKeyCheck>();
        services.AddSingleton<PartnerWebhooks>();
        services.AddSingleton<LinkTokens>();
        services.AddScoped<Preferences>();
        services.AddScoped<MessageDelivery>();
        services.AddScoped<MessageHistory>();
        services.AddScoped<DeadLetters>();
        services.AddScoped<NotificationsAccess>();
        services.AddHostedService<DeliveryWorker>();
        services.AddInternalGrpcClient<ContactService.ContactServiceClient>("Intake");
        services.AddInternalGrpcClient<CaseViewService.CaseViewServiceClient>("Routing");
        services.AddInternalGrpcClient<StaffContactService.StaffContactServiceClient>("Routing");
        services.AddInternalGrpcClient<SurveyLinkService.SurveyLinkServiceClient>("Insights");
        return builder;
    }

    public static WebApplication MapNotifications(this WebApplication app)
    {
        app.MapGrpcService<MessageHistoryGrpcService>();
        app.MapGrpcService<DeadLetterGrpcService>();
        app.MapGrpcService<PartnerWebhookGrpcService>();
        app.MapGrpcService<PreferenceGrpcService>();
        app.MapPreferenceEndpoints();
        app.MapEventFeed<NotificationsDbContext>();
        return app;
    }
}

/// <summary>Loads the templates at start: a bad template (an organisation's too) stops the service naming the file, not the first send.</summary>
internal sealed class TemplateCheck(TemplateStore templates, ILogger<TemplateCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("{Templates} message templates loaded", templates.Keys.Count());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The feeds Notifications consumes, named as in configuration <c>Services:*</c>.</summary>
public static class Sources
{
    public const string Routing = "Routing";
    public const string Insights = "Insights";
    public const string Intake = "Intake";
    public const string Identity = "Identity";
}
