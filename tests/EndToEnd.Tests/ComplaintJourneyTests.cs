using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Complaints.Common.V1;
using Complaints.Eventing.V1;
using Complaints.Intake.V1;
using Complaints.Notifications.V1;
using Complaints.Routing.V1;
using Complaints.TestSupport;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using MimeKit;

namespace Complaints.EndToEnd.Tests;

[Collection(PlatformCollection.Name)]
public class ComplaintJourneyTests(PlatformFixture fixture)
{
    private static readonly TimeSpan JourneyTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SubmitComplaint_ThroughGatewayRest_AcknowledgedDeliveredAndTracked()
    {
        var complaint = await Complaint.SubmitAsync(fixture.Rest, language: "ko");

        var view = await Eventually.Get(() => complaint.TrackAsync(fixture.Rest), Complaint.IsAcknowledged, "the acknowledgement in the tracking view", JourneyTimeout);

        Assert.Equal(complaint.Reference, view.GetProperty("reference").GetString());
        var receivedAt = view.GetProperty("receivedAt").GetDateTimeOffset();
        // The default policy (Policies/clocks.json) counts business days in the jurisdiction's calendar
        // (Policies/calendars.json): acknowledge within one business day, resolve within 40; UK FCA's statutory final
        // response is due 8 weeks after receipt, and the SLA target is capped 2 business days before it (at most 6
        // calendar days before, over Christmas or Easter).
        var acknowledgeBy = view.GetProperty("acknowledgeBy").GetDateTimeOffset();
        Assert.InRange(acknowledgeBy, receivedAt.AddHours(1), receivedAt.AddDays(5));
        var finalResponseDue = view.GetProperty("finalResponseDue").GetDateTimeOffset();
        Assert.InRange(finalResponseDue, receivedAt.AddDays(55), receivedAt.AddDays(57));
        Assert.InRange(view.GetProperty("resolveBy").GetDateTimeOffset(), receivedAt.AddDays(49), finalResponseDue.AddDays(-1));
        Assert.False(string.IsNullOrEmpty(view.GetProperty("nextStep").GetString()));
        Assert.False(string.IsNullOrEmpty(view.GetProperty("resumeToken").GetString()));
        Assert.Empty(view.GetProperty("unavailable").EnumerateArray());
        var titles = view.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("title").GetString()).ToList();
        Assert.Equal(["Complaint received", "Case opened", "Acknowledgement sent"], titles);
        var message = Assert.Single(view.GetProperty("messages").EnumerateArray());
        Assert.Equal("DELIVERY_CHANNEL_EMAIL", message.GetProperty("channel").GetString());
        // Rendered in the complainant's language (Korean template), and never the address.
        Assert.Equal($"민원 {complaint.Reference}이(가) 접수되었습니다", message.GetProperty("subject").GetString());
        Assert.DoesNotContain(complaint.Email, view.GetRawText());

