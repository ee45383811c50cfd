using System.Security.Cryptography;
using System.Text;
using Complaints.Identity.Accounts;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Complaints.Identity.PasswordReset;

/// <summary>
/// ASP.NET Core Identity's data-protection token provider for password resets, on the injected clock: the stock one
/// reads the system clock, so a link's lifetime could not be tested on a fake one. The token is what the stock one
/// protects (creation time, user id, purpose, security stamp) under Identity's data-protection key ring (shared by the
/// replicas), base64url so it sits in a link unescaped. A reset changes the security stamp, so a link works once;
/// every link sent before it dies with it.
/// </summary>
public sealed class PasswordResetTokenProvider(
    IDataProtectionProvider protection,
    IOptions<PasswordResetTokenProviderOptions> options,
    TimeProvider clock,
    ILogger<DataProtectorTokenProvider<StaffUser>> logger) : DataProtectorTokenProvider<StaffUser>(protection, options, logger)
{
    public const string ProviderName = "PasswordReset";

    public override async Task<string> GenerateAsync(string purpose, UserManager<StaffUser> manager, StaffUser user)
    {
        using var buffer = new MemoryStream();
        await using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(clock.GetUtcNow().UtcTicks);
            writer.Write(await manager.GetUserIdAsync(user));
            writer.Write(purpose ?? "");
            writer.Write(await manager.GetSecurityStampAsync(user) ?? "");
        }
        return WebEncoders.Base64UrlEncode(Protector.Protect(buffer.ToArray()));
    }

    public override async Task<bool> ValidateAsync(string purpose, string token, UserManager<StaffUser> manager, StaffUser user)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(Protector.Unprotect(WebEncoders.Base64UrlDecode(token))), Encoding.UTF8);
            var created = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
            var userId = reader.ReadString();
            var tokenPurpose = reader.ReadString();
            var stamp = reader.ReadString();
            return reader.BaseStream.Position == reader.BaseStream.Length
                && created + Options.TokenLifespan >= clock.GetUtcNow()
                && string.Equals(userId, await manager.GetUserIdAsync(user), StringComparison.Ordinal)
                && string.Equals(tokenPurpose, purpose, StringComparison.Ordinal)
                && string.Equals(stamp, await manager.GetSecurityStampAsync(user) ?? "", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is FormatException or CryptographicException or EndOfStreamException or IOException)
        {
            // Not a token this key ring made (or cut short in a mail client): no reset.
            return false;
        }
    }
}
