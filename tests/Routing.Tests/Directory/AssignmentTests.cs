using Complaints.Common.V1;
using Complaints.Routing.Directory;
using Complaints.Routing.Domain;
using Complaints.ServiceDefaults.Errors;

namespace Complaints.Routing.Tests.Directory;

public sealed class AssignmentTests : IDisposable
{
    private readonly DirectoryTestKit _kit = new();

    private async Task OpenCasesFor(string agent, int count, CaseStatus status = CaseStatus.InInvestigation) =>
        await _kit.SeedAsync(Enumerable.Range(0, count).Select(_ => DirectoryTestKit.NewCase(status: status, queue: "general", assignee: agent)).ToArray());

    [Fact]
    public async Task RouteAsync_LeastLoadedAgent_Assigned()
    {
        await _kit.AgentAsync("busy", capacity: 5);
        await _kit.AgentAsync("quiet", capacity: 5);
        await OpenCasesFor("busy", 3);
        await OpenCasesFor("quiet", 1);

        var c = await _kit.RouteAsync(DirectoryTestKit.NewCase());

        Assert.Equal("quiet", c.AssigneeId);
    }

    [Fact]
    public async Task RouteAsync_ClosedCases_DoNotCountAsLoad()
    {
        await _kit.AgentAsync("a-many-closed", capacity: 5);
        await _kit.AgentAsync("b-one-open", capacity: 5);
        await OpenCasesFor("a-many-closed", 4, CaseStatus.Closed);
        await OpenCasesFor("b-one-open", 1);

        var c = await _kit.RouteAsync(DirectoryTestKit.NewCase());

        Assert.Equal("a-many-closed", c.AssigneeId);
    }

    [Fact]
    public async Task RouteAsync_LanguageAndCategorySkills_Required()
    {
        await _kit.AgentAsync("en-only", languages: "en");
        await _kit.AgentAsync("ko-privacy", languages: "ko", categories: "privacy");
        await _kit.AgentAsync("ko-any", languages: "en,ko-KR");
        await OpenCasesFor("ko-any", 2);

        var privacy = await _kit.RouteAsync(DirectoryTestKit.NewCase(category: "privacy", language: "ko"));
        var billing = await _kit.RouteAsync(DirectoryTestKit.NewCase(category: "billing", language: "ko-KR"));

        Assert.Equal("ko-privacy", privacy.AssigneeId);
        Assert.Equal("ko-any", billing.AssigneeId);
    }

    [Fact]
    public async Task RouteAsync_AtCapacityInactiveAbsentOrOtherQueue_Skipped()
    {
        await _kit.QueueAsync("other");
        await _kit.AgentAsync("full", capacity: 2);
        await OpenCasesFor("full", 2);
        await _kit.AgentAsync("inactive", active: false);
        await _kit.AgentAsync("absent", absences: [(DirectoryTestKit.Now.AddDays(-1), DirectoryTestKit.Now.AddDays(1))]);
        await _kit.AgentAsync("zero", capacity: 0);
        await _kit.AgentAsync("elsewhere", queues: "other");
        await _kit.AgentAsync("back-from-leave", capacity: 9, absences: [(DirectoryTestKit.Now.AddDays(-10), DirectoryTestKit.Now)]);
        await OpenCasesFor("back-from-leave", 8);

        var c = await _kit.RouteAsync(DirectoryTestKit.NewCase());

        Assert.Equal("back-from-leave", c.AssigneeId);
    }

    [Fact]
    public async Task RouteAsync_NoAgentAvailable_StaysInQueueUnassignedAndRecorded()
    {
        await _kit.AgentAsync("away", active: false);

        var c = await _kit.RouteAsync(DirectoryTestKit.NewCase());

        Assert.Equal("general", c.QueueId);
        Assert.Null(c.AssigneeId);
        var entry = Assert.Single(await _kit.AssignmentEntriesAsync(c));
        Assert.False(entry.IsPublic);
        Assert.Equal("Queued in general, unassigned", entry.Title);
        var e = Assert.Single(await _kit.AssignedEventsAsync(c));
        Assert.Equal(("general", ""), (e.QueueId, e.AssigneeId));
    }

