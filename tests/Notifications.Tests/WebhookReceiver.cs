using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.Notifications.Tests;

public sealed record ReceivedWebhook(string Path, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// A partner CRM's endpoint: a real Kestrel server on a fixed loopback port, so it can be stopped and started
/// again (an outage). Each path answers with the status set for it (200 by default) and records what came.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private WebApplication? _app;

    private WebhookReceiver(int port) => Port = port;

    public int Port { get; }

    public string Url(string path) => $"http://127.0.0.1:{Port}/{path}";

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    /// <summary>The status a path answers with; absent: 200.</summary>
    public ConcurrentDictionary<string, HttpStatusCode> Answers { get; } = new();

    /// <summary>Answer 503 to the next n requests of a path, then as usual.</summary>
    public void FailNext(string path, int n) => _failuresLeft["/" + path] = n;

    private readonly ConcurrentDictionary<string, int> _failuresLeft = new();

    public static async Task<WebhookReceiver> StartNewAsync()
    {
        var receiver = new WebhookReceiver(TestKeys.FreePort());
        await receiver.StartAsync();
        return receiver;
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o => o.Listen(IPAddress.Loopback, Port));
        builder.Services.AddRouting();
        var app = builder.Build();
        app.MapPost("/{**path}", async (HttpContext http, string path) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            var status = Answers.GetValueOrDefault("/" + path, HttpStatusCode.OK);
            lock (_failuresLeft)
            {
                if (_failuresLeft.TryGetValue("/" + path, out var left) && left > 0)
                {
                    _failuresLeft["/" + path] = left - 1;
                    status = HttpStatusCode.ServiceUnavailable;
                }
            }
            if (status == HttpStatusCode.OK)
            {
                Received.Enqueue(new ReceivedWebhook("/" + path, http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body));
            }
            return Results.StatusCode((int)status);
        });
        await app.StartAsync();
        _app = app;
    }

    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public IReadOnlyList<ReceivedWebhook> At(string path) => Received.Where(r => r.Path == "/" + path).ToList();

    public ValueTask DisposeAsync() => new(StopAsync());
}
