using Complaints.Routing.V1;
using Google.Rpc;
using Grpc.Core;

namespace Complaints.Routing.Tests.Directory;

/// <summary>An agent's optional alert address: validated on upsert, served only to services by StaffContactService.</summary>
public sealed class StaffContactTests(DirectoryFixture fixture) : IClassFixture<DirectoryFixture>
{
    private DirectoryService.DirectoryServiceClient Admin => new(fixture.Factory.Channel(fixture.Factory.Token("root", "admin")));

    private StaffContactService.StaffContactServiceClient Contacts(string role) => new(fixture.Factory.Channel(fixture.Factory.Token("caller", role)));

    private static string NewId() => $"agent-{Guid.NewGuid():N}"[..20];

    private static Agent AgentOf(string id, string email, bool active = true) => new()
    {
        Id = id,
        DisplayName = "Agent " + id,
        Languages = { "en" },
        Capacity = 5,
        Active = active,
        Email = email,
    };

    [Fact]
    public async Task UpsertAgent_WithEmail_StoredListedAndServedToServices()
    {
        var id = NewId();

        var saved = await Admin.UpsertAgentAsync(AgentOf(id, "  handler@staff.example.org "));
        var contact = await Contacts("service").GetStaffContactAsync(new GetStaffContactRequest { AgentId = id });

        Assert.Equal("handler@staff.example.org", saved.Email);
        Assert.Equal("handler@staff.example.org", contact.Email);
    }

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("two@@example.org")]
    [InlineData("Name <a@example.org>")]
    public async Task UpsertAgent_InvalidEmail_FieldViolationEmail(string email)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Admin.UpsertAgentAsync(AgentOf(NewId(), email)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("email", error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));
    }

    [Fact]
    public async Task GetStaffContact_InactiveOrUnknownOrNoAddress_Empty()
    {
        var inactive = NewId();
        var without = NewId();
        await Admin.UpsertAgentAsync(AgentOf(inactive, "gone@staff.example.org", active: false));
        await Admin.UpsertAgentAsync(AgentOf(without, ""));

        Assert.Equal("", (await Contacts("service").GetStaffContactAsync(new GetStaffContactRequest { AgentId = inactive })).Email);
        Assert.Equal("", (await Contacts("service").GetStaffContactAsync(new GetStaffContactRequest { AgentId = without })).Email);
        Assert.Equal("", (await Contacts("service").GetStaffContactAsync(new GetStaffContactRequest { AgentId = NewId() })).Email);
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("admin")]
    [InlineData("partner")]
    public async Task GetStaffContact_NotAService_PermissionDenied(string role)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Contacts(role).GetStaffContactAsync(new GetStaffContactRequest { AgentId = NewId() }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }
}
