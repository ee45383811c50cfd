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
                })
                .AddGrpcClientInstrumentation()
                .AddHttpClientInstrumentation())
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
}