    [Fact]
    public async Task RouteAsync_Ties_FewestOpenThenId()
    {
        // Same load ratio (1/2 and 2/4): the one with fewer open cases wins.
        await _kit.AgentAsync("b-small", capacity: 2);
        await _kit.AgentAsync("a-large", capacity: 4);
        await OpenCasesFor("b-small", 1);
        await OpenCasesFor("a-large", 2);
        // Fully equal: the lower id wins.
        await _kit.QueueAsync("twins");
        await _kit.AgentAsync("twin-b", queues: "twins", languages: "bg");
        await _kit.AgentAsync("twin-a", queues: "twins", languages: "bg");
        await _kit.RulesAsync(new V1.RoutingRules { DefaultQueueId = "general", Rules = { new V1.RoutingRule { Name = "bg", Languages = { "bg" }, QueueId = "twins" } } });

        var first = await _kit.RouteAsync(DirectoryTestKit.NewCase());
        var twins = await _kit.RouteAsync(DirectoryTestKit.NewCase(language: "bg"));

        Assert.Equal("b-small", first.AssigneeId);
        Assert.Equal(("twins", "twin-a"), (twins.QueueId, twins.AssigneeId));
    }

    [Fact]
    public async Task RouteAsync_Assigned_RecordsEntryAndEventWithQueueDetails()
    {
        await _kit.AgentAsync("sup-1");
        await _kit.AgentAsync("handler", queues: "vip");
        await _kit.QueueAsync("vip", supervisors: "sup-1", designatedContact: "handler");
        await _kit.RulesAsync(new V1.RoutingRules { DefaultQueueId = "vip" });

        var c = await _kit.RouteAsync(DirectoryTestKit.NewCase(confidential: true, jurisdiction: Jurisdiction.AuAsic));

        Assert.Equal(CaseStatus.Received, (CaseStatus)c.Status);
        var entry = Assert.Single(await _kit.AssignmentEntriesAsync(c));
        Assert.Equal(EntryKinds.Assignment, entry.Kind);
        Assert.False(entry.IsPublic);
        Assert.Equal(CaseJournal.System, entry.Actor);
        var e = Assert.Single(await _kit.AssignedEventsAsync(c));
        Assert.Equal(c.Reference, e.Reference);
        Assert.Equal(("vip", "handler", "", "handler"), (e.QueueId, e.AssigneeId, e.PreviousAssigneeId, e.DesignatedContactId));
        Assert.Equal(["sup-1"], e.SupervisorIds);
        Assert.True(e.Confidential);
        Assert.Equal(("billing", Jurisdiction.AuAsic), (e.Category, e.Jurisdiction));
    }

    [Fact]
    public async Task AssignAsync_AgentTakesUnassigned_AssignedToThemselves()
    {
        await _kit.AgentAsync("agent-1");
        var c = DirectoryTestKit.NewCase(queue: "general");
        await _kit.SeedAsync(c);

        var assigned = await _kit.AssignAsync(c, null, null, DirectoryTestKit.User("agent-1", "agent"));

        Assert.Equal("agent-1", assigned.AssigneeId);
        Assert.Equal(CaseStatus.Received, (CaseStatus)assigned.Status);
        var e = Assert.Single(await _kit.AssignedEventsAsync(c));
        Assert.Equal(("agent-1", "agent-1"), (e.AssigneeId, e.Actor));
    }

    [Fact]
    public async Task AssignAsync_AgentAssignsSomeoneElse_Forbidden()
    {
        await _kit.AgentAsync("agent-1");
        await _kit.AgentAsync("agent-2");
        var c = DirectoryTestKit.NewCase(queue: "general");
        await _kit.SeedAsync(c);

        await Assert.ThrowsAsync<ForbiddenException>(() => _kit.AssignAsync(c, null, "agent-2", DirectoryTestKit.User("agent-1", "agent")));
        Assert.Empty(await _kit.AssignedEventsAsync(c));
    }

    [Fact]
    public async Task AssignAsync_AgentTakesAssignedCase_Forbidden()
    {
        await _kit.AgentAsync("agent-1");
        var c = DirectoryTestKit.NewCase(queue: "general", assignee: "agent-2");
        await _kit.SeedAsync(c);

        await Assert.ThrowsAsync<ForbiddenException>(() => _kit.AssignAsync(c, null, "agent-1", DirectoryTestKit.User("agent-1", "agent")));
    }

