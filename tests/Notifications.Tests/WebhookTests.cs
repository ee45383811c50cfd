using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Complaints.Common.V1;
using Complaints.Intake.V1;
using Complaints.Notifications.V1;
using Complaints.Routing.V1;
using Grpc.Core;

namespace Complaints.Notifications.Tests;

/// <summary>Partner CRM webhooks to a real HTTP receiver on loopback: signature, retries, dead letters, replay.</summary>
public sealed class WebhookTests(ChannelFixture fixture) : IClassFixture<ChannelFixture>
{
    private static readonly DateTimeOffset ReceivedAt = new(2025, 6, 2, 8, 0, 0, TimeSpan.Zero);

    private (Guid Id, string Reference) PartnerComplaint(string partner)
    {
        var id = Guid.NewGuid();
        var reference = Envelopes.NewReference();
        fixture.Intake.Book.Add(id, new GetContactForDeliveryResponse
        {
            Reference = reference,
            HasContact = true,
            Name = "Member",
            Email = $"m-{id:N}@example.com",
            PreferredLanguage = "en",
            PartnerId = partner,
        });
        return (id, reference);
    }

    private static async Task<Complaints.Notifications.Data.Message> Webhook(Task<List<Complaints.Notifications.Data.Message>> queued) =>
        Assert.Single(await queued, m => m.Channel == (int)DeliveryChannel.Webhook);

    private DeadLetterService.DeadLetterServiceClient DeadLetters(string role = "supervisor") =>
        new(fixture.Notifications.Channel(fixture.Notifications.Token("sup-1", role)));

