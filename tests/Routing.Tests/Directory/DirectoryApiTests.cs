using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Complaints.Common.V1;
using Complaints.Routing.V1;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.Routing.Tests.Directory;

/// <summary>DirectoryService over gRPC in-process: staff read, admins write, field-level validation.</summary>
public sealed class DirectoryApiTests(DirectoryFixture fixture) : IClassFixture<DirectoryFixture>
{
    private DirectoryService.DirectoryServiceClient Client(string role, string subject = "root") => new(fixture.Factory.Channel(fixture.Factory.Token(subject, role)));

    private DirectoryService.DirectoryServiceClient Admin => Client("admin");

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    private static Agent AgentOf(string id, params string[] queues) => new()
    {
        Id = id,
        DisplayName = "Agent " + id,
        Languages = { "en", "ko-KR" },
        Capacity = 10,
        Active = true,
        QueueIds = { queues },
    };

    private static List<string> FieldsOf(RpcException error)
    {
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var badRequest = error.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        return badRequest.FieldViolations.Select(v => v.Field).ToList();
    }

    [Fact]
    public async Task ListQueues_Fresh_DefaultQueueGeneralExists()
    {
        var queues = await Client("agent", "agent-x").ListQueuesAsync(new ListQueuesRequest());

        Assert.Contains(queues.Queues, q => q.Id == "general");
    }

