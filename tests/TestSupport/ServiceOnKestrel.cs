using Grpc.Core;
using Grpc.Net.Client;

namespace Complaints.TestSupport;

/// <summary>
/// A service's own Program on Kestrel, its gRPC (h2c) and HTTP listeners on reserved loopback ports: for a peer that
/// another in-process service reaches over a real socket (its feed, its API).
/// </summary>
public sealed class ServiceOnKestrel<TEntryPoint> : ServiceFactory<TEntryPoint> where TEntryPoint : class
{
    public ServiceOnKestrel(IDictionary<string, string?>? settings = null) : this($"http://127.0.0.1:{TestKeys.FreePort()}", settings)
    {
    }

    private ServiceOnKestrel(string grpcAddress, IDictionary<string, string?>? settings) : base(new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
    {
        ["Kestrel:Endpoints:Grpc:Url"] = grpcAddress,
        ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{TestKeys.FreePort()}",
    })
    {
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
}