    [Fact]
    public async Task AssignAsync_AgentMovesQueue_Forbidden()
    {
        await _kit.QueueAsync("other");
        await _kit.AgentAsync("agent-1", queues: "general,other");
        var c = DirectoryTestKit.NewCase(queue: "general");
        await _kit.SeedAsync(c);

        await Assert.ThrowsAsync<ForbiddenException>(() => _kit.AssignAsync(c, "other", "agent-1", DirectoryTestKit.User("agent-1", "agent")));
    }

    [Theory]
    [InlineData("supervisor")]
    [InlineData("admin")]
    public async Task AssignAsync_SupervisorReassigns_RecordsPreviousAssignee(string role)
    {
        await _kit.AgentAsync("agent-1");
        await _kit.AgentAsync("agent-2");
        var c = DirectoryTestKit.NewCase(queue: "general", assignee: "agent-1", status: CaseStatus.Acknowledged);
        await _kit.SeedAsync(c);

        var assigned = await _kit.AssignAsync(c, null, "agent-2", DirectoryTestKit.User("boss", role));

        Assert.Equal("agent-2", assigned.AssigneeId);
        Assert.Equal(CaseStatus.Acknowledged, (CaseStatus)assigned.Status);
        var e = Assert.Single(await _kit.AssignedEventsAsync(c));
        Assert.Equal(("agent-2", "agent-1", "boss"), (e.AssigneeId, e.PreviousAssigneeId, e.Actor));
        var entry = Assert.Single(await _kit.AssignmentEntriesAsync(c));
        Assert.Equal("Reassigned from agent-1 to agent-2 (general)", entry.Title);
    }

    [Fact]
    public async Task AssignAsync_QueueSupervisorAgent_MayReassign()
    {
        await _kit.AgentAsync("lead");
        await _kit.AgentAsync("agent-1");
        await _kit.AgentAsync("agent-2");
        await _kit.QueueAsync("team", supervisors: "lead");
        var c = DirectoryTestKit.NewCase(queue: "team", assignee: "agent-1");
        await _kit.SeedAsync(c);

        var assigned = await _kit.AssignAsync(c, null, "agent-2", DirectoryTestKit.User("lead", "agent"));

        Assert.Equal("agent-2", assigned.AssigneeId);
    }

    [Fact]
    public async Task AssignAsync_SupervisorEmptyAssignee_PicksLeastLoadedOfNewQueue()
    {
        await _kit.QueueAsync("fraud");
        await _kit.QueueAsync("empty", designatedContact: null);
        await _kit.AgentAsync("f-busy", queues: "fraud");
        await _kit.AgentAsync("f-free", queues: "fraud");
        await OpenCasesFor("f-busy", 2);
        var c = DirectoryTestKit.NewCase(queue: "general", assignee: "someone");
        var d = DirectoryTestKit.NewCase(queue: "general", assignee: "someone");
        await _kit.SeedAsync(c, d);

        var moved = await _kit.AssignAsync(c, "fraud", null, DirectoryTestKit.User("boss", "supervisor"));
        var waiting = await _kit.AssignAsync(d, "empty", null, DirectoryTestKit.User("boss", "supervisor"));

        Assert.Equal(("fraud", "f-free"), (moved.QueueId, moved.AssigneeId));
        Assert.Equal(("empty", null), (waiting.QueueId, waiting.AssigneeId));
    }

    [Fact]
    public async Task AssignAsync_UnknownAssigneeOrQueue_ValidationNamesField()
    {
        var c = DirectoryTestKit.NewCase(queue: "general");
        await _kit.SeedAsync(c);

        var agent = await Assert.ThrowsAsync<ValidationException>(() => _kit.AssignAsync(c, null, "ghost", DirectoryTestKit.User("boss", "supervisor")));
        var queue = await Assert.ThrowsAsync<ValidationException>(() => _kit.AssignAsync(c, "nowhere", null, DirectoryTestKit.User("boss", "supervisor")));

        Assert.Equal("assigneeId", Assert.Single(agent.Violations).Field);
        Assert.Equal("queueId", Assert.Single(queue.Violations).Field);
    }

    [Fact]
    public async Task AssignAsync_ClosedCase_Precondition()
    {
        await _kit.AgentAsync("agent-1");
        var c = DirectoryTestKit.NewCase(queue: "general", status: CaseStatus.Closed);
        await _kit.SeedAsync(c);

        await Assert.ThrowsAsync<PreconditionException>(() => _kit.AssignAsync(c, null, "agent-1", DirectoryTestKit.User("boss", "supervisor")));
    }

    public void Dispose() => _kit.Dispose();
}
