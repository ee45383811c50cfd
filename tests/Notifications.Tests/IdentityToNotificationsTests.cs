extern alias identity;

using Complaints.Common.V1;
using Complaints.Identity.V1;
using Complaints.Intake.V1;
using Complaints.Notifications.Domain;
using Complaints.Notifications.V1;
using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Grpc.Net.Client;

namespace Complaints.Notifications.Tests;

/// <summary>
/// Identity on a real Kestrel on loopback (h2c), whose feed Notifications' subscriber reads over the network as in a
/// deployment; Notifications on the test server with the webhook receiver and SMTP of <see cref="ChannelFixture"/>.
/// </summary>
public sealed class IdentityAndNotificationsFixture : ChannelFixture
{
    public ServiceOnKestrel<identity::Program> Identity { get; private set; } = null!;

    protected override async Task<IDictionary<string, string?>> SettingsAsync()
    {
        var settings = await base.SettingsAsync();
        Identity = new ServiceOnKestrel<identity::Program>();
        settings["Services:Identity"] = Identity.GrpcAddress;
        return settings;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Identity.Dispose();
    }
}

public sealed class IdentityToNotificationsTests(IdentityAndNotificationsFixture fixture) : IClassFixture<IdentityAndNotificationsFixture>
{
    [Fact]
    public async Task RegisterPartnerClient_WithWebhookUrl_NotificationsMakesTheWebhookAdminRotatesDeliveriesSignedThenStoppedWhenDisabled()
    {
        var admin = TestIssuer.Shared.Token("admin-1", [Roles.Admin]);
        using var identityChannel = fixture.Identity.SocketChannel(admin);
        var partners = new PartnerClientService.PartnerClientServiceClient(identityChannel);
        var webhooks = new PartnerWebhookService.PartnerWebhookServiceClient(fixture.Notifications.Channel(admin));
        var partner = "crm-" + Guid.NewGuid().ToString("N")[..12];

        await partners.RegisterPartnerClientAsync(new RegisterPartnerClientRequest
        {
            ClientId = partner,
            DisplayName = "Acme CRM",
            Scopes = { "complaints.submit" },
            Webhook = new Identity.V1.PartnerWebhook { Url = fixture.Receiver.Url(partner) },
        });

        // Identity's feed reaches Notifications: the webhook exists there with the registered address.
        var made = await Eventually.Get(() => TryGetAsync(webhooks, partner), w => w is not null, $"partner {partner}'s webhook in Notifications");
        Assert.Equal(fixture.Receiver.Url(partner), made!.Url);
        Assert.True(made.Active);
        Assert.False(made.SecretIssued);

        var secret = (await webhooks.RotateWebhookSecretAsync(new RotateWebhookSecretRequest { PartnerId = partner })).Secret;
        var (delivered, received) = await DeliverCaseOpenedAsync(partner);

        Assert.Equal((int)DeliveryStatus.Delivered, delivered.Status);
        Assert.NotNull(received);
        Assert.Equal("v1=" + WebhookSender.Sign(secret, received.Headers["Complaints-Webhook-Timestamp"], received.Body),
            received.Headers["Complaints-Webhook-Signature"]);

        await partners.SetPartnerClientDisabledAsync(new SetPartnerClientDisabledRequest { ClientId = partner, Disabled = true, Reason = "contract ended" });
        await Eventually.True(async () => (await TryGetAsync(webhooks, partner))!.PartnerDisabled, $"partner {partner} disabled in Notifications");
        var (suppressed, nothing) = await DeliverCaseOpenedAsync(partner);

        Assert.Equal((int)DeliveryStatus.Suppressed, suppressed.Status);
        Assert.Null(nothing);
    }

    private static async Task<Webhook?> TryGetAsync(PartnerWebhookService.PartnerWebhookServiceClient webhooks, string partner)
    {
        try
        {
            return await webhooks.GetWebhookAsync(new GetWebhookRequest { PartnerId = partner });
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<(Data.Message Message, ReceivedWebhook? Received)> DeliverCaseOpenedAsync(string partner)
    {
        var id = Guid.NewGuid();
        var reference = Envelopes.NewReference();
        fixture.Intake.Book.Add(id, new GetContactForDeliveryResponse { Reference = reference, HasContact = true, Email = $"m-{id:N}@example.com", PreferredLanguage = "en", PartnerId = partner });
        var webhook = Assert.Single(await fixture.ApplyAsync(Events.Opened(id, reference, "en", DateTimeOffset.UtcNow, Common.V1.Channel.PartnerApi)),
            m => m.Channel == (int)DeliveryChannel.Webhook);
        var message = await fixture.SettledAsync(webhook.Id);
        return (message, fixture.Receiver.At(partner).SingleOrDefault(r => r.Headers["Complaints-Webhook-Id"] == webhook.Id.ToString()));
    }
}