    /// <summary>What a partner does on receipt (the example in docs/notifications.md).</summary>
    private static bool Verify(string secret, IReadOnlyDictionary<string, string> headers, string body, DateTimeOffset now)
    {
        var timestamp = headers["Complaints-Webhook-Timestamp"];
        if (Math.Abs(now.ToUnixTimeSeconds() - long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture)) > 300)
        {
            return false;
        }
        var expected = "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "." + body)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(headers["Complaints-Webhook-Signature"]));
    }

    [Fact]
    public async Task CaseOpened_PartnerComplaint_SignedJsonVerifiableByReceiver()
    {
        var (id, reference) = PartnerComplaint("partner-a");

        var opened = Events.Opened(id, reference, "en", ReceivedAt, Channel.PartnerApi);
        opened.ResolveByDate = "2025-07-28";
        var webhook = await Webhook(fixture.ApplyAsync(opened));
        var message = await fixture.SettledAsync(webhook.Id);

        Assert.Equal((int)DeliveryStatus.Delivered, message.Status);
        var received = Assert.Single(fixture.Receiver.At("a"), r => r.Headers["Complaints-Webhook-Id"] == webhook.Id.ToString());
        Assert.True(Verify(ChannelFixture.PartnerSecret, received.Headers, received.Body, DateTimeOffset.UtcNow));
        Assert.False(Verify("another-secret", received.Headers, received.Body, DateTimeOffset.UtcNow));
        Assert.False(Verify(ChannelFixture.PartnerSecret, received.Headers, received.Body.Replace(reference, "CMP-FORGED00"), DateTimeOffset.UtcNow));
        Assert.StartsWith("application/json", received.Headers["Content-Type"]);
        using var json = JsonDocument.Parse(received.Body);
        Assert.Equal("case.opened", json.RootElement.GetProperty("type").GetString());
        Assert.Equal(webhook.Id.ToString(), json.RootElement.GetProperty("id").GetString());
        Assert.Equal(reference, json.RootElement.GetProperty("reference").GetString());
        Assert.Equal(id.ToString(), json.RootElement.GetProperty("complaintId").GetString());
        Assert.Equal(ReceivedAt.AddDays(56), json.RootElement.GetProperty("resolveBy").GetDateTimeOffset());
        // A date-valued deadline also as its day; one Routing gave no day for has none.
        Assert.Equal("2025-07-28", json.RootElement.GetProperty("resolveByDate").GetString());
        Assert.False(json.RootElement.TryGetProperty("finalResponseDueDate", out _));
        // No contact data on the wire.
        Assert.DoesNotContain("@example.com", received.Body);
    }

    [Fact]
    public async Task PublicUpdate_PartnerComplaint_CarriesEntryText()
    {
        var (id, reference) = PartnerComplaint("partner-a");
        await fixture.ApplyAsync(Events.Opened(id, reference, "en", ReceivedAt, Channel.PartnerApi));
        fixture.Intake.Book.Entries[(id.ToString(), 5)] = new PublicTimelineEntry { EntryId = 5, Title = "Investigating", Detail = "We asked the branch." };

        var webhook = await Webhook(fixture.ApplyAsync(new PublicUpdatePosted { ComplaintId = id.ToString(), Reference = reference, EntryId = 5, At = Events.Stamp(ReceivedAt) }));
        await fixture.SettledAsync(webhook.Id);

        var received = Assert.Single(fixture.Receiver.At("a"), r => r.Headers["Complaints-Webhook-Id"] == webhook.Id.ToString());
        using var json = JsonDocument.Parse(received.Body);
        Assert.Equal("case.public_update", json.RootElement.GetProperty("type").GetString());
        Assert.Equal("We asked the branch.", json.RootElement.GetProperty("entry").GetProperty("text").GetString());
    }

    [Fact]
    public async Task CaseOpened_WebChannel_NoWebhook()
    {
        var (id, reference) = PartnerComplaint("partner-a");

        var queued = await fixture.ApplyAsync(Events.Opened(id, reference, "en", ReceivedAt, Channel.Web));

        Assert.DoesNotContain(queued, m => m.Channel == (int)DeliveryChannel.Webhook);
    }

    [Fact]
    public async Task CaseOpened_PartnerWithoutEndpoint_NotApplicable()
    {
        var (id, reference) = PartnerComplaint("partner-unconfigured");

        var webhook = await Webhook(fixture.ApplyAsync(Events.Opened(id, reference, "en", ReceivedAt, Channel.PartnerApi)));
        var message = await fixture.SettledAsync(webhook.Id);

        Assert.Equal((int)DeliveryStatus.NotApplicable, message.Status);
    }

    [Fact]
    public async Task Deliver_ReceiverFailsThenRecovers_RetriedAndDeliveredOnce()
    {
        // A partner and path of this test's own: two failures, then success (three attempts are allowed).
        var (id, reference) = PartnerComplaint("partner-flaky");
        const string path = "flaky";
        fixture.Receiver.FailNext(path, 2);

        var webhook = await Webhook(fixture.ApplyAsync(Events.Opened(id, reference, "en", ReceivedAt, Channel.PartnerApi)));
        var message = await fixture.SettledAsync(webhook.Id);

        Assert.Equal((int)DeliveryStatus.Delivered, message.Status);
        Assert.Single(fixture.Receiver.At(path), r => r.Headers["Complaints-Webhook-Id"] == webhook.Id.ToString());
        var attempts = await fixture.WithDb(db => Task.FromResult(db.Attempts.Where(a => a.MessageId == webhook.Id).OrderBy(a => a.Id).ToList()));
        Assert.Equal(3, attempts.Count);
        Assert.Equal(3, message.Attempts);
        Assert.All(attempts[..^1], a => Assert.Equal("HTTP 503", a.Error));
        Assert.Null(attempts[^1].Error);
        Assert.True(attempts[^1].Succeeded);
    }

    [Fact]
    public async Task Deliver_ReceiverAlwaysFails_DeadLetteredListedAndReplayed()
    {
        var (id, reference) = PartnerComplaint("partner-down");
        fixture.Receiver.Answers["/down"] = HttpStatusCode.InternalServerError;

        var webhook = await Webhook(fixture.ApplyAsync(Events.Opened(id, reference, "en", ReceivedAt, Channel.PartnerApi)));
        var dead = await fixture.SettledAsync(webhook.Id);

        Assert.Equal((int)DeliveryStatus.Failed, dead.Status);
        Assert.Equal(3, dead.Attempts);
        var listed = await DeadLetters().ListDeadLettersAsync(new ListDeadLettersRequest { Channel = DeliveryChannel.Webhook });
        var letter = Assert.Single(listed.DeadLetters, d => d.MessageId == webhook.Id.ToString());
        Assert.Equal("partner", letter.Audience);
        Assert.Equal("HTTP 500", letter.LastError);
        Assert.Equal(reference, letter.Reference);
        Assert.DoesNotContain(fixture.Receiver.At("down"), r => r.Headers["Complaints-Webhook-Id"] == webhook.Id.ToString());

        // The partner fixed its endpoint: staff replay the dead letter.
        fixture.Receiver.Answers.TryRemove("/down", out _);
        var replay = await DeadLetters().ReplayDeadLetterAsync(new ReplayDeadLetterRequest { MessageId = webhook.Id.ToString() });
        var delivered = await fixture.SettledAsync(webhook.Id);

        Assert.Equal(DeliveryStatus.Pending, replay.Status);
        Assert.Equal((int)DeliveryStatus.Delivered, delivered.Status);
        Assert.Equal(1, delivered.Replays);
        Assert.Single(fixture.Receiver.At("down"), r => r.Headers["Complaints-Webhook-Id"] == webhook.Id.ToString());
        var after = await DeadLetters().ListDeadLettersAsync(new ListDeadLettersRequest());
        Assert.DoesNotContain(after.DeadLetters, d => d.MessageId == webhook.Id.ToString());
    }

    [Fact]
    public async Task ReplayDeadLetter_DeliveredMessage_FailedPrecondition()
    {
        var (id, reference) = PartnerComplaint("partner-a");
        var webhook = await Webhook(fixture.ApplyAsync(Events.Opened(id, reference, "en", ReceivedAt, Channel.PartnerApi)));
        await fixture.SettledAsync(webhook.Id);

        var error = await Assert.ThrowsAsync<RpcException>(() => DeadLetters().ReplayDeadLetterAsync(new ReplayDeadLetterRequest { MessageId = webhook.Id.ToString() }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
    }

    [Fact]
    public async Task ListDeadLetters_Rest_AdminGetsJson()
    {
        var client = fixture.Notifications.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", fixture.Notifications.Token("admin-1", "admin"));

        var response = await client.GetAsync("/api/v1/notifications/dead-letters?pageSize=5");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("partner")]
    public async Task ListDeadLetters_NotSupervisor_PermissionDenied(string role)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => DeadLetters(role).ListDeadLettersAsync(new ListDeadLettersRequest()).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }
}
