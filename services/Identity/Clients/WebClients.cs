using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Complaints.Identity.Clients;

/// <summary>
/// Browser applications where staff sign in (the console's backend-for-frontend): <c>Identity:WebClients:{id}</c> with
/// <c>RedirectUris:N</c>, <c>PostLogoutRedirectUris:N</c> and, for a confidential client, <c>Secret</c>. Authorization
/// code with PKCE and refresh tokens only; no roles of their own (the tokens carry the signed-in staff member's).
/// </summary>
public sealed class WebClients(IServiceScopeFactory scopes, IConfiguration configuration) : IHostedService
{
    public const string Section = "Identity:WebClients";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        foreach (var client in configuration.GetSection(Section).GetChildren())
        {
            var secret = client["Secret"];
            var descriptor = new OpenIddictApplicationDescriptor
            {
                ClientId = client.Key,
                ClientSecret = string.IsNullOrEmpty(secret) ? null : secret,
                ClientType = string.IsNullOrEmpty(secret) ? ClientTypes.Public : ClientTypes.Confidential,
                ConsentType = ConsentTypes.Implicit,
                DisplayName = client["DisplayName"] ?? client.Key,
                Permissions =
                {
                    Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.EndSession,
                    Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
                    Permissions.Scopes.Profile, Permissions.Scopes.Email, Permissions.Scopes.Roles,
                },
                Requirements = { Requirements.Features.ProofKeyForCodeExchange },
            };
            foreach (var uri in client.GetSection("RedirectUris").Get<string[]>() ?? [])
            {
                descriptor.RedirectUris.Add(new Uri(uri, UriKind.Absolute));
            }
            foreach (var uri in client.GetSection("PostLogoutRedirectUris").Get<string[]>() ?? [])
            {
                descriptor.PostLogoutRedirectUris.Add(new Uri(uri, UriKind.Absolute));
            }
            if (descriptor.RedirectUris.Count == 0)
            {
                throw new InvalidOperationException($"{Section}:{client.Key}:RedirectUris must name at least one address.");
            }
            await ClientRegistrations.SaveAsync(applications, descriptor, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
