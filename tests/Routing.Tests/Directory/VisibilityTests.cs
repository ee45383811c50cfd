using Complaints.Routing.Data;
using Complaints.Routing.Directory;
using Complaints.Routing.Domain;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Complaints.Routing.Tests.Directory;

/// <summary>GetCase of a confidential case over gRPC: seen by its handler and supervisors, NotFound for other agents.</summary>
public sealed class VisibilityTests(DirectoryFixture fixture) : IClassFixture<DirectoryFixture>
{
    private CaseService.CaseServiceClient Client(string subject, string role) => new(fixture.Factory.Channel(fixture.Factory.Token(subject, role)));

    private async Task<Case> SeedAsync(bool confidential, string queue, string? assignee, params (string Id, string Supervisors)[] queues)
    {
        var c = DirectoryTestKit.NewCase(confidential: confidential, queue: queue, assignee: assignee);
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        foreach (var (id, supervisors) in queues)
        {
            db.Add(new CaseQueue { Id = id, Name = id, SupervisorIds = supervisors });
        }
        scope.ServiceProvider.GetRequiredService<CaseJournal>().Text.Provision(c);
        db.Cases.Add(c);
        await db.SaveChangesAsync();
        return c;
    }

    [Theory]
    [InlineData("handler-1", "agent")]
    [InlineData("team-lead", "supervisor")]
    [InlineData("root", "admin")]
    public async Task GetCase_ConfidentialAllowedViewer_Sees(string subject, string role)
    {
        var queue = "vis-" + Guid.NewGuid().ToString("N")[..8];
        var c = await SeedAsync(true, queue, "handler-1", (queue, "team-lead"));

        var response = await Client(subject, role).GetCaseAsync(new GetCaseRequest { Reference = c.Reference });

        Assert.True(response.Confidential);
        Assert.Equal(c.Reference, response.Reference);
    }

    [Fact]
    public async Task GetCase_ConfidentialSupervisorOfAnotherQueue_NotFound()
    {
        var queue = "vis-" + Guid.NewGuid().ToString("N")[..8];
        var c = await SeedAsync(true, queue, "handler-1", (queue, "team-lead"));

        var error = await Assert.ThrowsAsync<RpcException>(() => Client("boss", "supervisor").GetCaseAsync(new GetCaseRequest { Reference = c.Reference }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task ListCases_ConfidentialSupervisorOfAnotherQueue_Absent()
    {
        var queue = "vis-" + Guid.NewGuid().ToString("N")[..8];
        var c = await SeedAsync(true, queue, "handler-1", (queue, "team-lead"));
        var request = new ListCasesRequest { Filter = new CaseFilter { QueueId = queue, Confidential = ConfidentialFilter.Only } };

        var outsider = await new CaseWorkService.CaseWorkServiceClient(fixture.Factory.Channel(fixture.Factory.Token("boss", "supervisor"))).ListCasesAsync(request);
        var lead = await new CaseWorkService.CaseWorkServiceClient(fixture.Factory.Channel(fixture.Factory.Token("team-lead", "supervisor"))).ListCasesAsync(request);

        Assert.Empty(outsider.Cases);
        Assert.Equal(c.Reference, Assert.Single(lead.Cases).Reference);
    }

    [Fact]
    public async Task GetCase_ConfidentialOtherAgent_NotFound()
    {
        var c = await SeedAsync(true, "general", "handler-1");

        var error = await Assert.ThrowsAsync<RpcException>(() => Client("agent-2", "agent").GetCaseAsync(new GetCaseRequest { Reference = c.Reference }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task GetCase_ConfidentialQueueSupervisorAgent_Sees()
    {
        var queue = "vis-" + Guid.NewGuid().ToString("N")[..8];
        var c = await SeedAsync(true, queue, "handler-1", (queue, "team-lead"));

        var response = await Client("team-lead", "agent").GetCaseAsync(new GetCaseRequest { Reference = c.Reference });
        var other = await Assert.ThrowsAsync<RpcException>(() => Client("team-member", "agent").GetCaseAsync(new GetCaseRequest { Reference = c.Reference }).ResponseAsync);

        Assert.Equal(c.Reference, response.Reference);
        Assert.Equal(StatusCode.NotFound, other.StatusCode);
    }

    [Fact]
    public async Task GetCase_NotConfidential_AnyAgentSees()
    {
        var c = await SeedAsync(false, "general", "handler-1");

        var response = await Client("agent-2", "agent").GetCaseAsync(new GetCaseRequest { Reference = c.Reference });

        Assert.False(response.Confidential);
    }

    [Theory]
    [InlineData("agent-1", false, "agent")]
    [InlineData("boss", false, "supervisor")]
    [InlineData("lead", true, "agent")]
    [InlineData("root", true, "admin")]
    [InlineData("auditor", true, "agent", "compliance")]
    public void MaySee_ConfidentialUnassigned_QueueSupervisorsAdminsAndReaderRolesOnly(string subject, bool expected, params string[] roles)
    {
        var c = DirectoryTestKit.NewCase(confidential: true, queue: "general");
        var rule = new NeedToKnow(Options.Create(new ConfidentialityOptions { ReaderRoles = ["compliance"] }));

        var viewer = rule.For(DirectoryTestKit.User(subject, roles), subject == "lead" ? ["general"] : []);

        Assert.Equal(expected, viewer.MaySee(c));
    }
}
