using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace Complaints.TestSupport;

/// <summary>
/// One service in-process on the test server, with its own temp data folder and keys, trusting the test issuer. gRPC calls go
/// through the in-memory handler; REST calls through <see cref="WebApplicationFactory{T}.CreateClient()"/>.
/// </summary>
public class ServiceFactory<TEntryPoint> : WebApplicationFactory<TEntryPoint> where TEntryPoint : class
{
    private readonly Dictionary<string, string?> _settings;

    /// <param name="testIssuer">False for a host that must start as in Production, where the test issuer is refused.</param>
    public ServiceFactory(IDictionary<string, string?>? settings = null, bool testIssuer = true)
    {
        Data = new TempFolder();
        _settings = new Dictionary<string, string?>(testIssuer ? TestIssuer.Shared.Settings() : [])
        {
            ["DataDir"] = Data.Path,
            ["Intake:MasterKey"] = TestKeys.NewKey(),
            ["Intake:TrackingKey"] = TestKeys.NewKey(),
            ["Routing:MasterKey"] = TestKeys.NewKey(),
            ["Services:Intake"] = TestKeys.DeadAddress(),
            ["Services:Routing"] = TestKeys.DeadAddress(),
            ["Services:Notifications"] = TestKeys.DeadAddress(),
            ["Services:Insights"] = TestKeys.DeadAddress(),
            ["Services:Identity"] = TestKeys.DeadAddress(),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public TempFolder Data { get; }

    /// <summary>A token from the test issuer, which this host trusts.</summary>
    public string Token(string subject, params string[] roles) => TestIssuer.Shared.Token(subject, roles);

    /// <summary>A gRPC channel to the in-process server, optionally with a bearer token on every call.</summary>
    public GrpcChannel Channel(string? token = null)
    {
        var options = new GrpcChannelOptions { HttpHandler = Server.CreateHandler() };
        if (token is not null)
        {
            options.Credentials = Grpc.Core.ChannelCredentials.Create(
                Grpc.Core.ChannelCredentials.Insecure,
                Grpc.Core.CallCredentials.FromInterceptor((_, metadata) =>
                {
                    metadata.Add("Authorization", "Bearer " + token);
                    return Task.CompletedTask;
                }));
            options.UnsafeUseInsecureChannelCallCredentials = true;
        }
        return GrpcChannel.ForAddress(Server.BaseAddress, options);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(_settings));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Data.Dispose();
        }
    }
}
