using System.Security.Cryptography;
using Complaints.Notifications.Data;
using Complaints.ServiceDefaults.Data;
using Complaints.ServiceDefaults.Errors;
using Complaints.ServiceDefaults.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Complaints.Notifications.Domain;

/// <summary>
/// The token in a message's unsubscribe link: the complaint id and a MAC over it, so only a recipient of a
/// message can change that complaint's preferences. The key is <c>Notifications:LinkKey</c> (base64, 32 bytes),
/// else one generated once and kept in the data folder.
/// </summary>
public sealed class LinkTokens
{
    private readonly byte[] _key;

    public LinkTokens(IConfiguration configuration)
    {
        if (configuration["Notifications:LinkKey"] is { Length: > 0 } configured)
        {
            _key = Convert.FromBase64String(configured);
            return;
        }
        _key = SealedBox.ReadOrCreateKeyFile(Path.Combine(configuration.DataDirectory(), "notifications-link.key"));
    }

    public string For(Guid complaintId)
    {
        var id = complaintId.ToByteArray();
        return Base64Url([.. id, .. HMACSHA256.HashData(_key, id).AsSpan(0, 16)]);
    }

    public Guid? Verify(string? token)
    {
        try
        {
            var bytes = Convert.FromBase64String((token ?? "").Replace('-', '+').Replace('_', '/').PadRight(((token ?? "").Length + 3) / 4 * 4, '='));
            if (bytes.Length != 32)
            {
                return null;
            }
            var expected = HMACSHA256.HashData(_key, bytes.AsSpan(0, 16)).AsSpan(0, 16);
            return CryptographicOperations.FixedTimeEquals(expected, bytes.AsSpan(16)) ? new Guid(bytes.AsSpan(0, 16)) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

public sealed record PreferenceChange(string? Token, bool? Email, bool? Sms, bool? Push, bool? OptedOut);

/// <summary>A complainant's channel choices and opt-out, changed with the token from any message's link.</summary>
public sealed class Preferences(NotificationsDbContext db, LinkTokens tokens, TimeProvider clock, IOptions<NotificationOptions> options)
{
    public string UnsubscribeUrl(Guid complaintId) =>
        $"{options.Value.PublicBaseUrl.TrimEnd('/')}/api/v1/notifications/unsubscribe?token={tokens.For(complaintId)}";

    public async Task<ChannelPreference> ChangeAsync(PreferenceChange change, CancellationToken ct)
    {
        var complaintId = tokens.Verify(change.Token) ?? throw new ValidationException("token", "is not a valid link token");
        var pref = await db.Preferences.FirstOrDefaultAsync(p => p.ComplaintId == complaintId, ct);
        if (pref is null)
        {
            pref = new ChannelPreference { ComplaintId = complaintId };
            db.Preferences.Add(pref);
        }
        pref.Email = change.Email ?? pref.Email;
        pref.Sms = change.Sms ?? pref.Sms;
        pref.Push = change.Push ?? pref.Push;
        pref.OptedOut = change.OptedOut ?? pref.OptedOut;
        pref.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return pref;
    }

    public Task<ChannelPreference?> ForAsync(Guid complaintId, CancellationToken ct) =>
        db.Preferences.AsNoTracking().FirstOrDefaultAsync(p => p.ComplaintId == complaintId, ct);
}
