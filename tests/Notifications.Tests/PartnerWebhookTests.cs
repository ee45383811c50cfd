using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Complaints.Common.V1;
using Complaints.Identity.V1;
using Complaints.Intake.V1;
using Complaints.Notifications.Domain;
using Complaints.Notifications.V1;
using Complaints.ServiceDefaults.Security;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Channel = Complaints.Common.V1.Channel;

namespace Complaints.Notifications.Tests;

/// <summary>Webhooks over SMTP and a real receiver (<see cref="ChannelFixture"/>), plus partners configured the old way for the precedence tests.</summary>
public sealed class PartnerWebhookFixture : ChannelFixture
{
    public const string ConfiguredSecret = "whsec_configured_0123456789";

    protected override async Task<IDictionary<string, string?>> SettingsAsync()
    {
        var settings = await base.SettingsAsync();
        foreach (var partner in new[] { "cfg-get", "cfg-rotate", "cfg-linked" })
        {
            settings[$"Notifications:Webhooks:{partner}:Url"] = Receiver.Url(partner);
            settings[$"Notifications:Webhooks:{partner}:Secret"] = ConfiguredSecret;
        }
        return settings;
    }
}

/// <summary>
/// Partner webhooks stored by Notifications: the admin API (get, set address, rotate, disable), secrets sealed at rest
/// and shown once, deliveries signed with the stored secret (both secrets during a rotation's overlap), configuration
/// as fallback and seed, and Identity's partner events creating or linking a webhook exactly once.
/// </summary>
public sealed class PartnerWebhookTests(PartnerWebhookFixture fixture) : IClassFixture<PartnerWebhookFixture>
{
    private static readonly DateTimeOffset ReceivedAt = new(2025, 6, 2, 8, 0, 0, TimeSpan.Zero);

    private PartnerWebhookService.PartnerWebhookServiceClient Webhooks(string role = "admin") =>
        new(fixture.Notifications.Channel(fixture.Notifications.Token("admin-1", role)));

    private static string NewPartner() => "crm-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A partner's webhook with an address at the receiver and a secret the admin was shown.</summary>
    private async Task<(string Partner, string Secret)> ActiveWebhookAsync()
    {
        var partner = NewPartner();
        await Webhooks().SetWebhookUrlAsync(new SetWebhookUrlRequest { PartnerId = partner, Url = fixture.Receiver.Url(partner) });
        var rotated = await Webhooks().RotateWebhookSecretAsync(new RotateWebhookSecretRequest { PartnerId = partner });
        return (partner, rotated.Secret);
    }

    /// <summary>A complaint the partner submitted, opened: its webhook message, settled.</summary>
    private async Task<(Data.Message Message, ReceivedWebhook? Received)> DeliverCaseOpenedAsync(string partner)
    {
        var id = Guid.NewGuid();
        var reference = Envelopes.NewReference();
        fixture.Intake.Book.Add(id, new GetContactForDeliveryResponse { Reference = reference, HasContact = true, Email = $"m-{id:N}@example.com", PreferredLanguage = "en", PartnerId = partner });
        var webhook = Assert.Single(await fixture.ApplyAsync(Events.Opened(id, reference, "en", ReceivedAt, Channel.PartnerApi)), m => m.Channel == (int)DeliveryChannel.Webhook);
        var message = await fixture.SettledAsync(webhook.Id);
        return (message, fixture.Receiver.At(partner).SingleOrDefault(r => r.Headers["Complaints-Webhook-Id"] == webhook.Id.ToString()));
    }

    /// <summary>The signatures of the header, in order ("v1=..." each).</summary>
    private static string[] Signatures(ReceivedWebhook received) => received.Headers["Complaints-Webhook-Signature"].Split(' ');

    private static string Signature(string secret, ReceivedWebhook received) =>
        "v1=" + WebhookSender.Sign(secret, received.Headers["Complaints-Webhook-Timestamp"], received.Body);

