using OpenIddict.Abstractions;

namespace Complaints.Identity.Clients;

/// <summary>Clients from configuration are written at every start: created once, then updated (a changed secret is hashed anew).</summary>
internal static class ClientRegistrations
{
    /// <summary>Saves the client; true when it was new. A client of another kind (a registered partner) is never taken over.</summary>
    public static async Task<bool> SaveAsync(IOpenIddictApplicationManager applications, OpenIddictApplicationDescriptor descriptor, CancellationToken ct)
    {
        if (await applications.FindByClientIdAsync(descriptor.ClientId!, ct) is { } existing)
        {
            var kind = ClientKinds.Of(await applications.GetPropertiesAsync(existing, ct));
            if (kind is not null && kind != ClientKinds.Of(descriptor.Properties))
            {
                throw new InvalidOperationException(
                    $"The configured client {descriptor.ClientId} has the client id of an existing {kind} client: give it another name.");
            }
            await applications.UpdateAsync(existing, descriptor, ct);
            return false;
        }
        await applications.CreateAsync(descriptor, ct);
        return true;
    }
}
