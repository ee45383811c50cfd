using Complaints.Eventing;
using Complaints.Intake.Data;
using Complaints.Intake.Domain;
using Complaints.Intake.Grpc;
using Complaints.Intake.Security;
using Complaints.Notifications.V1;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Auth;
using Complaints.ServiceDefaults.Clients;
using Complaints.ServiceDefaults.Data;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Intake;

public static class IntakeExtensions
{
    public static WebApplicationBuilder AddIntake(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<IntakeOptions>().Bind(builder.Configuration.GetSection("Intake"))
            .Validate(o => o.RetentionPeriod >= IntakeOptions.MinimumRetention,
                "Intake:RetentionPeriod must be at least 3 years (1095.75 days), the FCA minimum for complaint records.")
            .ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<IntakeOptions>, IntakeOptionsCheck>();
        // Contact data goes only to the services that deliver messages, complaint text only to those that triage or
        // count it: not to any service token.
        builder.Services.AddAuthorizationBuilder()
            .AddServiceReaders(ContactGrpcService.Policy, builder.Configuration, "Intake:ContactReaders", ["notifications"])
            .AddServiceReaders(ComplaintTextGrpcService.Policy, builder.Configuration, "Intake:ComplaintTextReaders", ["routing", "insights"]);
        // One complaint is far below this (20,000 characters of text); larger bodies are refused whole
        // (ResourceExhausted) before anything is parsed. Attachments travel in chunks.
        builder.Services.Configure<global::Grpc.AspNetCore.Server.GrpcServiceOptions>(o => o.MaxReceiveMessageSize = IntakeOptions.MaxMessageBytes);
        builder.AddServiceDatabase<IntakeDbContext, SqliteIntakeDbContext, SqlServerIntakeDbContext>("intake");
        builder.AddEventLog();

        builder.Services.AddSingleton(sp => KeyMaterial.From(sp.GetRequiredService<IConfiguration>()));
        builder.Services.AddSingleton<TrackingTokens>();
        builder.Services.AddSingleton<FieldProtector>();
        builder.Services.AddSingleton<BlindIndex>();
        builder.Services.AddScoped<IntakeAccess>();
        builder.Services.AddScoped<StaffAccess>();
        builder.Services.AddScoped<AccessAuditLog>();
        builder.Services.AddScoped<ComplaintMerge>();
        builder.Services.AddScoped<DataRights>();
        builder.Services.AddScoped<ContactCorrection>();
        builder.Services.AddScoped<Attachments>();
        builder.Services.AddSingleton<IAttachmentStore>(sp =>
            string.Equals(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<IntakeOptions>>().Value.AttachmentStore, "File", StringComparison.OrdinalIgnoreCase)
                ? new FileAttachmentStore(Path.Combine(sp.GetRequiredService<IConfiguration>().DataDirectory(), "attachments"))
                : new DatabaseAttachmentStore());
        builder.Services.AddScoped<RetentionPurge>();
        builder.Services.AddHostedService<RetentionWorker>();
        builder.Services.AddSingleton<ReferenceGenerator>();
        builder.Services.AddSingleton(sp => Taxonomy.Load(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<IntakeOptions>>().Value.Taxonomy));
        builder.Services.AddSingleton<TaxonomyCatalog>();
        builder.Services.AddScoped<ComplaintSubmission>();
        builder.Services.AddScoped<ComplaintTracking>();
        builder.Services.AddScoped<PartnerComplaints>();
        builder.Services.AddSingleton<ComplaintImport>();
        builder.Services.AddScoped<ContactLookup>();
        builder.Services.AddScoped<ComplainantActions>();
        builder.Services.AddScoped<TrackingAccess>();
        builder.Services.AddScoped<SuggestionContacts>();

        builder.Services.AddInternalGrpcClient<CaseViewService.CaseViewServiceClient>("Routing");
        builder.Services.AddInternalGrpcClient<ComplainantActionService.ComplainantActionServiceClient>("Routing");
        // Routing's feed: the assigned handler (contact access) and closing dates (retention).
        builder.AddEventSubscription<IntakeDbContext>(Sources.Routing);
        builder.AddEventHandler<IntakeDbContext, RecordAssignedHandler>();
        builder.AddEventHandler<IntakeDbContext, RecordQueueSupervisors>();
        builder.AddEventHandler<IntakeDbContext, RecordCaseClosed>();
        builder.AddEventHandler<IntakeDbContext, ClearClosedOnReopen>();
        builder.Services.AddInternalGrpcClient<MessageHistoryService.MessageHistoryServiceClient>("Notifications");
        // Notifications' feed: a delivered tracking access message discards the token it carried, a delivered suggestion
        // response message the address it went to.
        builder.AddEventSubscription<IntakeDbContext>(Sources.Notifications);
        builder.AddEventHandler<IntakeDbContext, DiscardDeliveredTrackingToken>();
        builder.AddEventHandler<IntakeDbContext, ForgetDeliveredSuggestionContact>();
        return builder;
    }

    /// <summary>
    /// A policy for service tokens whose subject is listed in <paramref name="key"/> (read at each call, so a change
    /// of configuration applies without a restart); <paramref name="defaults"/> when the key is unset.
    /// </summary>
    private static AuthorizationBuilder AddServiceReaders(this AuthorizationBuilder authorization, string policy,
        IConfiguration configuration, string key, string[] defaults) =>
        authorization.AddPolicy(policy, p => p
            .RequireRole(Roles.Service)
            .RequireAssertion(ctx => ctx.User.FindFirst("sub")?.Value is { } subject
                && (configuration.GetSection(key).Get<string[]>() ?? defaults).Contains(subject, StringComparer.Ordinal)));

    public static WebApplication MapIntake(this WebApplication app)
    {
        app.UseRestBodyLimit(IntakeOptions.MaxMessageBytes);
        app.MapGrpcService<IntakeGrpcService>();
        app.MapGrpcService<ContactGrpcService>();
        app.MapGrpcService<ComplaintTextGrpcService>();
        app.MapGrpcService<ImportGrpcService>();
        app.MapGrpcService<PartnerComplaintGrpcService>();
        app.MapGrpcService<StaffIntakeGrpcService>();
        app.MapGrpcService<DataRightsGrpcService>();
        app.MapGrpcService<AttachmentGrpcService>();
        app.MapEventFeed<IntakeDbContext>();
        return app;
    }
}
