using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Complaints.Identity.Clients;

/// <summary>
/// The platform's own services as OAuth clients (client credentials): <c>Identity:ServiceClients:{name}</c> is that
/// service's secret. Each token names its service (sub = client id) and carries the service role; only clients
/// configured here ever get it (<see cref="ClientKinds"/>), and only while they are. Stored hashed by OpenIddict; a
/// changed secret replaces the stored one at start.
/// </summary>
public sealed class ServiceClients(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<ServiceClients> logger) : IHostedService
{
    public const string Section = "Identity:ServiceClients";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        foreach (var client in configuration.GetSection(Section).GetChildren())
        {
            if (string.IsNullOrWhiteSpace(client.Value) || client.Value.Length < 32)
            {
                throw new InvalidOperationException($"{Section}:{client.Key} must be a secret of at least 32 characters.");
            }
            var descriptor = new OpenIddictApplicationDescriptor
            {
                ClientId = client.Key,
                ClientSecret = client.Value,
                ClientType = ClientTypes.Confidential,
                DisplayName = $"The {client.Key} service",
                Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
            };
            ClientKinds.Mark(descriptor, ClientKinds.Service);
            if (await ClientRegistrations.SaveAsync(applications, descriptor, cancellationToken))
            {
                logger.LogInformation("Service client {Client} registered", client.Key);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