        var email = FindEmail(complaint.Reference);
        Assert.Equal(complaint.Email, email.To.Mailboxes.Single().Address);
        Assert.Contains(complaint.Reference, email.TextBody);
        Assert.Contains(complaint.Name, email.TextBody);
    }

    [Fact]
    public async Task SubmitComplaint_ThroughGateway_OneTraceSpansEveryService()
    {
        var complaint = await Complaint.SubmitAsync(fixture.Rest);
        await Eventually.Get(() => complaint.TrackAsync(fixture.Rest), Complaint.IsAcknowledged, "the acknowledgement", JourneyTimeout);

        (string Service, string Span)[] hops =
        [
            ("gateway", "POST /api/v1/complaints"),
            ("intake", "POST /api/v1/complaints"),
            ("routing", "consume complaints.intake.v1.ComplaintReceived"),
            ("notifications", "consume complaints.routing.v1.CaseOpened"),
            ("notifications", "deliver acknowledgement"),
            ("routing", "consume complaints.notifications.v1.NotificationDelivered"),
            ("insights", "consume complaints.intake.v1.ComplaintReceived"),
        ];

        var spans = await Eventually.Get(
            () => Task.FromResult(fixture.Otlp.SpansOfTrace(complaint.TraceId)),
            found => hops.All(h => found.Any(s => s.Service == h.Service && s.Span.Name == h.Span)),
            "one trace with every hop of the journey", JourneyTimeout);

        // Every span of the trace hangs off the caller's span: no hop started a trace of its own.
        var ids = spans.Select(s => s.Span.SpanId).ToHashSet();
        Assert.All(spans.Where(s => s.Span.ParentSpanId.Length > 0 && !(s.Service == "gateway" && s.Span.Kind == 2)),
            s => Assert.Contains(s.Span.ParentSpanId, ids));
    }

    [Fact]
    public async Task SubmitComplaint_PersonalData_NeverInTelemetryOrLogs()
    {
        var complaint = await Complaint.SubmitAsync(fixture.Rest);
        await Eventually.Get(() => complaint.TrackAsync(fixture.Rest), Complaint.IsAcknowledged, "the acknowledgement", JourneyTimeout);
        // Wait until the last hop's spans are exported, so the scan covers the whole journey.
        await Eventually.True(() => Task.FromResult(fixture.Otlp.SpansOfTrace(complaint.TraceId)
            .Any(s => s.Span.Name == "consume complaints.notifications.v1.NotificationDelivered")), "the journey's last span", JourneyTimeout);

        var exports = fixture.Otlp.Exports;
        Assert.Contains(exports, e => e.Signal == "logs");
        Assert.Contains(exports, e => e.Signal == "traces");
        var secrets = new[] { complaint.Marker, "+821012345678", "charged twice for order" }.Select(Encoding.UTF8.GetBytes).ToList();
        foreach (var (signal, body) in exports)
        {
            foreach (var secret in secrets)
            {
                Assert.True(body.AsSpan().IndexOf(secret) < 0, $"an OTLP {signal} export contains personal data or complaint text");
            }
        }
        foreach (var log in Directory.EnumerateFiles(Path.Combine(fixture.DataDirectory, "logs")))
        {
            var text = await File.ReadAllTextAsync(log);
            Assert.DoesNotContain(complaint.Marker, text);
            Assert.DoesNotContain("+821012345678", text);
        }
    }

    [Fact]
    public async Task SubmitComplaint_ThroughGatewayGrpcAndGrpcWeb_SubmitAndTrack()
    {
        using var grpc = GrpcChannel.ForAddress(fixture.Platform.GatewayGrpcUrl);
        using var grpcWeb = GrpcChannel.ForAddress(fixture.Platform.GatewayRestUrl, new GrpcChannelOptions
        {
            HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWeb, new HttpClientHandler()),
            // What a browser does on the REST listener: gRPC-Web over HTTP/1.1.
            HttpVersion = HttpVersion.Version11,
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        });
        var request = new SubmitComplaintRequest
        {
            IdempotencyKey = Guid.NewGuid().ToString(),
            Channel = Channel.PartnerApi,
            Complainant = new Complainant { Name = "Иван Петров", Email = "ivan@example.com", PreferredLanguage = "bg" },
            Category = "service",
            Subject = "Забавено обслужване",
            Description = "Чаках три седмици за отговор.",
        };

        var submitted = await new IntakeService.IntakeServiceClient(grpc).SubmitComplaintAsync(request);
        var again = await new IntakeService.IntakeServiceClient(grpcWeb).SubmitComplaintAsync(request);
        var view = await new IntakeService.IntakeServiceClient(grpcWeb).TrackComplaintAsync(
            new TrackComplaintRequest { Reference = submitted.Reference, TrackingToken = submitted.TrackingToken });

        Assert.Equal(submitted, again);
        Assert.Equal("Забавено обслужване", view.Subject);
        Assert.Equal(submitted.Reference, view.Reference);
    }

    [Theory]
    [InlineData("ContactService.GetContactForDelivery", "notifications")]
    [InlineData("CaseViewService.GetPublicCaseView", "intake")]
    [InlineData("MessageHistoryService.ListMessages", "intake")]
    [InlineData("EventFeed.Subscribe", "routing")]
    public async Task Gateway_InternalServices_NotRouted(string method, string caller)
    {
        using var grpc = GrpcChannel.ForAddress(fixture.Platform.GatewayGrpcUrl);
        // A valid service token: what is refused is the route, not the caller.
        var options = new CallOptions(
            new Metadata { { "Authorization", "Bearer " + await fixture.Tokens.ServiceAsync(caller) } },
            DateTime.UtcNow.Add(JourneyTimeout));
        var complaintId = Guid.NewGuid().ToString();
        // Server streaming: the status arrives with the first read.
        async Task FirstFeedRead()
        {
            using var feed = new EventFeed.EventFeedClient(grpc).Subscribe(new SubscribeRequest { AfterSequence = 0 }, options);
            await feed.ResponseStream.MoveNext(CancellationToken.None);
        }
        Func<Task> call = method switch
        {
            "ContactService.GetContactForDelivery" => () => new ContactService.ContactServiceClient(grpc)
                .GetContactForDeliveryAsync(new GetContactForDeliveryRequest { ComplaintId = complaintId }, options).ResponseAsync,
            "CaseViewService.GetPublicCaseView" => () => new CaseViewService.CaseViewServiceClient(grpc)
                .GetPublicCaseViewAsync(new GetPublicCaseViewRequest { ComplaintId = complaintId }, options).ResponseAsync,
            "MessageHistoryService.ListMessages" => () => new MessageHistoryService.MessageHistoryServiceClient(grpc)
                .ListMessagesAsync(new ListMessagesRequest { ComplaintId = complaintId }, options).ResponseAsync,
            "EventFeed.Subscribe" => FirstFeedRead,
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, "no call for this method"),
        };

        var error = await Assert.ThrowsAsync<RpcException>(call);

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task SubmitComplaint_BadInputThroughGateway_400NamingFieldAndNothingTracked()
    {
        using var response = await fixture.Rest.PostAsJsonAsync("/api/v1/complaints", new
        {
            idempotencyKey = Guid.NewGuid().ToString(),
            channel = "CHANNEL_WEB",
            complainant = new { name = "Mina", email = "not-an-email" },
            category = "billing",
            subject = "Charged twice",
            description = "Twice.",
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("complainant.email", json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task GetComplaintCounts_AnalystThroughGateway_CountsNewComplaints()
    {
        using var before = await fixture.Rest.SendAsync(await fixture.BearerAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/insights/counts"), "analyst"));
        var start = Received(await before.Content.ReadFromJsonAsync<JsonElement>());

        for (var i = 0; i < 3; i++)
        {
            await Complaint.SubmitAsync(fixture.Rest, category: "privacy");
        }

        var counts = await Eventually.Get(async () =>
        {
            using var response = await fixture.Rest.SendAsync(await fixture.BearerAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/insights/counts"), "analyst"));
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }, c => Received(c) >= start + 3, "three more received complaints in the counts", JourneyTimeout);
        Assert.Contains(counts.GetProperty("byCategory").EnumerateArray(), e => e.GetProperty("key").GetString() == "privacy");

        using var anonymous = await fixture.Rest.GetAsync("/api/v1/insights/counts");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private static long Received(JsonElement counts) =>
        counts.TryGetProperty("received", out var r) ? (r.ValueKind == JsonValueKind.String ? long.Parse(r.GetString()!) : r.GetInt64()) : 0;

    private MimeMessage FindEmail(string reference)
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(fixture.DataDirectory, "mail"), "*.eml"))
        {
            var message = MimeMessage.Load(file);
            if (message.Subject?.Contains(reference, StringComparison.Ordinal) == true)
            {
                return message;
            }
        }
        throw new Xunit.Sdk.XunitException($"No .eml for {reference} in the mail sink.");
    }
}