    /// <summary>What a partner does on receipt (the example in docs/notifications.md): any one signature of the header made with its secret.</summary>
    private static bool Verify(string secret, ReceivedWebhook received)
    {
        var timestamp = received.Headers["Complaints-Webhook-Timestamp"];
        if (Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture)) > 300)
        {
            return false;
        }
        var expected = Encoding.ASCII.GetBytes("v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "." + received.Body))));
        return received.Headers["Complaints-Webhook-Signature"].Split(' ').Any(s => CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(s)));
    }

    private Task<Data.PartnerWebhook?> RowAsync(string partner) =>
        fixture.WithDb(db => db.PartnerWebhooks.AsNoTracking().SingleOrDefaultAsync(w => w.PartnerId == partner));

    private static string FileOf(PartnerWebhookFixture f) => Path.Combine(f.Notifications.Data.Path, "notifications.db");

    [Fact]
    public async Task SetWebhookUrl_NewPartner_CreatedActiveWithASecretNobodyWasShown()
    {
        var partner = NewPartner();

        var webhook = await Webhooks().SetWebhookUrlAsync(new SetWebhookUrlRequest { PartnerId = partner, Url = "https://crm.example.com/hooks" });
        var read = await Webhooks().GetWebhookAsync(new GetWebhookRequest { PartnerId = partner });

        Assert.Equal(partner, webhook.PartnerId);
        Assert.Equal("https://crm.example.com/hooks", webhook.Url);
        Assert.True(webhook.Active);
        Assert.Equal(WebhookSource.Database, webhook.Source);
        Assert.False(webhook.SecretIssued);
        Assert.Null(webhook.PreviousSecretValidUntil);
        Assert.Equal(webhook, read);
        Assert.NotEmpty((await RowAsync(partner))!.SealedSecret);
    }

    [Fact]
    public async Task RotateWebhookSecret_AsAdmin_SecretInTheAnswerOnceAndDeliveriesSignedWithIt()
    {
        var (partner, secret) = await ActiveWebhookAsync();

        var (message, received) = await DeliverCaseOpenedAsync(partner);

        Assert.StartsWith("whsec_", secret);
        Assert.Equal((int)DeliveryStatus.Delivered, message.Status);
        Assert.NotNull(received);
        // The first rotation of a webhook made without anyone seeing its secret keeps no previous one: one signature.
        Assert.Equal([Signature(secret, received)], Signatures(received));
        Assert.True(Verify(secret, received));
        Assert.False(Verify(ChannelFixture.PartnerSecret, received));
        // The secret leaves Notifications in the rotation's answer only: never in a read, never in a log line.
        var read = await Webhooks().GetWebhookAsync(new GetWebhookRequest { PartnerId = partner });
        Assert.True(read.SecretIssued);
        Assert.DoesNotContain(secret, read.ToString());
        Assert.DoesNotContain(fixture.Notifications.Logs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RotateWebhookSecret_Stored_SecretSealedInTheRawColumnUnderTheMasterKey()
    {
        var (partner, secret) = await ActiveWebhookAsync();

        byte[] sealedSecret;
        await using (var connection = new SqliteConnection($"Data Source={FileOf(fixture)};Mode=ReadOnly;Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT SealedSecret FROM partner_webhook WHERE PartnerId = $id";
            command.Parameters.AddWithValue("$id", partner);
            sealedSecret = (byte[])(await command.ExecuteScalarAsync())!;
        }

        var clear = Encoding.UTF8.GetBytes(secret);
        Assert.Equal(clear.Length + 28, sealedSecret.Length);
        Assert.Equal(-1, sealedSecret.AsSpan().IndexOf(clear));
        Assert.DoesNotContain(Convert.ToBase64String(clear), Convert.ToBase64String(sealedSecret));
        // AES-256-GCM under the key file made in DataDir (no Notifications:MasterKey on SQLite), bound to the partner and field.
        var key = SealedBox.ReadOrCreateKeyFile(Path.Combine(fixture.Notifications.Data.Path, WebhookKeys.KeyFile));
        Assert.Equal(secret, Encoding.UTF8.GetString(SealedBox.Open(key, sealedSecret, Encoding.UTF8.GetBytes($"partner-webhook/{partner}/secret"))));
        Assert.ThrowsAny<CryptographicException>(() => SealedBox.Open(key, sealedSecret, Encoding.UTF8.GetBytes("partner-webhook/another-partner/secret")));
    }

    [Fact]
    public async Task RotateWebhookSecret_SecondRotationWithDefaultOverlap_BothSignaturesNewFirstUntilTheOverlapEnds()
    {
        var (partner, first) = await ActiveWebhookAsync();

        var rotated = await Webhooks().RotateWebhookSecretAsync(new RotateWebhookSecretRequest { PartnerId = partner });
        var (_, during) = await DeliverCaseOpenedAsync(partner);

        var second = rotated.Secret;
        Assert.NotEqual(first, second);
        Assert.InRange(rotated.Webhook.PreviousSecretValidUntil.ToDateTimeOffset(), DateTimeOffset.UtcNow.AddHours(23), DateTimeOffset.UtcNow.AddHours(24));
        Assert.NotNull(during);
        Assert.Equal([Signature(second, during), Signature(first, during)], Signatures(during));
        Assert.True(Verify(first, during));
        Assert.True(Verify(second, during));

        // The overlap ends (its end moved to the past rather than waiting a day): the new secret alone signs.
        await fixture.WithDb(db => db.PartnerWebhooks.Where(w => w.PartnerId == partner)
            .ExecuteUpdateAsync(u => u.SetProperty(w => w.PreviousSecretValidUntil, DateTimeOffset.UtcNow.AddSeconds(-1))));
        var (_, after) = await DeliverCaseOpenedAsync(partner);

        Assert.NotNull(after);
        Assert.Equal([Signature(second, after)], Signatures(after));
        Assert.False(Verify(first, after));
        Assert.Null((await Webhooks().GetWebhookAsync(new GetWebhookRequest { PartnerId = partner })).PreviousSecretValidUntil);
    }

    [Fact]
    public async Task RotateWebhookSecret_ZeroOverlap_PreviousSecretDroppedAtOnce()
    {
        var (partner, first) = await ActiveWebhookAsync();

        var rotated = await Webhooks().RotateWebhookSecretAsync(new RotateWebhookSecretRequest { PartnerId = partner, Overlap = Duration.FromTimeSpan(TimeSpan.Zero) });
        var (_, received) = await DeliverCaseOpenedAsync(partner);

        Assert.Null(rotated.Webhook.PreviousSecretValidUntil);
        Assert.NotNull(received);
        Assert.Equal([Signature(rotated.Secret, received)], Signatures(received));
        Assert.False(Verify(first, received));
        Assert.Null((await RowAsync(partner))!.SealedPreviousSecret);
    }

    [Fact]
    public async Task RotateWebhookSecret_OverlapLongerThanConfigured_InvalidArgumentAndSecretUnchanged()
    {
        var (partner, secret) = await ActiveWebhookAsync();
        var before = (await RowAsync(partner))!.SealedSecret;

        var error = await Assert.ThrowsAsync<RpcException>(() => Webhooks().RotateWebhookSecretAsync(new RotateWebhookSecretRequest
        {
            PartnerId = partner,
            Overlap = Duration.FromTimeSpan(TimeSpan.FromHours(25)),
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(before, (await RowAsync(partner))!.SealedSecret);
        var (_, received) = await DeliverCaseOpenedAsync(partner);
        Assert.True(Verify(secret, received!));
    }

    [Fact]
    public async Task SetWebhookDisabled_Disabled_SuppressedUntilEnabledAgain()
    {
        var (partner, secret) = await ActiveWebhookAsync();

        var disabled = await Webhooks().SetWebhookDisabledAsync(new SetWebhookDisabledRequest { PartnerId = partner, Disabled = true });
        var (suppressed, nothing) = await DeliverCaseOpenedAsync(partner);
        var enabled = await Webhooks().SetWebhookDisabledAsync(new SetWebhookDisabledRequest { PartnerId = partner, Disabled = false });
        var (delivered, received) = await DeliverCaseOpenedAsync(partner);

        Assert.True(disabled.Disabled);
        Assert.False(disabled.Active);
        Assert.Equal((int)DeliveryStatus.Suppressed, suppressed.Status);
        Assert.Null(nothing);
        Assert.False(enabled.Disabled);
        Assert.True(enabled.Active);
        Assert.Equal((int)DeliveryStatus.Delivered, delivered.Status);
        Assert.True(Verify(secret, received!));
    }

    [Fact]
    public async Task SetWebhookUrl_PlainHttpToAnotherHost_InvalidArgumentOnUrlAndNothingStored()
    {
        var partner = NewPartner();

        var error = await Assert.ThrowsAsync<RpcException>(() => Webhooks().SetWebhookUrlAsync(new SetWebhookUrlRequest { PartnerId = partner, Url = "http://crm.example.com/hooks" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("url", error.Status.Detail);
        Assert.Null(await RowAsync(partner));
    }

    [Fact]
    public async Task GetWebhook_UnknownPartner_NotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Webhooks().GetWebhookAsync(new GetWebhookRequest { PartnerId = NewPartner() }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("supervisor")]
    [InlineData("analyst")]
    [InlineData("partner")]
    public async Task PartnerWebhookService_NotAdmin_PermissionDeniedAndNothingStored(string role)
    {
        var partner = NewPartner();
        var webhooks = Webhooks(role);

        var errors = new[]
        {
            await Assert.ThrowsAsync<RpcException>(() => webhooks.GetWebhookAsync(new GetWebhookRequest { PartnerId = partner }).ResponseAsync),
            await Assert.ThrowsAsync<RpcException>(() => webhooks.SetWebhookUrlAsync(new SetWebhookUrlRequest { PartnerId = partner, Url = "https://crm.example.com/x" }).ResponseAsync),
            await Assert.ThrowsAsync<RpcException>(() => webhooks.RotateWebhookSecretAsync(new RotateWebhookSecretRequest { PartnerId = partner }).ResponseAsync),
            await Assert.ThrowsAsync<RpcException>(() => webhooks.SetWebhookDisabledAsync(new SetWebhookDisabledRequest { PartnerId = partner, Disabled = true }).ResponseAsync),
        };

        Assert.All(errors, e => Assert.Equal(StatusCode.PermissionDenied, e.StatusCode));
        Assert.Null(await RowAsync(partner));
    }

    [Fact]
    public async Task RotateWebhookSecret_Rest_SecretInTheJsonOnceAndNeverInAGet()
    {
        var partner = NewPartner();
        var http = fixture.Notifications.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Notifications.Token("admin-1", "admin"));

        using var put = await http.PutAsJsonAsync($"/api/v1/notifications/webhooks/{partner}/url", new { url = "https://crm.example.com/hooks" });
        using var rotate = await http.PostAsJsonAsync($"/api/v1/notifications/webhooks/{partner}:rotateSecret", new { });
        var rotated = await rotate.Content.ReadAsStringAsync();
        using var get = await http.GetAsync($"/api/v1/notifications/webhooks/{partner}");
        var read = await get.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.True(rotate.StatusCode == HttpStatusCode.OK, rotated);
        using var json = JsonDocument.Parse(rotated);
        var secret = json.RootElement.GetProperty("secret").GetString()!;
        Assert.Equal(partner, json.RootElement.GetProperty("webhook").GetProperty("partnerId").GetString());
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.DoesNotContain(secret, read);
        Assert.DoesNotContain("\"secret\"", read);
        Assert.Contains("\"secretIssued\":true", read.Replace(" ", ""));
    }

    [Fact]
    public async Task GetWebhook_ConfiguredOnly_FromConfigurationAndDeliveredWithTheConfiguredSecret()
    {
        var read = await Webhooks().GetWebhookAsync(new GetWebhookRequest { PartnerId = "cfg-get" });
        var (message, received) = await DeliverCaseOpenedAsync("cfg-get");

        Assert.Equal(WebhookSource.Configuration, read.Source);
        Assert.Equal(fixture.Receiver.Url("cfg-get"), read.Url);
        Assert.True(read.Active);
        Assert.Equal((int)DeliveryStatus.Delivered, message.Status);
        Assert.Equal([Signature(PartnerWebhookFixture.ConfiguredSecret, received!)], Signatures(received!));
        Assert.Null(await RowAsync("cfg-get"));
    }

    [Fact]
    public async Task RotateWebhookSecret_ConfiguredPartner_StoredFromConfigurationWhoseSecretSignsTooDuringTheOverlap()
    {
        var rotated = await Webhooks().RotateWebhookSecretAsync(new RotateWebhookSecretRequest { PartnerId = "cfg-rotate" });
        var (_, received) = await DeliverCaseOpenedAsync("cfg-rotate");

        Assert.Equal(WebhookSource.Database, rotated.Webhook.Source);
        Assert.True(rotated.Webhook.ConfigurationIgnored);
        Assert.Equal(fixture.Receiver.Url("cfg-rotate"), rotated.Webhook.Url);
        Assert.NotNull(rotated.Webhook.PreviousSecretValidUntil);
        Assert.Equal([Signature(rotated.Secret, received!), Signature(PartnerWebhookFixture.ConfiguredSecret, received!)], Signatures(received!));
    }

    [Fact]
    public async Task PartnerClientRegistered_SameEventTwice_OneWebhookWithOneSecret()
    {
        var partner = NewPartner();
        var envelope = Envelopes.For(new PartnerClientRegistered { PartnerId = partner, WebhookUrl = fixture.Receiver.Url(partner), Actor = "admin-7" },
            Sources.Identity, "partner/" + partner);

        await fixture.ApplyAsync(envelope);
        var first = await RowAsync(partner);
        await fixture.ApplyAsync(envelope);

        var rows = await fixture.WithDb(db => db.PartnerWebhooks.AsNoTracking().Where(w => w.PartnerId == partner).ToListAsync());
        var row = Assert.Single(rows);
        Assert.Equal(fixture.Receiver.Url(partner), row.Url);
        Assert.Equal(first!.SealedSecret, row.SealedSecret);
        Assert.Equal(first.Version, row.Version);
        Assert.False(row.SecretIssued);
        // The admin gets the secret from Notifications, and deliveries are signed with it.
        var rotated = await Webhooks().RotateWebhookSecretAsync(new RotateWebhookSecretRequest { PartnerId = partner });
        var (_, received) = await DeliverCaseOpenedAsync(partner);
        Assert.Equal([Signature(rotated.Secret, received!)], Signatures(received!));
    }

    [Fact]
    public async Task PartnerClientRegistered_AfterTheAdminSetTheUrl_LinkedKeepingTheSecret()
    {
        var (partner, secret) = await ActiveWebhookAsync();

        await fixture.ApplyAsync(new PartnerClientRegistered { PartnerId = partner, WebhookUrl = "", Actor = "admin-7" }, Sources.Identity);
        var (_, received) = await DeliverCaseOpenedAsync(partner);

        Assert.Equal(fixture.Receiver.Url(partner), (await RowAsync(partner))!.Url);
        Assert.True(Verify(secret, received!));
    }

    [Fact]
    public async Task PartnerClientRegistered_ConfiguredPartner_LinkedWithTheConfiguredSecret()
    {
        await fixture.ApplyAsync(new PartnerClientRegistered { PartnerId = "cfg-linked", WebhookUrl = fixture.Receiver.Url("cfg-linked"), Actor = "admin-7" }, Sources.Identity);
        var (_, received) = await DeliverCaseOpenedAsync("cfg-linked");

        var row = await RowAsync("cfg-linked");
        Assert.NotNull(row);
        Assert.True(row.SecretIssued);
        Assert.Equal([Signature(PartnerWebhookFixture.ConfiguredSecret, received!)], Signatures(received!));
    }

    [Fact]
    public async Task PartnerClientDisabled_ThenEnabled_SuppressedThenDeliveredAgain()
    {
        var (partner, secret) = await ActiveWebhookAsync();

        await fixture.ApplyAsync(new PartnerClientDisabled { PartnerId = partner, Actor = "admin-7" }, Sources.Identity);
        var (suppressed, nothing) = await DeliverCaseOpenedAsync(partner);
        var read = await Webhooks().GetWebhookAsync(new GetWebhookRequest { PartnerId = partner });
        await fixture.ApplyAsync(new PartnerClientEnabled { PartnerId = partner, Actor = "admin-7" }, Sources.Identity);
        var (delivered, received) = await DeliverCaseOpenedAsync(partner);

        Assert.Equal((int)DeliveryStatus.Suppressed, suppressed.Status);
        Assert.Null(nothing);
        Assert.True(read.PartnerDisabled);
        Assert.False(read.Disabled);
        Assert.False(read.Active);
        Assert.Equal((int)DeliveryStatus.Delivered, delivered.Status);
        Assert.True(Verify(secret, received!));
    }

    [Fact]
    public async Task PartnerClientDisabled_UnknownPartner_RowMadeSoAWebhookSetLaterStaysSilent()
    {
        var partner = NewPartner();

        await fixture.ApplyAsync(new PartnerClientDisabled { PartnerId = partner, Actor = "admin-7" }, Sources.Identity);
        await Webhooks().SetWebhookUrlAsync(new SetWebhookUrlRequest { PartnerId = partner, Url = fixture.Receiver.Url(partner) });
        var (message, received) = await DeliverCaseOpenedAsync(partner);

        Assert.Equal((int)DeliveryStatus.Suppressed, message.Status);
        Assert.Null(received);
    }

    [Fact]
    public async Task PartnerWebhookChanged_UrlRemoved_NotApplicableAndSecretKept()
    {
        var (partner, _) = await ActiveWebhookAsync();
        var before = (await RowAsync(partner))!.SealedSecret;

        await fixture.ApplyAsync(new PartnerWebhookChanged { PartnerId = partner, WebhookUrl = "", Actor = "admin-7" }, Sources.Identity);
        var (message, received) = await DeliverCaseOpenedAsync(partner);

        Assert.Equal((int)DeliveryStatus.NotApplicable, message.Status);
        Assert.Null(received);
        var row = (await RowAsync(partner))!;
        Assert.Equal("", row.Url);
        Assert.Equal(before, row.SealedSecret);
    }

    [Fact]
    public async Task PartnerWebhookChanged_NewUrl_DeliveredThere()
    {
        var (partner, secret) = await ActiveWebhookAsync();
        var moved = partner + "-moved";

        await fixture.ApplyAsync(new PartnerWebhookChanged { PartnerId = partner, WebhookUrl = fixture.Receiver.Url(moved), Actor = "admin-7" }, Sources.Identity);
        var (message, _) = await DeliverCaseOpenedAsync(partner);

        Assert.Equal((int)DeliveryStatus.Delivered, message.Status);
        var received = Assert.Single(fixture.Receiver.At(moved));
        Assert.True(Verify(secret, received));
    }
}
