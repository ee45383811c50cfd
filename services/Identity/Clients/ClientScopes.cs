using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Complaints.Identity.Clients;

/// <summary>
/// Client credentials asking for a scope the client is not permitted: refused with <c>invalid_scope</c> (RFC 6749,
/// 5.2), once the client has authenticated. OpenIddict's own scope-permission check, which runs right after and
/// would answer <c>invalid_request</c>, still stands behind it.
/// </summary>
public sealed class ClientScopes(IOpenIddictApplicationManager applications) : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseScopedHandler<ClientScopes>()
            .SetOrder(OpenIddictServerHandlers.Exchange.ValidateScopePermissions.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        if (!context.Request.IsClientCredentialsGrantType() || string.IsNullOrEmpty(context.ClientId)
            || await applications.FindByClientIdAsync(context.ClientId, context.CancellationToken) is not { } client)
        {
            return;
        }
        foreach (var scope in context.Request.GetScopes())
        {
            if (!await applications.HasPermissionAsync(client, Permissions.Prefixes.Scope + scope, context.CancellationToken))
            {
                context.Reject(Errors.InvalidScope, $"This client may not be given the scope '{scope}'.");
                return;
            }
        }
    }
}
