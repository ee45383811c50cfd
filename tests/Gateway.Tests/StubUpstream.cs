using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Complaints.Gateway.Tests;

/// <summary>What the stub saw of one request.</summary>
public sealed record SeenRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, long BodyBytes);

/// <summary>
/// A stand-in for a process behind the gateway (the web app): a real Kestrel on a free loopback port, HTTP/1.1, no
/// body limit of its own. It reads each request's body to the end, records what it saw and answers 200 with
/// <c>upstream</c>, plus whatever <paramref name="respond"/> adds (headers, another status) before the body is written.
/// </summary>
public sealed class StubUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StubUpstream(WebApplication app, string address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The address for <c>Services:*</c>, e.g. <c>http://127.0.0.1:5116</c>.</summary>
    public string Address { get; }

    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    public static async Task<StubUpstream> StartAsync(Action<HttpContext>? respond = null)
    {
        var port = TestKeys.FreePort();
        // An empty builder: the gateway's appsettings.json in the test output (its Kestrel endpoints) is not read.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            k.Listen(IPAddress.Loopback, port, o => o.Protocols = HttpProtocols.Http1);
        });
        var app = builder.Build();
        var stub = new StubUpstream(app, $"http://127.0.0.1:{port}");
        app.Run(async context =>
        {
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                total += read;
            }
            stub.Requests.Enqueue(new SeenRequest(
                context.Request.Method,
                context.Request.Path.Value ?? "",
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                total));
            context.Response.ContentType = "text/plain";
            respond?.Invoke(context);
            await context.Response.WriteAsync("upstream", context.RequestAborted);
        });
        await app.StartAsync();
        return stub;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
