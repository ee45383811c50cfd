using OpenIddict.Abstractions;

namespace Complaints.Identity.Clients;

/// <summary>Clients from configuration are written at every start: created once, then updated (a changed secret is hashed anew).</summary>
internal static class ClientRegistrations
{
    /// <summary>Saves the client; true when it was new.</summary>
    public static async Task<bool> SaveAsync(IOpenIddictApplicationManager applications, OpenIddictApplicationDescriptor descriptor, CancellationToken ct)
    {
        if (await applications.FindByClientIdAsync(descriptor.ClientId!, ct) is { } existing)
        {
            await applications.UpdateAsync(existing, descriptor, ct);
            return false;
        }
        await applications.CreateAsync(descriptor, ct);
        return true;
    }
}
