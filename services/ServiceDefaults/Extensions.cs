using Complaints.ServiceDefaults.Auth;
using Complaints.ServiceDefaults.Data;
using Complaints.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Complaints.ServiceDefaults;

public static class Extensions
{
    public const string LiveTag = "live";
    public const string ReadyTag = "ready";

    /// <summary>Telemetry, health, gRPC with the error interceptor and JSON transcoding, auth, optional Redis.</summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string serviceName)
    {
        builder.Services.AddSingleton(new ServiceIdentity(serviceName));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddTelemetry(serviceName);

        builder.Services.AddGrpc(o =>
        {
            o.Interceptors.Add<ErrorMappingInterceptor>();
            o.EnableDetailedErrors = false;
        }).AddJsonTranscoding(o =>
        {
            // Error details (google.rpc.BadRequest) are written into REST error bodies.
            o.TypeRegistry = Google.Protobuf.Reflection.TypeRegistry.FromMessages(
                Google.Rpc.BadRequest.Descriptor, Google.Rpc.ErrorInfo.Descriptor);
        });
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);

        builder.AddPlatformAuth();
        builder.AddOptionalRedis();
        return builder;
    }

    /// <summary>gRPC-Web, auth, health (HTTP and gRPC, every environment) and reflection.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
        app.UseAuthentication();
        app.UseAuthorization();

        // Probes and API discovery answer without a token; everything else falls under the fallback policy.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = r => r.Tags.Contains(LiveTag) }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(LiveTag) || r.Tags.Contains(ReadyTag),
        }).AllowAnonymous();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        app.MapGrpcReflectionService().AllowAnonymous();
        return app;
    }

    /// <summary>
    /// Runs the service; with <c>Database:Migrations=ApplyAndExit</c> applies its migrations and returns without
    /// serving, with exit code 1 (and the error logged) when that fails.
    /// </summary>
    public static void RunService(this WebApplication app)
    {
        if (MigrationMode.From(app.Configuration) != MigrationMode.ApplyAndExit)
        {
            app.Run();
            return;
        }
        // A stop mid-way ends the process: the migration's transaction rolls back and the file lock is released.
        try
        {
            foreach (var migrator in app.Services.GetServices<IDatabaseMigrator>())
            {
                migrator.ApplyAsync(CancellationToken.None).GetAwaiter().GetResult();
            }
        }
        catch (Exception ex)
        {
            app.Logger.LogCritical(ex, "Applying the migrations failed");
            Environment.ExitCode = 1;
        }
        finally
        {
            // Flushes the log and telemetry.
            app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}

/// <summary>The running service's short name ("intake", "routing", ...).</summary>
public sealed record ServiceIdentity(string Name);
