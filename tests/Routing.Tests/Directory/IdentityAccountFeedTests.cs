using Complaints.Eventing;
using Complaints.Identity.V1;
using Complaints.Routing.Data;
using Complaints.Routing.Directory;
using Complaints.Routing.Tests.CaseWork;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Auth;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Complaints.Routing.Tests.Directory;

/// <summary>Identity's account events applied to the directory by Routing's handlers, as the subscriber applies them.</summary>
public sealed class IdentityAccountFeedTests(RoutingHost host) : IClassFixture<RoutingHost>
{
    private DirectoryService.DirectoryServiceClient Directory() => new(host.Channel(host.StaffToken("admin-1", Roles.Admin)));

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    private StaffAccountDisabled Disabled(string subject) =>
        new() { Subject = subject, DisabledAt = Timestamp.FromDateTimeOffset(host.Clock.GetUtcNow()), Actor = "admin-7" };

    private StaffAccountEnabled Enabled(string subject) =>
        new() { Subject = subject, EnabledAt = Timestamp.FromDateTimeOffset(host.Clock.GetUtcNow()), Actor = "admin-7" };

    /// <summary>A queue of its own with one active agent in it.</summary>
    private async Task<(string Queue, string Agent)> AgentInOwnQueueAsync()
    {
        var queue = NewId("q");
        var agent = NewId("agent");
        await Directory().UpsertQueueAsync(new Queue { Id = queue, Name = "Queue " + queue });
        await Directory().UpsertAgentAsync(new Agent { Id = agent, DisplayName = "Hana Kim", Languages = { "en" }, Capacity = 5, Active = true, QueueIds = { queue }, Email = agent + "@example.com" });
        return (queue, agent);
    }

    private async Task<Agent> AgentAsync(string queue, string agent) =>
        (await Directory().ListAgentsAsync(new ListAgentsRequest { QueueId = queue })).Agents.Single(a => a.Id == agent);

    /// <summary>Whom the router would pick in the queue now for an English billing case.</summary>
    private Task<string?> PickAsync(string queue) =>
        host.QueryAsync(db => CaseRouter.PickAgentAsync(db, DirectoryTestKit.NewCase(), queue, host.Clock.GetUtcNow(), CancellationToken.None));

    [Fact]
    public async Task StaffAccountDisabled_AgentWithAnOpenCase_InactiveNoLongerPickedAndTheCaseStaysAssigned()
    {
        var (queue, agent) = await AgentInOwnQueueAsync();
        var complaint = await host.OpenCaseAsync();
        await host.Work("sup-1", Roles.Supervisor).AssignCaseAsync(new AssignCaseRequest { Reference = complaint.Reference, QueueId = queue, AssigneeId = agent });
        Assert.Equal(agent, await PickAsync(queue));

        await host.DeliverAsync(Disabled(agent), Sources.Identity, "account/" + agent);

        var listed = await AgentAsync(queue, agent);
        Assert.False(listed.Active);
        Assert.Equal(1, listed.OpenCases);
        Assert.Equal(5, listed.Capacity);
        Assert.Equal([queue], listed.QueueIds);
        Assert.Null(await PickAsync(queue));
        Assert.Equal(agent, await host.QueryAsync(db => db.Cases.Where(c => c.Reference == complaint.Reference).Select(c => c.AssigneeId).SingleAsync()));
    }

    [Fact]
    public async Task StaffAccountEnabled_AgentDeactivatedByTheFeed_ActiveAndPickedAgain()
    {
        var (queue, agent) = await AgentInOwnQueueAsync();
        await host.DeliverAsync(Disabled(agent), Sources.Identity, "account/" + agent);

        await host.DeliverAsync(Enabled(agent), Sources.Identity, "account/" + agent);

        Assert.True((await AgentAsync(queue, agent)).Active);
        Assert.Equal(agent, await PickAsync(queue));
    }

    [Fact]
    public async Task StaffAccountDisabled_SameEventAppliedTwice_AgentInactiveAndNothingElseChanged()
    {
        var (queue, agent) = await AgentInOwnQueueAsync();
        var before = await AgentAsync(queue, agent);
        var e = Disabled(agent);

        await host.DeliverAsync(e, Sources.Identity, "account/" + agent);
        await host.DeliverAsync(e, Sources.Identity, "account/" + agent);

        var after = await AgentAsync(queue, agent);
        before.Active = false;
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task StaffAccountDisabledThenEnabled_OneBatch_ActiveAtTheEnd()
    {
        var (queue, agent) = await AgentInOwnQueueAsync();

        await host.DeliverBatchAsync(Sources.Identity, Disabled(agent), Enabled(agent));

        Assert.True((await AgentAsync(queue, agent)).Active);
    }

    [Fact]
    public async Task StaffAccountDisabled_NoAgentWithThatSubject_IgnoredAndNoAgentCreated()
    {
        var subject = NewId("nobody");
        var agentsBefore = await host.QueryAsync(db => db.Set<StaffAgent>().CountAsync());

        await host.DeliverAsync(Disabled(subject), Sources.Identity, "account/" + subject);
        await host.DeliverAsync(Enabled(subject), Sources.Identity, "account/" + subject);

        Assert.False(await host.QueryAsync(db => db.Set<StaffAgent>().AnyAsync(a => a.Id == subject)));
        Assert.Equal(agentsBefore, await host.QueryAsync(db => db.Set<StaffAgent>().CountAsync()));
    }

    [Fact]
    public void Handlers_IdentityFeed_OneForEachAccountEventRegistered()
    {
        using var scope = host.Services.CreateScope();
        var handled = scope.ServiceProvider.GetServices<IEventHandler<RoutingDbContext>>()
            .Where(h => h.Source == Sources.Identity)
            .Select(h => h.EventType)
            .Order(StringComparer.Ordinal);

        Assert.Equal([StaffAccountDisabled.Descriptor.FullName, StaffAccountEnabled.Descriptor.FullName], handled);
    }

    [Fact]
    public async Task Start_IdentityAddressNotSet_ServesWithoutReadingIdentitysFeed()
    {
        using var routing = new ServiceFactory<Program>(new Dictionary<string, string?> { ["Services:Identity"] = "", ["Routing:ClockTimer:Enabled"] = "false" });

        var queues = await new DirectoryService.DirectoryServiceClient(routing.Channel(routing.Token("agent-1", Roles.Agent))).ListQueuesAsync(new ListQueuesRequest());

        Assert.Contains(queues.Queues, q => q.Id == StaffDirectory.DefaultQueueId);
        // Intake, Notifications and Insights are read; Identity's feed is not.
        Assert.Equal(3, routing.Services.GetServices<IHostedService>().OfType<EventSubscriber<RoutingDbContext>>().Count());
        Assert.Equal(4, host.Services.GetServices<IHostedService>().OfType<EventSubscriber<RoutingDbContext>>().Count());
    }
}
