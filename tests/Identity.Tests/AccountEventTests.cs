using System.Collections.Concurrent;
using Complaints.Eventing;
using Complaints.Eventing.V1;
using Complaints.Identity.Accounts;
using Complaints.Identity.Data;
using Complaints.Identity.V1;
using Complaints.TestSupport;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.Identity.Tests;

/// <summary>Identity in-process with a probe on every SaveChanges of its database.</summary>
public sealed class AccountEventsFactory : ServiceFactory<Program>
{
    public SaveProbe Saves { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // Picked up with the other interceptors when the context's options are built (AddServiceDatabase).
        builder.ConfigureTestServices(services => services.AddSingleton<IInterceptor>(Saves));
    }
}

/// <summary>What each SaveChanges of Identity's context was about to write: changed accounts and added events.</summary>
public sealed class SaveProbe : SaveChangesInterceptor
{
    public sealed record Save(IReadOnlyList<(string Subject, bool Disabled)> Users, IReadOnlyList<(string Type, string AggregateId)> Events);

    public ConcurrentQueue<Save> All { get; } = new();

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is IdentityProviderDbContext db)
        {
            All.Enqueue(new Save(
                db.ChangeTracker.Entries<StaffUser>().Where(e => e.State == EntityState.Modified).Select(e => (e.Entity.UserName ?? "", e.Entity.Disabled)).ToList(),
                db.ChangeTracker.Entries<StoredEvent>().Where(e => e.State == EntityState.Added).Select(e => (e.Entity.Type, e.Entity.AggregateId)).ToList()));
        }
        return ValueTask.FromResult(result);
    }
}

public sealed class AccountEventTests(AccountEventsFactory factory) : IClassFixture<AccountEventsFactory>
{
    private StaffAccountService.StaffAccountServiceClient Accounts() => new(factory.Channel(factory.Token("admin-7", "admin")));

    private static string NewSubject() => "staff-" + Guid.NewGuid().ToString("N")[..10];

    private async Task<string> CreateAsync(params string[] roles)
    {
        var subject = NewSubject();
        await Accounts().CreateAccountAsync(new CreateAccountRequest { Subject = subject, Email = subject + "@example.com", DisplayName = "Mira Petrova", Roles = { roles } });
        return subject;
    }

