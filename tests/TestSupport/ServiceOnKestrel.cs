using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.TestSupport;

/// <summary>
/// A service's own Program on Kestrel, its gRPC (h2c) and HTTP listeners on reserved loopback ports: for a peer that
/// another in-process service reaches over a real socket (its feed, its API). <c>services</c> adds to or replaces the
/// service's registrations (a log capture, say) before it starts.
/// </summary>
public sealed class ServiceOnKestrel<TEntryPoint> : ServiceFactory<TEntryPoint> where TEntryPoint : class
{
    private readonly Action<IServiceCollection>? _services;

    public ServiceOnKestrel(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
        : this($"http://127.0.0.1:{TestKeys.FreePort()}", settings, services)
    {
    }

    /// <summary>On a gRPC address chosen beforehand (<c>http://127.0.0.1:{TestKeys.FreePort()}</c>), for two services that each need the other's address.</summary>
    public ServiceOnKestrel(string grpcAddress, IDictionary<string, string?>? settings, Action<IServiceCollection>? services) : base(new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
    {
        ["Kestrel:Endpoints:Grpc:Url"] = grpcAddress,
        ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{TestKeys.FreePort()}",
    })
    {
        _services = services;
        GrpcAddress = grpcAddress;
        UseKestrel();
        StartServer();
    }

    public string GrpcAddress { get; }

    /// <summary>A channel over the socket (the test server's in-memory handler is not there with Kestrel).</summary>
    public GrpcChannel SocketChannel(string token) => GrpcChannel.ForAddress(GrpcAddress, new GrpcChannelOptions
    {
        Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("Authorization", "Bearer " + token);
            return Task.CompletedTask;
        })),
        UnsafeUseInsecureChannelCallCredentials = true,
    });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }
}
