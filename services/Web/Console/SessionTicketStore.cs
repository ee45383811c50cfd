using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;

namespace Complaints.Web.Console;

/// <summary>
/// Keeps the console's sessions (the staff member's claims and tokens) on the server: the browser's cookie carries only
/// a random key. Stored in the shared cache (Redis when configured, so every replica sees them; else this process's
/// memory, and a restart means signing in again, silently while the identity provider's own session lasts), each
/// ticket encrypted with the web app's data-protection keys, so a copy of Redis holds no usable token.
/// </summary>
public sealed class SessionTicketStore(IDistributedCache cache, IDataProtectionProvider protection, TimeProvider time) : ITicketStore
{
    /// <summary>The ticket's own record of its key: token renewal locks and re-reads the session by it.</summary>
    public const string KeyItem = ".console.session";

    private const string Prefix = "console-session:";
    private static readonly TicketSerializer Serializer = TicketSerializer.Default;
    private readonly IDataProtector _protector = protection.CreateProtector("complaints-web/console-session");

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var key = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        await RenewAsync(key, ticket);
        return key;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        ticket.Properties.Items[KeyItem] = key;
        var options = new DistributedCacheEntryOptions();
        if (ticket.Properties.ExpiresUtc is { } expires)
        {
            options.AbsoluteExpiration = expires;
        }
        else
        {
            options.AbsoluteExpirationRelativeToNow = TimeSpan.FromHours(10);
        }
        return cache.SetAsync(Prefix + key, _protector.Protect(Serializer.Serialize(ticket)), options);
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        if (await cache.GetAsync(Prefix + key) is not { } bytes)
        {
            return null;
        }
        try
        {
            var ticket = Serializer.Deserialize(_protector.Unprotect(bytes));
            return ticket?.Properties.ExpiresUtc is { } expires && expires <= time.GetUtcNow() ? null : ticket;
        }
        catch (CryptographicException)
        {
            // A key ring that no longer holds the key it was sealed with: the session is over.
            return null;
        }
    }

    public Task RemoveAsync(string key) => cache.RemoveAsync(Prefix + key);
}
