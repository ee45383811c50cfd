using System.Collections.Concurrent;
using Complaints.Eventing;
using Complaints.Identity.Data;
using Complaints.Identity.Partners;
using Complaints.Identity.V1;
using Complaints.TestSupport;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.EntityFrameworkCore.Models;

namespace Complaints.Identity.Tests;

/// <summary>Identity in-process with a probe on every SaveChanges: which partner clients and which events each one wrote.</summary>
public sealed class PartnerEventsFactory : ServiceFactory<Program>
{
    public PartnerSaveProbe Saves { get; } = new();

    public PartnerClientService.PartnerClientServiceClient Partners() => new(Channel(Token("admin-7", "admin")));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IInterceptor>(Saves));
    }
}

public sealed class PartnerSaveProbe : SaveChangesInterceptor
{
    public sealed record Save(IReadOnlyList<(string ClientId, EntityState State)> Clients, IReadOnlyList<(string Type, string AggregateId)> Events);

    public ConcurrentQueue<Save> All { get; } = new();

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is IdentityProviderDbContext db)
        {
            All.Enqueue(new Save(
                db.ChangeTracker.Entries<OpenIddictEntityFrameworkCoreApplication>()
                    .Where(e => e.State is EntityState.Added or EntityState.Modified)
                    .Select(e => (e.Entity.ClientId ?? "", e.State)).ToList(),
                db.ChangeTracker.Entries<StoredEvent>().Where(e => e.State == EntityState.Added).Select(e => (e.Entity.Type, e.Entity.AggregateId)).ToList()));
        }
        return ValueTask.FromResult(result);
    }
}

/// <summary>Partner client changes that Notifications must hear of are on Identity's feed, committed with the change.</summary>
public sealed class PartnerEventTests(PartnerEventsFactory factory) : IClassFixture<PartnerEventsFactory>
{
    private static string NewClientId() => "crm-" + Guid.NewGuid().ToString("N")[..12];

    private async Task<List<StoredEvent>> EventsAsync(string clientId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityProviderDbContext>();
        return await db.Events.AsNoTracking().Where(e => e.AggregateId == PartnerClients.AggregateId(clientId)).OrderBy(e => e.Sequence).ToListAsync();
    }

    private static T Parse<T>(StoredEvent e) where T : IMessage<T>, new() => new MessageParser<T>(() => new T()).ParseFrom(e.Payload);

    private Task<RegisterPartnerClientResponse> RegisterAsync(string clientId, string? webhookUrl = null) =>
        factory.Partners().RegisterPartnerClientAsync(new RegisterPartnerClientRequest
        {
            ClientId = clientId,
            DisplayName = "Acme CRM",
            Scopes = { "complaints.submit" },
            Webhook = webhookUrl is null ? null : new PartnerWebhook { Url = webhookUrl },
        }).ResponseAsync;

