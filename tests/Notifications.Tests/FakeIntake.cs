using System.Collections.Concurrent;
using System.Net;
using Complaints.Intake.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.Notifications.Tests;

/// <summary>What the stand-in Intake answers, per complaint id, and what it was asked.</summary>
public sealed class ContactBook
{
    private readonly ConcurrentDictionary<string, GetContactForDeliveryResponse> _contacts = new();
    private readonly ConcurrentDictionary<string, bool> _down = new();

    public ConcurrentQueue<(string ComplaintId, string? Authorization)> Calls { get; } = new();

    public void Add(Guid complaintId, GetContactForDeliveryResponse contact) => _contacts[complaintId.ToString()] = contact;

    /// <summary>Calls for this complaint fail with Unavailable, as if Intake were down.</summary>
    public void FailWithUnavailable(Guid complaintId) => _down[complaintId.ToString()] = true;

    public GetContactForDeliveryResponse Answer(string complaintId, string? authorization)
    {
        Calls.Enqueue((complaintId, authorization));
        if (_down.ContainsKey(complaintId))
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "Intake is down (test)."));
        }
        return _contacts.TryGetValue(complaintId, out var contact)
            ? contact
            : throw new RpcException(new Status(StatusCode.NotFound, "No such complaint (test)."));
    }
}

/// <summary>A test implementation of Intake's ContactService.</summary>
public sealed class FakeContactService(ContactBook book) : ContactService.ContactServiceBase
{
    public override Task<GetContactForDeliveryResponse> GetContactForDelivery(GetContactForDeliveryRequest request, ServerCallContext context) =>
        Task.FromResult(book.Answer(request.ComplaintId, context.RequestHeaders.GetValue("authorization")));
}

/// <summary>
/// A real gRPC server (Kestrel, h2c on a loopback port the OS picks) serving <see cref="FakeContactService"/>.
/// Built from an empty builder so the copied appsettings.json of Notifications (and its ports) is not read.
/// </summary>
public sealed class FakeIntakeServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeIntakeServer(WebApplication app, ContactBook book, string address)
    {
        _app = app;
        Book = book;
        Address = address;
    }

    public ContactBook Book { get; }

    public string Address { get; }

    public static async Task<FakeIntakeServer> StartAsync()
    {
        var book = new ContactBook();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o =>
            o.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddLogging();
        builder.Services.AddRouting();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(book);
        var app = builder.Build();
        app.MapGrpcService<FakeContactService>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new FakeIntakeServer(app, book, address);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
