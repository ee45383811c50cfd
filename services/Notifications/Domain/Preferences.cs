using System.Security.Cryptography;
using Complaints.Common.V1;
using Complaints.Notifications.Data;
using Complaints.ServiceDefaults;
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

/// <summary>One complaint's preferences as the complainant's page shows them.</summary>
public sealed record PreferenceView(string Reference, string Language, ChannelPreference Channels);

/// <summary>
/// A complainant's channel choices and opt-out, changed with the token from any message's link: in the portal's
/// preferences page (over <c>PreferenceService</c>), by a mail client's one-click unsubscribe, or the JSON API.
/// </summary>
public sealed class Preferences(NotificationsDbContext db, LinkTokens tokens, TimeProvider clock, IOptions<NotificationOptions> options)
{
    /// <summary>The link in message bodies: the web portal's preferences page, which calls <c>PreferenceService</c>.</summary>
    public string PageUrl(Guid complaintId) => PortalLinks.Preferences(options.Value.PublicBaseUrl, tokens.For(complaintId));

    /// <summary>The List-Unsubscribe header's address: RFC 8058 one-click POST, answered by the API itself.</summary>
    public string OneClickUrl(Guid complaintId) =>
        $"{options.Value.PublicBaseUrl.TrimEnd('/')}{UnsubscribePath}?token={tokens.For(complaintId)}";

    /// <summary>
    /// Whether a complainant message of this kind goes out on this channel under these choices: what was asked for goes
    /// whatever they say, what is owed always goes by email, anything else only on a chosen channel and without an
    /// opt-out. The one rule for delivery and for what the preferences page shows.
    /// </summary>
    public static bool Sends(TemplateKinds.KindInfo kind, DeliveryChannel channel, ChannelPreference? choices)
    {
        if (kind.OnRequest || (kind.Statutory && channel == DeliveryChannel.Email))
        {
            return true;
        }
        var channelOn = channel switch
        {
            DeliveryChannel.Email => choices?.Email ?? true,
            DeliveryChannel.Sms => choices?.Sms ?? false,
            DeliveryChannel.Push => choices?.Push ?? false,
            _ => false,
        };
        return choices?.OptedOut != true && channelOn;
    }

    /// <summary>Where mail clients POST (List-Unsubscribe-Post) and where messages sent before the portal linked to.</summary>
    public const string UnsubscribePath = "/api/v1/notifications/unsubscribe";

    public Task<ChannelPreference> ChangeAsync(PreferenceChange change, CancellationToken ct) => ChangeAsync(Verify(change.Token), change, ct);

    private async Task<ChannelPreference> ChangeAsync(Guid complaintId, PreferenceChange change, CancellationToken ct)
    {
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

    /// <summary>
    /// The complaint's reference, the language to show the page in (its latest complainant message's, else the
    /// complaint's, else the default) and its preferences (the defaults when none were set). NotFound when the token
    /// is valid but Notifications knows no such complaint (tokens are only ever sent in its messages).
    /// </summary>
    public async Task<PreferenceView> ViewAsync(string? token, CancellationToken ct)
    {
        var complaintId = Verify(token);
        return await ViewAsync(complaintId, await ForAsync(complaintId, ct) ?? new ChannelPreference { ComplaintId = complaintId }, ct);
    }

    /// <summary>Applies the change, then answers as <see cref="ViewAsync(string?, CancellationToken)"/>.</summary>
    public async Task<PreferenceView> ChangeAndViewAsync(PreferenceChange change, CancellationToken ct)
    {
        var complaintId = Verify(change.Token);
        // Known before anything is stored: a valid token of an unknown complaint changes nothing.
        var view = await ViewAsync(complaintId, new ChannelPreference { ComplaintId = complaintId }, ct);
        return view with { Channels = await ChangeAsync(complaintId, change, ct) };
    }

    public Task<ChannelPreference?> ForAsync(Guid complaintId, CancellationToken ct) =>
        db.Preferences.AsNoTracking().FirstOrDefaultAsync(p => p.ComplaintId == complaintId, ct);

    private async Task<PreferenceView> ViewAsync(Guid complaintId, ChannelPreference channels, CancellationToken ct)
    {
        var c = await db.Cases.AsNoTracking().FirstOrDefaultAsync(x => x.ComplaintId == complaintId, ct);
        var latest = await db.Messages.AsNoTracking()
            .Where(m => m.ComplaintId == complaintId && m.Audience == (int)Audience.Complainant && m.RenderedLanguage != null)
            .OrderByDescending(m => m.CreatedAt).Select(m => new { m.Reference, m.RenderedLanguage }).FirstOrDefaultAsync(ct);
        var reference = c?.Reference ?? latest?.Reference ?? throw new NotFoundException("No complaint for this link.");
        var language = latest?.RenderedLanguage is { Length: > 0 } rendered ? rendered
            : c?.Language is { Length: > 0 } chosen ? chosen
            : options.Value.DefaultLanguage;
        return new PreferenceView(reference, language, channels);
    }

    private Guid Verify(string? token) => tokens.Verify(token) ?? throw new ValidationException("token", "is not a valid link token");
}
