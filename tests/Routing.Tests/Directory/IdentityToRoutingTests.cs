extern alias identity;

using Complaints.Identity.V1;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Grpc.Net.Client;

namespace Complaints.Routing.Tests.Directory;

/// <summary>
/// Identity and Routing, both real, in one process: Identity on a real Kestrel on loopback (h2c), whose feed Routing's
/// subscriber reads over the network as in a deployment; Routing on the test server. One signing key for both.
/// </summary>
public sealed class IdentityToRoutingTests
{
    [Fact]
    public async Task SetDisabled_AdminDisablesAnAccount_AgentInactiveInRoutingThenActiveWhenEnabled()
    {
        using var identityHost = new ServiceOnKestrel<identity::Program>();
        using var routing = new ServiceFactory<Program>(new Dictionary<string, string?>
        {
            ["Services:Identity"] = identityHost.GrpcAddress,
            ["Routing:ClockTimer:Enabled"] = "false",
        });
        var admin = TestIssuer.Shared.Token("admin-1", [Roles.Admin]);
        using var identityChannel = identityHost.SocketChannel(admin);
        var accounts = new StaffAccountService.StaffAccountServiceClient(identityChannel);
        var directory = new DirectoryService.DirectoryServiceClient(routing.Channel(admin));
        var subject = "staff-" + Guid.NewGuid().ToString("N")[..10];
        await accounts.CreateAccountAsync(new CreateAccountRequest { Subject = subject, Email = subject + "@example.com", DisplayName = "Hana Kim", Roles = { Roles.Agent } });
        await directory.UpsertAgentAsync(new Agent { Id = subject, DisplayName = "Hana Kim", Languages = { "en" }, Capacity = 5, Active = true, QueueIds = { "general" } });

        await accounts.SetDisabledAsync(new SetDisabledRequest { Subject = subject, Disabled = true, Reason = "left the company" });

        await Eventually.True(async () => !await IsActiveAsync(directory, subject), $"agent {subject} inactive in Routing");
        await accounts.SetDisabledAsync(new SetDisabledRequest { Subject = subject, Disabled = false });
        await Eventually.True(() => IsActiveAsync(directory, subject), $"agent {subject} active again in Routing");
    }

    private static async Task<bool> IsActiveAsync(DirectoryService.DirectoryServiceClient directory, string agent) =>
        (await directory.ListAgentsAsync(new ListAgentsRequest())).Agents.Single(a => a.Id == agent).Active;
}
