using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Complaints.Common.V1;
using Complaints.Eventing;
using Complaints.Intake.V1;
using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.Intake.Tests;

public class SubmitComplaintTests(IntakeFixture fixture) : IClassFixture<IntakeFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;

    [Fact]
    public async Task SubmitComplaint_ValidRequest_ReturnsReferenceTokenAndReceivedAt()
    {
        var response = await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());

        Assert.Matches("^CMP-", response.Reference);
        Assert.NotEmpty(response.TrackingToken);
        Assert.Equal(CaseStatus.Received, response.Status);
        Assert.True(Math.Abs((DateTimeOffset.UtcNow - response.ReceivedAt.ToDateTimeOffset()).TotalMinutes) < 5);
    }

    [Fact]
    public async Task SubmitComplaint_ValidRequest_AppendsComplaintReceivedWithoutContactData()
    {
        var request = ValidationTests.ValidRequest();
        var response = await _intake.Public().SubmitComplaintAsync(request);

        var stored = await _intake.WithDb(db => db.Events.SingleAsync(e => e.AggregateId == response.ComplaintId));

        Assert.Equal(ComplaintReceived.Descriptor.FullName, stored.Type);
        var payload = ComplaintReceived.Parser.ParseFrom(stored.Payload);
        Assert.Equal(response.Reference, payload.Reference);
        Assert.Equal("billing", payload.Category);
        Assert.Equal(Channel.Web, payload.Channel);
        Assert.Equal("ko", payload.PreferredLanguage);
        var text = payload.ToString();
        foreach (var secret in new[] { "Mina", "mina@example.com", "+821012345678", "Charged twice", "charged twice for one order" })
        {
            Assert.DoesNotContain(secret, text);
        }
    }

    [Fact]
    public async Task SubmitComplaint_SameKeyTwice_ReturnsFirstAnswerAndStoresOne()
    {
        var request = ValidationTests.ValidRequest();

        var first = await _intake.Public().SubmitComplaintAsync(request);
        var second = await _intake.Public().SubmitComplaintAsync(request);

        Assert.Equal(first, second);
        Assert.Equal(1, await _intake.WithDb(db => db.Complaints.CountAsync(c => c.IdempotencyKey == request.IdempotencyKey)));
        Assert.Equal(1, await _intake.WithDb(db => db.Events.CountAsync(e => e.AggregateId == first.ComplaintId)));
    }

    [Fact]
    public async Task SubmitComplaint_SameKeyDifferentBody_AlreadyExistsNamingKey()
    {
        var request = ValidationTests.ValidRequest();
        await _intake.Public().SubmitComplaintAsync(request);
        var changed = request.Clone();
        changed.Subject = "Something else";

        var error = await Assert.ThrowsAsync<RpcException>(() => _intake.Public().SubmitComplaintAsync(changed).ResponseAsync);

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        Assert.Contains("idempotencyKey", error.Status.Detail);
    }

    [Fact]
    public async Task SubmitComplaint_ParallelDuplicates_OneComplaintAndSameAnswer()
    {
        var request = ValidationTests.ValidRequest();

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => _intake.Public().SubmitComplaintAsync(request).ResponseAsync));

        Assert.Single(answers.Select(a => a.Reference).Distinct());
        Assert.Single(answers.Select(a => a.TrackingToken).Distinct());
        Assert.Equal(1, await _intake.WithDb(db => db.Complaints.CountAsync(c => c.IdempotencyKey == request.IdempotencyKey)));
        Assert.Equal(1, await _intake.WithDb(db => db.Events.CountAsync(e => e.AggregateId == answers[0].ComplaintId)));
    }

    [Fact]
    public async Task SubmitComplaint_InvalidFields_InvalidArgumentWithFieldViolationsAndNothingStored()
    {
        var request = ValidationTests.ValidRequest();
        request.Complainant.Email = "nope";
        request.Subject = "";

        var error = await Assert.ThrowsAsync<RpcException>(() => _intake.Public().SubmitComplaintAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var badRequest = error.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        Assert.Equal(["complainant.email", "subject"], badRequest.FieldViolations.Select(v => v.Field));
        Assert.Equal(0, await _intake.WithDb(db => db.Complaints.CountAsync(c => c.IdempotencyKey == request.IdempotencyKey)));
    }

    [Fact]
    public async Task SubmitComplaint_StoresContactAndTextOnlyEncrypted()
    {
        var marker = "zq" + Guid.NewGuid().ToString("N")[..10];
        var request = ValidationTests.ValidRequest();
        request.Complainant.Email = $"{marker}@example.com";
        request.Complainant.Name = $"Name {marker}";
        request.Description = $"Description {marker} with detail";
        await _intake.Public().SubmitComplaintAsync(request);

        var raw = _intake.RawDatabaseBytes();

        Assert.True(raw.Length > 0);
        Assert.Equal(-1, raw.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(marker)));
    }

    [Fact]
    public async Task SubmitComplaint_RestBodyFromContract_Accepted()
    {
        using var http = _intake.CreateClient();
        var body = $$"""
            { "idempotencyKey": "{{Guid.NewGuid()}}",
              "channel": "CHANNEL_WEB",
              "complainant": { "name": "Mina Park", "email": "mina@example.com",
                               "phone": "+821012345678", "preferredLanguage": "ko" },
              "category": "billing", "subject": "Charged twice",
              "description": "My card was charged twice for one order.",
              "remedySought": "Refund of the second charge", "confidential": false,
              "jurisdiction": "JURISDICTION_UK_FCA" }
            """;

        using var response = await http.PostAsync("/api/v1/complaints", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("CMP-", json.GetProperty("reference").GetString());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("trackingToken").GetString()));
        Assert.True(json.TryGetProperty("receivedAt", out _));
    }

    [Fact]
    public async Task SubmitComplaint_RestBadInput_400NamingTheField()
    {
        using var http = _intake.CreateClient();
        var body = """{ "idempotencyKey": "k-400", "channel": "CHANNEL_WEB", "complainant": { "name": "A", "email": "a@example.com" }, "category": "billing", "subject": "ok", "description": "" }""";

        using var response = await http.PostAsync("/api/v1/complaints", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("description", json.GetProperty("message").GetString());
        Assert.Equal("description", json.GetProperty("details")[0].GetProperty("fieldViolations")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task SubmitComplaint_RestUnknownEnumValue_400()
    {
        using var http = _intake.CreateClient();
        var body = """{ "idempotencyKey": "k-enum", "channel": "CHANNEL_CARRIER_PIGEON" }""";

        using var response = await http.PostAsync("/api/v1/complaints", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("CHANNEL_CARRIER_PIGEON", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SubmitComplaint_PartnerAndPublicSameKey_AreSeparateComplaints()
    {
        var request = ValidationTests.ValidRequest();
        var partner = _intake.Partner("crm-1", "complaints.submit");

        var asPublic = await _intake.Public().SubmitComplaintAsync(request);
        var asPartner = await partner.SubmitComplaintAsync(request);

        Assert.NotEqual(asPublic.Reference, asPartner.Reference);
    }
}

public class SubmitComplaintKindsTests(IntakeFixture fixture) : IClassFixture<IntakeFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;

    [Fact]
    public async Task SubmitComplaint_Anonymous_TrackableWithoutContact()
    {
        var request = ValidationTests.ValidRequest();
        request.ComplainantKind = ComplainantKind.Anonymous;
        request.Complainant = null;

        var submitted = await _intake.Public().SubmitComplaintAsync(request);
        var view = await _intake.Public().TrackComplaintAsync(new TrackComplaintRequest { Reference = submitted.Reference, TrackingToken = submitted.TrackingToken });
        var contact = await new ContactService.ContactServiceClient(_intake.Channel(_intake.Token("notifications", "service")))
            .GetContactForDeliveryAsync(new GetContactForDeliveryRequest { ComplaintId = submitted.ComplaintId });
        var stored = await _intake.WithDb(db => db.Events.SingleAsync(e => e.AggregateId == submitted.ComplaintId));

        Assert.Equal(CaseStatus.Received, view.Status);
        Assert.False(contact.HasContact);
        Assert.Empty(contact.Email);
        var payload = ComplaintReceived.Parser.ParseFrom(stored.Payload);
        Assert.False(payload.HasContact);
        Assert.Equal(ComplainantKind.Anonymous, payload.ComplainantKind);
    }

    [Fact]
    public async Task SubmitComplaint_Representative_StoredEncryptedAndFlaggedOnEvent()
    {
        var marker = "rep" + Guid.NewGuid().ToString("N")[..10];
        var request = ValidationTests.ValidRequest();
        request.Channel = Channel.Representative;
        request.Representative = new Representative { Name = $"Rep {marker}", Email = $"{marker}@example.org", Authority = $"Mandate {marker}" };

        var submitted = await _intake.Public().SubmitComplaintAsync(request);
        var stored = await _intake.WithDb(db => db.Events.SingleAsync(e => e.AggregateId == submitted.ComplaintId));

        Assert.True(ComplaintReceived.Parser.ParseFrom(stored.Payload).HasRepresentative);
        Assert.Equal(-1, _intake.RawDatabaseBytes().AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(marker)));
    }

    [Fact]
    public async Task SubmitComplaint_TaxonomyAndAmount_OnEventForRegulatorReturns()
    {
        var request = ValidationTests.ValidRequest();
        request.Subcategory = "double-charge";
        request.AmountInDispute = new Money { Amount = "49.99", Currency = "GBP" };

        var submitted = await _intake.Public().SubmitComplaintAsync(request);
        var stored = await _intake.WithDb(db => db.Events.SingleAsync(e => e.AggregateId == submitted.ComplaintId));
        var payload = ComplaintReceived.Parser.ParseFrom(stored.Payload);

        Assert.Equal("double-charge", payload.Subcategory);
        Assert.Equal("Banking and credit cards", payload.FcaProductGroup);
        Assert.Equal("Checking or savings account", payload.CfpbProduct);
        Assert.Equal("49.99", payload.AmountInDispute);
        Assert.Equal("GBP", payload.Currency);
    }

    [Fact]
    public async Task SubmitComplaint_AnonymousCallerNamesReceiver_Ignored()
    {
        var request = ValidationTests.ValidRequest();
        request.ReceivedBy = "agent-amy";

        var submitted = await _intake.Public().SubmitComplaintAsync(request);

        Assert.Null(await _intake.WithDb(db => db.Complaints.Where(c => c.Reference == submitted.Reference).Select(c => c.ReceivedBy).SingleAsync()));
    }

    [Fact]
    public async Task SubmitComplaint_StaffCaller_RecordedAsReceiver()
    {
        var request = ValidationTests.ValidRequest();
        request.Channel = Channel.Phone;
        request.ReceivedBy = "someone-else";
        var staff = new IntakeService.IntakeServiceClient(_intake.Channel(_intake.Token("agent-amy", "agent")));

        var submitted = await staff.SubmitComplaintAsync(request);

        var receivedBy = await _intake.WithDb(db => db.Complaints.Where(c => c.Reference == submitted.Reference).Select(c => c.ReceivedBy).SingleAsync());
        Assert.Equal("agent-amy", receivedBy);
    }
}

public class BodySizeTests(IntakeFixture fixture) : IClassFixture<IntakeFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;

    [Fact]
    public async Task SubmitComplaint_MessageOverOneMebibyte_ResourceExhaustedAndNothingStored()
    {
        var request = ValidationTests.ValidRequest();
        request.RemedySought = new string('x', Complaints.Intake.Domain.IntakeOptions.MaxMessageBytes);

        var error = await Assert.ThrowsAsync<RpcException>(() => _intake.Public().SubmitComplaintAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal(0, await _intake.WithDb(db => db.Complaints.CountAsync(c => c.IdempotencyKey == request.IdempotencyKey)));
    }

    [Fact]
    public async Task SubmitComplaint_RestBodyOverOneMebibyte_413NamingTheLimit()
    {
        using var http = _intake.CreateClient();
        var body = System.Text.Json.JsonSerializer.Serialize(new { idempotencyKey = Guid.NewGuid().ToString(), description = new string('x', 2 * 1024 * 1024) });

        using var response = await http.PostAsync("/api/v1/complaints", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("maximum", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SubmitComplaint_ChunkedRestBodyUnderTheLimit_Accepted()
    {
        using var http = new HttpClient(_intake.Server.CreateHandler()) { BaseAddress = _intake.Server.BaseAddress };
        var json = Google.Protobuf.JsonFormatter.Default.Format(ValidationTests.ValidRequest());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/complaints") { Content = new StreamContent(new UnknownLengthStream(System.Text.Encoding.UTF8.GetBytes(json))) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("CMP-", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reference").GetString());
    }

    [Fact]
    public async Task SubmitComplaint_ChunkedRestBodyOverOneMebibyte_413WithJsonError()
    {
        var framing = new System.Collections.Concurrent.ConcurrentQueue<(long? Length, string TransferEncoding)>();
        using var intake = new IntakeFactory(services: s => s.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(new RecordFraming(framing)));
        // The test server's own handler: the factory's default client buffers bodies (for redirects), which adds a Content-Length.
        using var http = new HttpClient(intake.Server.CreateHandler()) { BaseAddress = intake.Server.BaseAddress };
        var body = System.Text.Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new { idempotencyKey = Guid.NewGuid().ToString(), description = new string('x', 1536 * 1024) }));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/complaints") { Content = new StreamContent(new UnknownLengthStream(body)) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;

        using var response = await http.SendAsync(request);

        var (length, transferEncoding) = Assert.Single(framing);
        Assert.Null(length);
        Assert.Equal("chunked", transferEncoding);
        Assert.Equal(System.Net.HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains($"maximum of {Complaints.Intake.Domain.IntakeOptions.MaxMessageBytes} bytes", error.GetProperty("message").GetString());
    }

    /// <summary>Records how each REST submission's body was framed, as the server saw it.</summary>
    private sealed class RecordFraming(System.Collections.Concurrent.ConcurrentQueue<(long?, string)> seen) : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                if (context.Request.Path == "/api/v1/complaints")
                {
                    seen.Enqueue((context.Request.ContentLength, context.Request.Headers.TransferEncoding.ToString()));
                }
                await nextMiddleware(context);
            });
            next(app);
        };
    }

    /// <summary>A body whose length is not known up front, so it is sent chunked (no Content-Length).</summary>
    private sealed class UnknownLengthStream(byte[] content) : Stream
    {
        private readonly MemoryStream _inner = new(content);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 16 * 1024));
        public override void Flush()
        {
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
