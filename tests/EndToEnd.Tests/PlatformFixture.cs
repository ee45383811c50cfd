using System.Net.Http.Headers;
using Complaints.Launcher;
using Complaints.TestSupport;

namespace Complaints.EndToEnd.Tests;

/// <summary>
/// The whole platform as real processes on free loopback ports, once for the collection, exporting
/// traces, metrics and logs to an in-test OTLP receiver.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    public const string BuildConfiguration =
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    private readonly TempFolder _data = new("complaints-e2e");

    public OtlpReceiver Otlp { get; private set; } = null!;

    public PlatformProcesses Platform { get; private set; } = null!;

    public HttpClient Rest { get; private set; } = null!;

    /// <summary>The complainant portal, served by the web app through the gateway at <c>/</c>.</summary>
    public Uri Portal => Platform.GatewayRestUrl;

    /// <summary>Staff and service tokens from the platform's identity provider.</summary>
    public PlatformTokens Tokens { get; private set; } = null!;

    public string DataDirectory => _data.Path;

    public async Task InitializeAsync()
    {
        Otlp = await OtlpReceiver.StartAsync();
        Platform = Start(_data.Path, Otlp, null);
        await Platform.StartAsync();
        Rest = new HttpClient { BaseAddress = Platform.GatewayRestUrl };
        Tokens = new PlatformTokens(Platform);
    }

    /// <summary>Platform options for a test run: free ports or a given layout, quick telemetry export.</summary>
    public static PlatformProcesses Start(string dataDirectory, OtlpReceiver? otlp, Action<PlatformOptions>? configure)
    {
        var options = new PlatformOptions
        {
            UseFreePorts = true,
            DataDirectory = dataDirectory,
            Configuration = BuildConfiguration,
            EchoToConsole = false,
            ReadyTimeout = TimeSpan.FromSeconds(90),
            CliCallbackPort = TestKeys.FreePort(),
        };
        if (otlp is not null)
        {
            options.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp.Endpoint;
            options.Environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
            options.Environment["OTEL_BSP_SCHEDULE_DELAY"] = "200";
            options.Environment["OTEL_BLRP_SCHEDULE_DELAY"] = "200";
            options.Environment["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
        }
        // Every test submits and follows from 127.0.0.1: the per-client budgets (tested in Gateway.Tests) would refuse them.
        options.Environment["RateLimiting__Submit__PermitsPerMinute"] = "100000";
        options.Environment["RateLimiting__Follow__PermitsPerMinute"] = "100000";
        options.Environment["RateLimiting__SignIn__PermitsPerMinute"] = "100000";
        // Every console request renews the staff member's access token (15 minutes): the refresh path, and its one
        // renewal at a time per session, run under every console test rather than only after a quarter of an hour.
        options.Environment["Console__RefreshBefore"] = "00:15:00";
        PlatformTokens.Register(options);
        configure?.Invoke(options);
        return new PlatformProcesses(options);
    }

    /// <summary>The request with a signed-in staff member's token (one account per set of roles).</summary>
    public async Task<HttpRequestMessage> BearerAsync(HttpRequestMessage request, params string[] roles)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await Tokens.StaffAsync("e2e-" + string.Join('-', roles), roles));
        return request;
    }

    public async Task DisposeAsync()
    {
        Rest?.Dispose();
        if (Platform is not null)
        {
            await Platform.DisposeAsync();
        }
        if (Otlp is not null)
        {
            await Otlp.DisposeAsync();
        }
        _data.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}
