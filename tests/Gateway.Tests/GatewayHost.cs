using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace Complaints.Gateway.Tests;

/// <summary>
/// The gateway's own Program on a real Kestrel, both listeners on free loopback ports (the rate limiter only limits
/// connections accepted on the REST listener). Its clusters point at a dead address unless a test gives one of them a
/// <see cref="StubUpstream"/> (<c>Services:Web</c>, ...): a request the gateway lets through then gets 502 (or the
/// unavailable page, 503), one it refuses 429.
/// </summary>
public sealed class GatewayHost : WebApplicationFactory<GatewayMarker>
{
    private readonly Dictionary<string, string?> _settings;

    public GatewayHost(Dictionary<string, string?> settings)
    {
        RestPort = TestKeys.FreePort();
        GrpcPort = TestKeys.FreePort();
        _settings = new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Rest:Url"] = $"http://127.0.0.1:{RestPort}",
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{GrpcPort}",
            ["Services:Intake"] = TestKeys.DeadAddress(),
            ["Services:Routing"] = TestKeys.DeadAddress(),
            ["Services:Notifications"] = TestKeys.DeadAddress(),
            ["Services:Insights"] = TestKeys.DeadAddress(),
            ["Services:Identity"] = TestKeys.DeadAddress(),
            ["Services:Web"] = TestKeys.DeadAddress(),
            // One window for the whole test: no budget is replenished while it runs.
            ["RateLimiting:Window"] = "01:00:00",
        };
        foreach (var (key, value) in settings)
        {
            _settings[key] = value;
        }
        UseKestrel();
        StartServer();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{RestPort}") };
    }

    public int RestPort { get; }

    /// <summary>The h2c listener (gRPC through the ingress's grpc host).</summary>
    public int GrpcPort { get; }

    /// <summary>A client of the REST listener over a real socket from 127.0.0.1.</summary>
    public HttpClient Http { get; }

    /// <summary>GET / (the web app's home page) as if a proxy had forwarded it for <paramref name="forwardedFor"/>.</summary>
    public async Task<System.Net.HttpStatusCode> GetAsync(string? forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        if (forwardedFor is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        }
        using var response = await Http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary><paramref name="method"/> <paramref name="path"/> (a form post for POST) as if forwarded for <paramref name="forwardedFor"/>.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? forwardedFor)
    {
        using var request = new HttpRequestMessage(method, path);
        if (method == HttpMethod.Post)
        {
            request.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["StaffId"] = "x", ["Password"] = "y" });
        }
        if (forwardedFor is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        }
        return await Http.SendAsync(request);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(_settings));
        // Program reads ConnectionStrings:Redis (AddOptionalRedis) and Services:* (AddGatewayProxy, the clusters'
        // addresses) from the builder's configuration, before the callback above is applied; a host setting is there
        // from the start.
        foreach (var (key, value) in _settings.Where(s => s.Key == "ConnectionStrings:Redis" || s.Key.StartsWith("Services:", StringComparison.Ordinal)))
        {
            builder.UseSetting(key, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Http.Dispose();
        }
        base.Dispose(disposing);
    }
}