    /// <summary>The account's events in Identity's log, oldest first.</summary>
    private async Task<List<StoredEvent>> EventsAsync(string subject)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityProviderDbContext>();
        return await db.Events.AsNoTracking().Where(e => e.AggregateId == "account/" + subject).OrderBy(e => e.Sequence).ToListAsync();
    }

    private static T Parse<T>(StoredEvent e) where T : IMessage<T>, new() => new MessageParser<T>(() => new T()).ParseFrom(e.Payload);

    [Fact]
    public async Task SetDisabled_Disable_StaffAccountDisabledAppendedInTheSaveThatSetsTheFlag()
    {
        var subject = await CreateAsync("agent");

        await Accounts().SetDisabledAsync(new SetDisabledRequest { Subject = subject, Disabled = true, Reason = "left the company" });

        var stored = Assert.Single(await EventsAsync(subject));
        Assert.Equal(StaffAccountDisabled.Descriptor.FullName, stored.Type);
        var e = Parse<StaffAccountDisabled>(stored);
        Assert.Equal(subject, e.Subject);
        Assert.Equal("admin-7", e.Actor);
        Assert.InRange(e.DisabledAt.ToDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
        // One SaveChanges wrote both the flag and the event: no commit has one without the other.
        var save = Assert.Single(factory.Saves.All, s => s.Events.Any(x => x.AggregateId == "account/" + subject));
        Assert.Equal([(subject, true)], save.Users);
        Assert.Equal([(StaffAccountDisabled.Descriptor.FullName, "account/" + subject)], save.Events);
    }

    [Fact]
    public async Task SetDisabled_EnableAfterDisable_StaffAccountEnabledAppendedInTheSaveThatClearsTheFlag()
    {
        var subject = await CreateAsync("agent");
        await Accounts().SetDisabledAsync(new SetDisabledRequest { Subject = subject, Disabled = true, Reason = "on leave" });

        var account = await Accounts().SetDisabledAsync(new SetDisabledRequest { Subject = subject, Disabled = false });

        Assert.False(account.Disabled);
        var events = await EventsAsync(subject);
        Assert.Equal([StaffAccountDisabled.Descriptor.FullName, StaffAccountEnabled.Descriptor.FullName], events.Select(e => e.Type));
        var enabled = Parse<StaffAccountEnabled>(events[1]);
        Assert.Equal(subject, enabled.Subject);
        Assert.Equal("admin-7", enabled.Actor);
        var save = Assert.Single(factory.Saves.All, s => s.Events.Any(x => x.Type == StaffAccountEnabled.Descriptor.FullName && x.AggregateId == "account/" + subject));
        Assert.Equal([(subject, false)], save.Users);
    }

    [Fact]
    public async Task SetDisabled_UnknownSubject_NotFoundAndNothingAppended()
    {
        var subject = NewSubject();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Accounts().SetDisabledAsync(new SetDisabledRequest { Subject = subject, Disabled = true, Reason = "left the company" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Empty(await EventsAsync(subject));
    }

    [Fact]
    public async Task SetRoles_NewSet_StaffAccountRolesChangedWithTheWholeSetAndRolesApplied()
    {
        var subject = await CreateAsync("agent", "analyst");

        await Accounts().SetRolesAsync(new SetRolesRequest { Subject = subject, Roles = { "supervisor", "agent" } });

        var e = Parse<StaffAccountRolesChanged>(Assert.Single(await EventsAsync(subject)));
        Assert.Equal(subject, e.Subject);
        Assert.Equal(["agent", "supervisor"], e.Roles);
        Assert.Equal("admin-7", e.Actor);
        Assert.Equal(["agent", "supervisor"], (await Accounts().ListAccountsAsync(new ListAccountsRequest())).Accounts.Single(a => a.Subject == subject).Roles);
    }

    [Fact]
    public async Task SetRoles_InvalidRole_NothingAppendedAndRolesUnchanged()
    {
        var subject = await CreateAsync("agent");

        await Assert.ThrowsAsync<RpcException>(() => Accounts().SetRolesAsync(new SetRolesRequest { Subject = subject, Roles = { "partner" } }).ResponseAsync);

        Assert.Empty(await EventsAsync(subject));
        Assert.Equal(["agent"], (await Accounts().ListAccountsAsync(new ListAccountsRequest())).Accounts.Single(a => a.Subject == subject).Roles);
    }

    [Fact]
    public async Task Subscribe_ServiceCaller_FeedServesTheAccountEvent()
    {
        var subject = await CreateAsync("agent");
        await Accounts().SetDisabledAsync(new SetDisabledRequest { Subject = subject, Disabled = true, Reason = "left the company" });
        var feed = new EventFeed.EventFeedClient(factory.Channel(factory.Token("routing", "service")));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        using var call = feed.Subscribe(new SubscribeRequest { EventTypes = { StaffAccountDisabled.Descriptor.FullName } }, cancellationToken: timeout.Token);
        EventEnvelope? found = null;
        await foreach (var envelope in call.ResponseStream.ReadAllAsync(timeout.Token))
        {
            if (envelope.AggregateId == "account/" + subject)
            {
                found = envelope;
                break;
            }
        }

        Assert.NotNull(found);
        Assert.Equal("identity", found.Source);
        Assert.Equal(subject, StaffAccountDisabled.Parser.ParseFrom(found.Payload.Value).Subject);
    }

    [Fact]
    public async Task Subscribe_StaffCaller_PermissionDenied()
    {
        var feed = new EventFeed.EventFeedClient(factory.Channel(factory.Token("admin-7", "admin")));

        using var call = feed.Subscribe(new SubscribeRequest());
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }
}