    [Fact]
    public async Task UpsertAgent_Admin_StoredAndListedWithOpenCases()
    {
        var queue = NewId("q");
        await Admin.UpsertQueueAsync(new Queue { Id = queue, Name = "Fraud" });
        var id = NewId("agent");
        var request = AgentOf(id, queue);
        request.Categories.Add("privacy");
        request.Absences.Add(new Absence { From = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), Until = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(3)) });

        var saved = await Admin.UpsertAgentAsync(request);
        var listed = await Client("agent", "agent-x").ListAgentsAsync(new ListAgentsRequest { QueueId = queue });

        Assert.Equal(id, saved.Id);
        var agent = Assert.Single(listed.Agents);
        Assert.Equal(["en", "ko-KR"], agent.Languages);
        Assert.Equal(["privacy"], agent.Categories);
        Assert.Equal([queue], agent.QueueIds);
        Assert.Single(agent.Absences);
        Assert.Equal(0, agent.OpenCases);
    }

    [Fact]
    public async Task UpsertAgent_Again_ReplacesRecord()
    {
        var id = NewId("agent");
        await Admin.UpsertAgentAsync(AgentOf(id, "general"));
        var changed = AgentOf(id, "general");
        changed.Capacity = 3;
        changed.Active = false;
        changed.Languages.Clear();
        changed.Languages.Add("bg");

        await Admin.UpsertAgentAsync(changed);
        var agent = (await Admin.ListAgentsAsync(new ListAgentsRequest())).Agents.Single(a => a.Id == id);

        Assert.Equal((3, false), (agent.Capacity, agent.Active));
        Assert.Equal(["bg"], agent.Languages);
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("supervisor")]
    public async Task Writes_NonAdmin_PermissionDenied(string role)
    {
        var client = Client(role, "someone");

        var agent = await Assert.ThrowsAsync<RpcException>(() => client.UpsertAgentAsync(AgentOf(NewId("agent"), "general")).ResponseAsync);
        var queue = await Assert.ThrowsAsync<RpcException>(() => client.UpsertQueueAsync(new Queue { Id = "nope", Name = "Nope" }).ResponseAsync);
        var rules = await Assert.ThrowsAsync<RpcException>(() => client.ReplaceRoutingRulesAsync(new RoutingRules()).ResponseAsync);

        Assert.All([agent, queue, rules], e => Assert.Equal(StatusCode.PermissionDenied, e.StatusCode));
    }

    [Theory]
    [InlineData("analyst")]
    [InlineData("service")]
    public async Task Reads_NonStaff_PermissionDenied(string role)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client(role).ListAgentsAsync(new ListAgentsRequest()).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task UpsertAgent_Invalid_NamesEachField()
    {
        var request = new Agent
        {
            Id = "bad id!",
            DisplayName = "",
            Languages = { "en", "not a tag" },
            Categories = { " " },
            Capacity = 501,
            QueueIds = { "general", "no-such-queue" },
            Absences = { new Absence { From = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), Until = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-1)) } },
        };

        var error = await Assert.ThrowsAsync<RpcException>(() => Admin.UpsertAgentAsync(request).ResponseAsync);

        Assert.Equal(["id", "displayName", "languages[1]", "categories[0]", "capacity", "absences[0].until", "queueIds[1]"], FieldsOf(error));
    }

    [Fact]
    public async Task UpsertQueue_UnknownSupervisorOrContact_NamesField()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Admin.UpsertQueueAsync(new Queue
        {
            Id = "Upper Case",
            Name = "x",
            DesignatedContactId = "ghost",
            SupervisorIds = { "ghost-2" },
        }).ResponseAsync);

        Assert.Equal(["id", "designatedContactId", "supervisorIds[0]"], FieldsOf(error));
    }

    [Fact]
    public async Task ReplaceRoutingRules_Valid_StoredInOrderAndReadBack()
    {
        var queue = NewId("q");
        var contact = NewId("agent");
        await Admin.UpsertQueueAsync(new Queue { Id = queue, Name = "Korean" });
        await Admin.UpsertAgentAsync(AgentOf(contact, queue));
        var rules = new RoutingRules
        {
            DefaultQueueId = "general",
            Rules =
            {
                new RoutingRule { Name = "korean", Languages = { "ko" }, QueueId = queue, DesignatedContactId = contact },
                new RoutingRule { Name = "urgent", MinSeverity = Severity.Critical, Channels = { Channel.Phone }, QueueId = "general" },
            },
        };

        await Admin.ReplaceRoutingRulesAsync(rules);
        var read = await Client("agent", "agent-x").GetRoutingRulesAsync(new GetRoutingRulesRequest());

        Assert.Equal(rules, read);
    }

    [Fact]
    public async Task ReplaceRoutingRules_Invalid_ViolationsNameRuleAndField()
    {
        var rules = new RoutingRules
        {
            DefaultQueueId = "missing-default",
            Rules =
            {
                new RoutingRule { Name = "ok", QueueId = "general" },
                new RoutingRule { Name = "bad enums", QueueId = "general", Channels = { (Channel)99 }, Jurisdictions = { Jurisdiction.Unspecified }, MinSeverity = (Severity)7, ComplainantKinds = { (Complaints.Intake.V1.ComplainantKind)12 } },
                new RoutingRule { Name = "bad refs", QueueId = "nowhere", DesignatedContactId = "ghost", Categories = { "" }, Languages = { "k" } },
            },
        };

        var error = await Assert.ThrowsAsync<RpcException>(() => Admin.ReplaceRoutingRulesAsync(rules).ResponseAsync);

        Assert.Equal(
            [
                "defaultQueueId",
                "rules[1].channels[0]", "rules[1].jurisdictions[0]", "rules[1].complainantKinds[0]", "rules[1].minSeverity",
                "rules[2].categories[0]", "rules[2].languages[0]", "rules[2].queueId", "rules[2].designatedContactId",
            ],
            FieldsOf(error));
    }

    [Fact]
    public async Task ListAgentsRest_AgentToken_LowerCamelJson()
    {
        var id = NewId("agent");
        await Admin.UpsertAgentAsync(AgentOf(id, "general"));
        using var http = fixture.Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/agents?queueId=general");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Factory.Token("agent-x", "agent"));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var agent = json.RootElement.GetProperty("agents").EnumerateArray().Single(a => a.GetProperty("id").GetString() == id);
        Assert.Equal("Agent " + id, agent.GetProperty("displayName").GetString());
    }
}

/// <summary>What AddCaseDirectory registers resolves from the service's container.</summary>
public sealed class DirectoryRegistrationTests(DirectoryFixture fixture) : IClassFixture<DirectoryFixture>
{
    [Fact]
    public async Task AddCaseDirectory_Services_ResolveAndWork()
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var list = scope.ServiceProvider.GetRequiredService<Complaints.Routing.Directory.CaseListQuery>();
        var triage = scope.ServiceProvider.GetRequiredService<Complaints.Routing.Directory.Triage>();

        var page = await list.ListAsync(new ListCasesRequest(), DirectoryTestKit.User("boss", "supervisor"), CancellationToken.None);

        Assert.Empty(page.Cases);
        Assert.Equal(4, triage.Policy.KeywordGroups.Count);
        Assert.NotNull(scope.ServiceProvider.GetRequiredService<Complaints.Routing.Directory.CaseRouter>());
    }
}
