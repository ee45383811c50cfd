using System.Net;
using Complaints.Intake.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Complaints.Import.Tests;

/// <summary>
/// A stand-in ImportService on a free loopback port (h2c), for testing the CLI's streaming, metadata and report:
/// it counts a source id seen before as a duplicate and rejects what <see cref="Reject"/> says. Not Intake.
/// </summary>
internal sealed class FakeImportServer : IAsyncDisposable
{
    private readonly HashSet<string> _seen = [];
    private WebApplication _app = null!;

    private FakeImportServer()
    {
    }

    public Uri Url { get; private set; } = null!;

    public List<ImportComplaintRequest> Received { get; } = [];

    public List<string?> Authorizations { get; } = [];

    public Func<ImportComplaintRequest, string?> Reject { get; set; } = _ => null;

    public StatusCode? FailWith { get; set; }

    public static async Task<FakeImportServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        var server = new FakeImportServer();
        builder.Services.AddSingleton(server);
        var app = builder.Build();
        server._app = app;
        app.MapGrpcService<Service>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.Url = new Uri(address);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<ImportComplaintsResponse> ImportAsync(IAsyncStreamReader<ImportComplaintRequest> records, ServerCallContext context)
    {
        lock (Authorizations)
        {
            Authorizations.Add(context.RequestHeaders.GetValue("authorization"));
        }
        if (FailWith is { } code)
        {
            throw new RpcException(new Status(code, "refused by the fake"));
        }
        var response = new ImportComplaintsResponse();
        var index = 0;
        await foreach (var record in records.ReadAllAsync(context.CancellationToken))
        {
            lock (Received)
            {
                Received.Add(record);
            }
            if (Reject(record) is { } reason)
            {
                response.Rejected++;
                response.Rejections.Add(new ImportRejection { Index = index, SourceId = record.SourceId, Reason = reason });
            }
            else if (_seen.Add(record.SourceId))
            {
                response.Imported++;
            }
            else
            {
                response.Duplicates++;
            }
            index++;
        }
        return response;
    }

    private sealed class Service(IServiceProvider services) : ImportService.ImportServiceBase
    {
        public override Task<ImportComplaintsResponse> ImportComplaints(IAsyncStreamReader<ImportComplaintRequest> requestStream, ServerCallContext context) =>
            services.GetRequiredService<FakeImportServer>().ImportAsync(requestStream, context);
    }
}
