using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Clients;

namespace Complaints.Routing.Directory;

public static class DirectoryExtensions
{
    /// <summary>Triage, routing, the directory, confidential visibility and the case list.</summary>
    public static WebApplicationBuilder AddCaseDirectory(this WebApplicationBuilder builder)
    {
        // The policy path is read when first needed, so test hosts' late configuration applies; checked at start.
        builder.Services.AddSingleton(sp => Triage.Load(TriagePolicyPath(sp.GetRequiredService<IConfiguration>())));
        builder.Services.AddHostedService<TriagePolicyCheck>();
        builder.Services.AddSingleton<CaseRouter>();
        builder.Services.AddScoped<StaffDirectory>();
        builder.Services.AddScoped<CaseListQuery>();
        builder.Services.AddScoped<CaseAccess>();
        builder.Services.AddInternalGrpcClient<ComplaintTextService.ComplaintTextServiceClient>("Intake");
        builder.Services.AddSingleton<IComplaintTextSource, GrpcComplaintTextSource>();
        return builder;
    }

    public static WebApplication MapCaseDirectory(this WebApplication app)
    {
        app.MapGrpcService<DirectoryGrpcService>();
        app.MapGrpcService<StaffContactGrpcService>();
        return app;
    }

    public static string TriagePolicyPath(IConfiguration configuration) =>
        configuration["Routing:TriagePolicyPath"] is { Length: > 0 } path ? path : Path.Combine(AppContext.BaseDirectory, "Policies", "triage.json");

    /// <summary>A bad triage file stops the service at start, naming the field, rather than failing the first case.</summary>
    private sealed class TriagePolicyCheck(Triage triage, ILogger<TriagePolicyCheck> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            logger.LogInformation("Triage policy loaded: {Groups} keyword groups", triage.Policy.KeywordGroups.Count);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
