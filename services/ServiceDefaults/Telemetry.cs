using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Complaints.ServiceDefaults;

public static class Telemetry
{
    /// <summary>Every ActivitySource and Meter of the platform is named "Complaints.*".</summary>
    public const string SourcePrefix = "Complaints.";

    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder, string serviceName)
    {
        var name = builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } fromEnv ? fromEnv : serviceName;
        builder.Logging.AddOpenTelemetry(o =>
        {
            o.IncludeFormattedMessage = true;
            o.IncludeScopes = true;
        });

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(name))
            .WithTracing(t => t
                .AddSource(SourcePrefix + "*")
                .AddAspNetCoreInstrumentation(o =>
                {
                    // Probes would drown the traces.
                    o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/health")
                        && !ctx.Request.Path.StartsWithSegments("/grpc.health.v1.Health");
                    o.EnrichWithHttpRequest = (activity, request) => RedactSecretPath(activity, request.Path.Value);
                })
                .AddGrpcClientInstrumentation()
                .AddHttpClientInstrumentation(o =>
                    o.EnrichWithHttpRequestMessage = (activity, request) => RedactSecretPath(activity, request.RequestUri?.AbsolutePath)))
            .WithMetrics(m => m
                .AddMeter(SourcePrefix + "*")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation());

        // The standard OTEL_EXPORTER_OTLP_* variables configure the exporter.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>Starts an activity whose parent is a W3C traceparent carried in an event or record.</summary>
    public static Activity? StartLinkedActivity(this ActivitySource source, string name, ActivityKind kind, string? traceParent, string? traceState)
    {
        if (!string.IsNullOrEmpty(traceParent) && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var parent))
        {
            return source.StartActivity(name, kind, parent);
        }
        return source.StartActivity(name, kind);
    }

    /// <summary>
    /// Paths whose last segment is a bearer secret (a survey's single-use token: the API's path, and the portal's page the
    /// survey link opens): never in a span.
    /// </summary>
    private static readonly string[] SecretPathPrefixes = ["/api/v1/surveys/", "/surveys/"];

    public static void RedactSecretPath(System.Diagnostics.Activity activity, string? path)
    {
        if (path is null || SecretPathPrefixes.FirstOrDefault(p => path.StartsWith(p, StringComparison.OrdinalIgnoreCase)) is not { } prefix)
        {
            return;
        }
        var redacted = prefix + "{token}";
        activity.SetTag("url.path", redacted);
        if (activity.GetTagItem("url.full") is string full)
        {
            activity.SetTag("url.full", full[..full.IndexOf(prefix, StringComparison.OrdinalIgnoreCase)] + redacted);
        }
        activity.DisplayName = activity.DisplayName.Replace(path, redacted, StringComparison.OrdinalIgnoreCase);
    }
}
