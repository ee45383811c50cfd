using Complaints.Eventing;
using Complaints.Intake.V1;
using Complaints.Notifications.Data;
using Complaints.Notifications.Domain;
using Complaints.Notifications.Grpc;
using Complaints.ServiceDefaults.Clients;
using Complaints.ServiceDefaults.Data;

namespace Complaints.Notifications;

public static class NotificationsExtensions
{
    public static WebApplicationBuilder AddNotifications(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<NotificationOptions>(builder.Configuration.GetSection("Notifications"));
        builder.AddServiceDatabase<NotificationsDbContext, SqliteNotificationsDbContext, SqlServerNotificationsDbContext>("notifications");
        builder.AddEventLog();
        builder.AddEventSubscription<NotificationsDbContext>(Sources.Routing);
        builder.AddEventHandler<NotificationsDbContext, AcknowledgeOnCaseOpened>();

        builder.Services.AddSingleton<DeliveryWakeup>();
        builder.Services.AddSingleton(sp => TemplateStore.Load(Path.Combine(AppContext.BaseDirectory, "Templates")));
        builder.Services.AddSingleton<IEmailSender>(sp => new FileEmailSink(
            Path.Combine(sp.GetRequiredService<IConfiguration>().DataDirectory(), "mail")));
        builder.Services.AddScoped<MessageDelivery>();
        builder.Services.AddScoped<MessageHistory>();
        builder.Services.AddHostedService<DeliveryWorker>();
        builder.Services.AddInternalGrpcClient<ContactService.ContactServiceClient>("Intake");
        return builder;
    }

    public static WebApplication MapNotifications(this WebApplication app)
    {
        app.MapGrpcService<MessageHistoryGrpcService>();
        app.MapEventFeed<NotificationsDbContext>();
        return app;
    }
}

/// <summary>The feeds Notifications consumes, named as in configuration <c>Services:*</c>.</summary>
public static class Sources
{
    public const string Routing = "Routing";
}
