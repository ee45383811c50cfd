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
        using var identityHost = new IdentityOnKestrel();
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

    /// <summary>Identity's own Program on Kestrel: its gRPC (h2c) and HTTP listeners on free loopback ports.</summary>
    private sealed class IdentityOnKestrel : ServiceFactory<identity::Program>
    {
        public IdentityOnKestrel() : this($"http://127.0.0.1:{TestKeys.FreePort()}")
        {
        }

        private IdentityOnKestrel(string grpcAddress) : base(new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Grpc:Url"] = grpcAddress,
            ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{TestKeys.FreePort()}",
        })
        {
            GrpcAddress = grpcAddress;
            UseKestrel();
            StartServer();
        }

        public string GrpcAddress { get; }

        /// <summary>A channel over the socket (the test server's in-memory handler is not there with Kestrel).</summary>
        public GrpcChannel SocketChannel(string token) => GrpcChannel.ForAddress(GrpcAddress, new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("Authorization", "Bearer " + token);
                return Task.CompletedTask;
            })),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
    }
}
