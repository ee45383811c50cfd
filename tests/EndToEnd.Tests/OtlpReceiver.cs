using System.Collections.Concurrent;
using Complaints.EndToEnd.Tests.Otlp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Complaints.EndToEnd.Tests;

/// <summary>A tiny OTLP/HTTP (protobuf) receiver: keeps every span, and the raw bytes of every export for privacy checks.</summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Service, Span Span)> _spans = new();
    private readonly ConcurrentQueue<(string Signal, byte[] Body)> _exports = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    public string Endpoint { get; private set; } = "";

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        // The test output holds a service's appsettings.json (copied with the project references): its Kestrel
        // endpoints (the gateway's 8080/8081) are not the receiver's, which listens on a free port only.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http1AndHttp2));
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            receiver._exports.Enqueue((signal, body));
            if (signal == "traces")
            {
                foreach (var resourceSpans in ExportTraceServiceRequest.Parser.ParseFrom(body).ResourceSpans)
                {
                    var service = resourceSpans.Resource?.Attributes.FirstOrDefault(a => a.Key == "service.name")?.Value?.StringValue ?? "";
                    foreach (var span in resourceSpans.ScopeSpans.SelectMany(s => s.Spans))
                    {
                        receiver._spans.Enqueue((service, span));
                    }
                }
            }
            return Results.Ok();
        });
        await app.StartAsync();
        receiver.Endpoint = app.Urls.First();
        return receiver;
    }

    public IReadOnlyList<(string Service, Span Span)> Spans => _spans.ToArray();

    public IReadOnlyList<(string Signal, byte[] Body)> Exports => _exports.ToArray();

    public IReadOnlyList<(string Service, Span Span)> SpansOfTrace(string traceIdHex) =>
        Spans.Where(s => Convert.ToHexStringLower(s.Span.TraceId.Span) == traceIdHex).ToList();

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