    [Fact]
    public async Task RegisterPartnerClient_WithWebhookUrl_PartnerClientRegisteredAppendedInTheSaveThatCreatesTheClient()
    {
        var clientId = NewClientId();

        await RegisterAsync(clientId, "https://crm.example.com/hooks/complaints");

        var stored = Assert.Single(await EventsAsync(clientId));
        Assert.Equal(PartnerClientRegistered.Descriptor.FullName, stored.Type);
        var e = Parse<PartnerClientRegistered>(stored);
        Assert.Equal(clientId, e.PartnerId);
        Assert.Equal("https://crm.example.com/hooks/complaints", e.WebhookUrl);
        Assert.Equal("admin-7", e.Actor);
        Assert.InRange(e.RegisteredAt.ToDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
        // One SaveChanges inserted both the client and the event: no commit has one without the other.
        var save = Assert.Single(factory.Saves.All, s => s.Events.Any(x => x.AggregateId == PartnerClients.AggregateId(clientId)));
        Assert.Equal([(clientId, EntityState.Added)], save.Clients);
        Assert.Equal([(PartnerClientRegistered.Descriptor.FullName, PartnerClients.AggregateId(clientId))], save.Events);
        // Never a secret on the feed.
        var registered = Parse<PartnerClientRegistered>(stored);
        Assert.DoesNotContain("secret", registered.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RegisterPartnerClient_WithoutWebhook_EventWithEmptyUrl()
    {
        var clientId = NewClientId();

        await RegisterAsync(clientId);

        var e = Parse<PartnerClientRegistered>(Assert.Single(await EventsAsync(clientId)));
        Assert.Equal(clientId, e.PartnerId);
        Assert.Equal("", e.WebhookUrl);
    }

    [Fact]
    public async Task RegisterPartnerClient_ClientIdTaken_AlreadyExistsAndNoSecondEvent()
    {
        var clientId = NewClientId();
        await RegisterAsync(clientId, "https://crm.example.com/a");

        var error = await Assert.ThrowsAsync<RpcException>(() => RegisterAsync(clientId, "https://crm.example.com/b"));

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        var e = Parse<PartnerClientRegistered>(Assert.Single(await EventsAsync(clientId)));
        Assert.Equal("https://crm.example.com/a", e.WebhookUrl);
    }

    [Fact]
    public async Task SetPartnerWebhook_NewUrl_StoredAndPartnerWebhookChangedAppendedInTheSameSave()
    {
        var clientId = NewClientId();
        await RegisterAsync(clientId);

        var client = await factory.Partners().SetPartnerWebhookAsync(new SetPartnerWebhookRequest
        {
            ClientId = clientId,
            Webhook = new PartnerWebhook { Url = "https://crm.example.com/new" },
        });

        Assert.Equal("https://crm.example.com/new", client.Webhook.Url);
        var events = await EventsAsync(clientId);
        Assert.Equal([PartnerClientRegistered.Descriptor.FullName, PartnerWebhookChanged.Descriptor.FullName], events.Select(e => e.Type));
        var changed = Parse<PartnerWebhookChanged>(events[1]);
        Assert.Equal(clientId, changed.PartnerId);
        Assert.Equal("https://crm.example.com/new", changed.WebhookUrl);
        Assert.Equal("admin-7", changed.Actor);
        var save = Assert.Single(factory.Saves.All, s => s.Events.Any(x => x.Type == PartnerWebhookChanged.Descriptor.FullName && x.AggregateId == PartnerClients.AggregateId(clientId)));
        Assert.Equal([(clientId, EntityState.Modified)], save.Clients);
    }

    [Fact]
    public async Task SetPartnerWebhook_NoWebhook_RemovedAndEventWithEmptyUrl()
    {
        var clientId = NewClientId();
        await RegisterAsync(clientId, "https://crm.example.com/hooks");

        var client = await factory.Partners().SetPartnerWebhookAsync(new SetPartnerWebhookRequest { ClientId = clientId });

        Assert.Null(client.Webhook);
        Assert.Null((await factory.Partners().GetPartnerClientAsync(new GetPartnerClientRequest { ClientId = clientId })).Webhook);
        Assert.Equal("", Parse<PartnerWebhookChanged>((await EventsAsync(clientId))[1]).WebhookUrl);
    }

    [Fact]
    public async Task SetPartnerWebhook_PlainHttpToAnotherHost_InvalidArgumentAndNothingAppended()
    {
        var clientId = NewClientId();
        await RegisterAsync(clientId, "https://crm.example.com/hooks");

        var error = await Assert.ThrowsAsync<RpcException>(() => factory.Partners().SetPartnerWebhookAsync(new SetPartnerWebhookRequest
        {
            ClientId = clientId,
            Webhook = new PartnerWebhook { Url = "http://crm.example.com/hooks" },
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Single(await EventsAsync(clientId));
        Assert.Equal("https://crm.example.com/hooks", (await factory.Partners().GetPartnerClientAsync(new GetPartnerClientRequest { ClientId = clientId })).Webhook.Url);
    }

    [Fact]
    public async Task SetPartnerWebhook_UnknownClient_NotFoundAndNothingAppended()
    {
        var clientId = NewClientId();

        var error = await Assert.ThrowsAsync<RpcException>(() => factory.Partners().SetPartnerWebhookAsync(new SetPartnerWebhookRequest
        {
            ClientId = clientId,
            Webhook = new PartnerWebhook { Url = "https://crm.example.com/hooks" },
        }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Empty(await EventsAsync(clientId));
    }

    [Fact]
    public async Task SetPartnerClientDisabled_DisableThenEnable_EventsAppendedInTheSavesThatChangeTheClient()
    {
        var clientId = NewClientId();
        await RegisterAsync(clientId, "https://crm.example.com/hooks");

        await factory.Partners().SetPartnerClientDisabledAsync(new SetPartnerClientDisabledRequest { ClientId = clientId, Disabled = true, Reason = "contract ended" });
        await factory.Partners().SetPartnerClientDisabledAsync(new SetPartnerClientDisabledRequest { ClientId = clientId, Disabled = false });

        var events = await EventsAsync(clientId);
        Assert.Equal(
            [PartnerClientRegistered.Descriptor.FullName, PartnerClientDisabled.Descriptor.FullName, PartnerClientEnabled.Descriptor.FullName],
            events.Select(e => e.Type));
        Assert.Equal(clientId, Parse<PartnerClientDisabled>(events[1]).PartnerId);
        Assert.Equal("admin-7", Parse<PartnerClientDisabled>(events[1]).Actor);
        Assert.Equal(clientId, Parse<PartnerClientEnabled>(events[2]).PartnerId);
        foreach (var type in new[] { PartnerClientDisabled.Descriptor.FullName, PartnerClientEnabled.Descriptor.FullName })
        {
            var save = Assert.Single(factory.Saves.All, s => s.Events.Any(x => x.Type == type && x.AggregateId == PartnerClients.AggregateId(clientId)));
            Assert.Equal([(clientId, EntityState.Modified)], save.Clients);
        }
        // The admin's reason stays in Identity's log: it is not on the feed.
        Assert.DoesNotContain("contract ended", Parse<PartnerClientDisabled>(events[1]).ToString());
    }
}
