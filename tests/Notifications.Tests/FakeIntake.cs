using System.Collections.Concurrent;
using System.Net;
using Complaints.Insights.V1;
using Complaints.Intake.V1;
using Complaints.Routing.V1;
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

    /// <summary>Routing's public entries, by (complaint id, entry id); the timeline is their order of adding.</summary>
    public ConcurrentDictionary<(string, long), PublicTimelineEntry> Entries { get; } = new();

    /// <summary>Routing's staff directory: agent id to alert address.</summary>
    public ConcurrentDictionary<string, string> StaffEmails { get; } = new();

    /// <summary>Insights' survey links, by survey id.</summary>
    public ConcurrentDictionary<string, GetSurveyLinkResponse> SurveyLinks { get; } = new();

    /// <summary>Intake's tracking access grants: grant id to the token and address it answers with.</summary>
    public ConcurrentDictionary<string, GetTrackingAccessTokenResponse> TrackingTokens { get; } = new();

    /// <summary>What GetTrackingAccessToken was asked: (complaint id, grant id, message id).</summary>
    public ConcurrentQueue<GetTrackingAccessTokenRequest> TokenRequests { get; } = new();

    public GetTrackingAccessTokenResponse TrackingToken(GetTrackingAccessTokenRequest request)
    {
        TokenRequests.Enqueue(request.Clone());
        return TrackingTokens.TryGetValue(request.GrantId, out var answer)
            ? answer
            : throw new RpcException(new Status(StatusCode.NotFound, "No such grant (test)."));
    }

    /// <summary>Intake's suggestion contacts: contact id to the address it answers with (an unknown id: an empty address).</summary>
    public ConcurrentDictionary<string, GetSuggestionContactForDeliveryResponse> SuggestionContacts { get; } = new();

    /// <summary>What GetSuggestionContactForDelivery was asked: (contact id, message id).</summary>
    public ConcurrentQueue<GetSuggestionContactForDeliveryRequest> SuggestionContactRequests { get; } = new();

    public GetSuggestionContactForDeliveryResponse SuggestionContact(GetSuggestionContactForDeliveryRequest request)
    {
        SuggestionContactRequests.Enqueue(request.Clone());
        return SuggestionContacts.TryGetValue(request.ContactId, out var answer) ? answer : new GetSuggestionContactForDeliveryResponse();
    }

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

    public override Task<GetTrackingAccessTokenResponse> GetTrackingAccessToken(GetTrackingAccessTokenRequest request, ServerCallContext context) =>
        Task.FromResult(book.TrackingToken(request));

    public override Task<GetSuggestionContactForDeliveryResponse> GetSuggestionContactForDelivery(GetSuggestionContactForDeliveryRequest request, ServerCallContext context) =>
        Task.FromResult(book.SuggestionContact(request));
}

public sealed class FakeCaseViewService(ContactBook book) : CaseViewService.CaseViewServiceBase
{
    public override Task<PublicTimelineEntry> GetPublicEntry(GetPublicEntryRequest request, ServerCallContext context) =>
        book.Entries.TryGetValue((request.ComplaintId, request.EntryId), out var entry)
            ? Task.FromResult(entry)
            : throw new RpcException(new Status(StatusCode.NotFound, "No such entry (test)."));

    public override Task<GetPublicCaseViewResponse> GetPublicCaseView(GetPublicCaseViewRequest request, ServerCallContext context)
    {
        var view = new GetPublicCaseViewResponse { ComplaintId = request.ComplaintId };
        view.Timeline.AddRange(book.Entries.Where(e => e.Key.Item1 == request.ComplaintId).OrderBy(e => e.Key.Item2).Select(e => e.Value));
        return Task.FromResult(view);
    }
}

public sealed class FakeStaffContactService(ContactBook book) : StaffContactService.StaffContactServiceBase
{
    public override Task<GetStaffContactResponse> GetStaffContact(GetStaffContactRequest request, ServerCallContext context) =>
        Task.FromResult(new GetStaffContactResponse { Email = book.StaffEmails.GetValueOrDefault(request.AgentId) ?? "" });
}

/// <summary>A fake of Insights' SurveyLinkService (built in parallel by another engineer).</summary>
public sealed class FakeSurveyLinkService(ContactBook book) : SurveyLinkService.SurveyLinkServiceBase
{
    public override Task<GetSurveyLinkResponse> GetSurveyLink(GetSurveyLinkRequest request, ServerCallContext context) =>
        book.SurveyLinks.TryGetValue(request.SurveyId, out var link)
            ? Task.FromResult(link)
            : throw new RpcException(new Status(StatusCode.NotFound, "No such survey (test)."));
}

/// <summary>
/// A real gRPC server (Kestrel, h2c on a loopback port the OS picks) serving the fakes of Intake's contacts, Routing's public entries and staff addresses, and Insights' survey links.
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
        app.MapGrpcService<FakeCaseViewService>();
        app.MapGrpcService<FakeStaffContactService>();
        app.MapGrpcService<FakeSurveyLinkService>();
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
