using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Complaints.Notifications.Data;
using Complaints.Notifications.V1;
using Complaints.ServiceDefaults.Data;
using Complaints.ServiceDefaults.Errors;
using Complaints.ServiceDefaults.Security;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Complaints.Notifications.Domain;

/// <summary>
/// Notifications' master key (<c>Notifications:MasterKey</c>, base64 of 32 bytes) seals the partners' webhook signing
/// secrets at rest. Production sets it (a secret shared by the replicas): with <c>Database:Provider=SqlServer</c> a
/// missing key stops the service at start. Embedded (SQLite, one machine, the local launcher) falls back to a key
/// file made once in DataDir.
/// </summary>
public sealed class WebhookKeys(IConfiguration configuration)
{
    public const string Setting = "Notifications:MasterKey";
    public const string KeyFile = "notifications-master.key";

    private readonly Lazy<byte[]> _master = new(() =>
    {
        if (configuration[Setting] is { Length: > 0 } || DatabaseProvider.From(configuration) == DatabaseProvider.SqlServer)
        {
            return SealedBox.ReadKey(configuration, Setting);
        }
        return SealedBox.ReadOrCreateKeyFile(Path.Combine(configuration.DataDirectory(), KeyFile));
    });

    public byte[] Master => _master.Value;

    /// <summary>AES-256-GCM under the master key, the partner id and the field bound in: a sealed secret cannot be moved to another partner or field.</summary>
    public byte[] Seal(string partnerId, string field, string secret) =>
        SealedBox.Seal(Master, Encoding.UTF8.GetBytes(secret), Aad(partnerId, field));

    public string Open(string partnerId, string field, byte[] sealedSecret) =>
        Encoding.UTF8.GetString(SealedBox.Open(Master, sealedSecret, Aad(partnerId, field)));

    private static byte[] Aad(string partnerId, string field) => Encoding.UTF8.GetBytes("partner-webhook/" + partnerId + "/" + field);
}

/// <summary>Reads the master key at start, so an instance without it fails before taking traffic, not at its first webhook.</summary>
internal sealed class WebhookKeyCheck(WebhookKeys keys) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = keys.Master;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Whether a partner's webhook messages go out, and where, signed with which secrets (the current one first).</summary>
public sealed record WebhookTarget(WebhookTargetState State, string Url, IReadOnlyList<string> Secrets)
{
    public static readonly WebhookTarget None = new(WebhookTargetState.None, "", []);
    public static readonly WebhookTarget Disabled = new(WebhookTargetState.Disabled, "", []);
}

public enum WebhookTargetState
{
    /// <summary>No address: the message is recorded NOT_APPLICABLE.</summary>
    None,

    /// <summary>The webhook or its partner client is disabled: the message is recorded SUPPRESSED.</summary>
    Disabled,

    Active,
}

/// <summary>
/// Partner webhooks, keyed by the partner id. The database is the source: a row is created (or linked) by Identity's
/// feed when an admin registers a partner or changes its address, or by the admin API. Configuration
/// (<c>Notifications:Webhooks:{partnerId}</c>, the way before) is the fallback for a partner without a row, and the seed
/// of its row: the first change of such a partner stores the configured address and secret, and from then on the row
/// rules and the configured entry is ignored. Secrets are sealed at rest (<see cref="WebhookKeys"/>) and never logged;
/// only a rotation returns one.
/// </summary>
public sealed partial class PartnerWebhooks(WebhookKeys keys, IOptionsMonitor<NotificationOptions> options, TimeProvider clock, ILogger<PartnerWebhooks> logger)
{
    private const string SecretField = "secret";
    private const string PreviousSecretField = "previous-secret";

    /// <summary>The longest overlap a rotation may give when configuration says nothing.</summary>
    public static readonly TimeSpan DefaultOverlap = TimeSpan.FromHours(24);

    /// <summary>Where and how a message to this partner goes now.</summary>
    public async Task<WebhookTarget> ForDeliveryAsync(NotificationsDbContext db, string partnerId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(partnerId))
        {
            return WebhookTarget.None;
        }
        if (await db.PartnerWebhooks.AsNoTracking().FirstOrDefaultAsync(w => w.PartnerId == partnerId, ct) is { } row)
        {
            if (row.Disabled || row.PartnerDisabled)
            {
                return WebhookTarget.Disabled;
            }
            if (row.Url.Length == 0)
            {
                return WebhookTarget.None;
            }
            var secrets = new List<string> { keys.Open(partnerId, SecretField, row.SealedSecret) };
            if (row.SealedPreviousSecret is { } previous && row.PreviousSecretValidUntil > clock.GetUtcNow())
            {
                secrets.Add(keys.Open(partnerId, PreviousSecretField, previous));
            }
            return new WebhookTarget(WebhookTargetState.Active, row.Url, secrets);
        }
        return Configured(partnerId) is { } configured
            ? new WebhookTarget(WebhookTargetState.Active, configured.Url, [configured.Secret])
            : WebhookTarget.None;
    }

    public async Task<Webhook> GetAsync(NotificationsDbContext db, string? partnerId, CancellationToken ct)
    {
        var id = ValidPartnerId(partnerId);
        if (await db.PartnerWebhooks.AsNoTracking().FirstOrDefaultAsync(w => w.PartnerId == id, ct) is { } row)
        {
            return ToProto(row);
        }
        if (Configured(id) is { } configured)
        {
            return new Webhook
            {
                PartnerId = id,
                Url = configured.Url,
                Active = true,
                Source = WebhookSource.Configuration,
                SecretIssued = true,
            };
        }
        throw new NotFoundException($"No webhook for partner {id}.");
    }

    public async Task<Webhook> SetUrlAsync(NotificationsDbContext db, SetWebhookUrlRequest request, string actor, CancellationToken ct)
    {
        var v = new Validator();
        var id = PartnerId(v, request.PartnerId);
        var url = Url(v, request.Url);
        v.ThrowIfInvalid();
        var row = await ChangeAsync(db, id, (w, _) => w.Url = url, ct);
        logger.LogInformation("Partner {Partner} webhook address set by {Actor}", id, actor);
        return ToProto(row);
    }

    public async Task<RotateWebhookSecretResponse> RotateAsync(NotificationsDbContext db, RotateWebhookSecretRequest request, string actor, CancellationToken ct)
    {
        var v = new Validator();
        var id = PartnerId(v, request.PartnerId);
        var overlap = Overlap(v, request.Overlap);
        v.ThrowIfInvalid();
        var secret = "";
        var row = await ChangeAsync(db, id, (w, now) =>
        {
            secret = NewSecret();
            // A secret nobody was shown (made from Identity's feed) is verified by nobody: it is not kept.
            if (overlap > TimeSpan.Zero && w.SecretIssued)
            {
                w.SealedPreviousSecret = keys.Seal(id, PreviousSecretField, keys.Open(id, SecretField, w.SealedSecret));
                w.PreviousSecretValidUntil = now + overlap;
            }
            else
            {
                w.SealedPreviousSecret = null;
                w.PreviousSecretValidUntil = null;
            }
            w.SealedSecret = keys.Seal(id, SecretField, secret);
            w.SecretIssued = true;
            w.SecretRotatedAt = now;
        }, ct);
        logger.LogInformation("Partner {Partner} webhook secret rotated by {Actor}; the previous one signs too until {Until}",
            id, actor, row.PreviousSecretValidUntil?.ToString("O") ?? "never");
        return new RotateWebhookSecretResponse { Webhook = ToProto(row), Secret = secret };
    }

    public async Task<Webhook> SetDisabledAsync(NotificationsDbContext db, SetWebhookDisabledRequest request, string actor, CancellationToken ct)
    {
        var v = new Validator();
        var id = PartnerId(v, request.PartnerId);
        v.ThrowIfInvalid();
        var row = await ChangeAsync(db, id, (w, _) => w.Disabled = request.Disabled, ct);
        logger.LogInformation("Partner {Partner} webhook {State} by {Actor}", id, request.Disabled ? "disabled" : "enabled", actor);
        return ToProto(row);
    }

    /// <summary>
    /// For Identity's feed: the partner's row, made when it has none (from its configured entry if any, else with a
    /// new secret nobody has seen), then changed by <paramref name="change"/>, which says whether it changed anything.
    /// Not saved: the subscriber commits it with the inbox row. Keyed by the partner id, so the same event applied
    /// twice finds the row the first made and changes nothing more (one webhook, one secret).
    /// </summary>
    public async Task<(bool Created, bool Changed)> LinkAsync(NotificationsDbContext db, string partnerId, Func<PartnerWebhook, bool> change, CancellationToken ct)
    {
        var row = await FindOrCreateAsync(db, partnerId, ct);
        var created = db.Entry(row).State == EntityState.Added;
        var changed = change(row);
        if (changed && !created)
        {
            row.UpdatedAt = clock.GetUtcNow();
            row.Version++;
        }
        return (created, changed);
    }

    /// <summary>Applies an admin's change and saves; a row another request or the feed inserted meanwhile is read and changed instead.</summary>
    private async Task<PartnerWebhook> ChangeAsync(NotificationsDbContext db, string partnerId, Action<PartnerWebhook, DateTimeOffset> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var row = await FindOrCreateAsync(db, partnerId, ct);
            var created = db.Entry(row).State == EntityState.Added;
            var now = clock.GetUtcNow();
            change(row, now);
            row.UpdatedAt = now;
            row.Version++;
            try
            {
                await db.SaveChangesAsync(ct);
                return row;
            }
            catch (DbUpdateException) when (created && attempt == 1)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<PartnerWebhook> FindOrCreateAsync(NotificationsDbContext db, string partnerId, CancellationToken ct)
    {
        if (db.PartnerWebhooks.Local.FirstOrDefault(w => w.PartnerId == partnerId) is { } local)
        {
            return local;
        }
        if (await db.PartnerWebhooks.FirstOrDefaultAsync(w => w.PartnerId == partnerId, ct) is { } stored)
        {
            return stored;
        }
        var now = clock.GetUtcNow();
        var configured = Configured(partnerId);
        var row = new PartnerWebhook
        {
            PartnerId = partnerId,
            // Linking a partner configured the old way keeps its address and the secret it verifies with.
            Url = configured?.Url ?? "",
            SealedSecret = keys.Seal(partnerId, SecretField, configured?.Secret ?? NewSecret()),
            SecretIssued = configured is not null,
            CreatedAt = now,
            UpdatedAt = now,
            SecretRotatedAt = now,
        };
        db.PartnerWebhooks.Add(row);
        return row;
    }

    private WebhookPartner? Configured(string partnerId) =>
        options.CurrentValue.Webhooks.TryGetValue(partnerId, out var p) && p.Url.Length > 0 && p.Secret.Length > 0 ? p : null;

    private Webhook ToProto(PartnerWebhook w)
    {
        var proto = new Webhook
        {
            PartnerId = w.PartnerId,
            Url = w.Url,
            Disabled = w.Disabled,
            PartnerDisabled = w.PartnerDisabled,
            Active = w.Url.Length > 0 && !w.Disabled && !w.PartnerDisabled,
            Source = WebhookSource.Database,
            CreatedAt = Timestamp.FromDateTimeOffset(w.CreatedAt),
            UpdatedAt = Timestamp.FromDateTimeOffset(w.UpdatedAt),
            SecretRotatedAt = Timestamp.FromDateTimeOffset(w.SecretRotatedAt),
            SecretIssued = w.SecretIssued,
            ConfigurationIgnored = options.CurrentValue.Webhooks.ContainsKey(w.PartnerId),
        };
        if (w.SealedPreviousSecret is not null && w.PreviousSecretValidUntil is { } until && until > clock.GetUtcNow())
        {
            proto.PreviousSecretValidUntil = Timestamp.FromDateTimeOffset(until);
        }
        return proto;
    }

    /// <summary>The configured overlap (<c>Notifications:WebhookSecretOverlap</c>), or the shorter one the request gives.</summary>
    private TimeSpan Overlap(Validator v, Duration? requested)
    {
        var configured = options.CurrentValue.WebhookSecretOverlap;
        if (configured < TimeSpan.Zero)
        {
            throw new InvalidOperationException("Notifications:WebhookSecretOverlap must not be negative.");
        }
        if (requested is null)
        {
            return configured;
        }
        if (requested.Seconds < 0 || requested.Nanos is < 0 or > 999_999_999 || requested.Seconds > (long)configured.TotalSeconds
            || requested.ToTimeSpan() > configured)
        {
            v.Add("overlap", $"must be from 0 up to the configured overlap ({configured})");
            return TimeSpan.Zero;
        }
        return requested.ToTimeSpan();
    }

    private static string ValidPartnerId(string? value)
    {
        var v = new Validator();
        var id = PartnerId(v, value);
        v.ThrowIfInvalid();
        return id;
    }

    private static string PartnerId(Validator v, string? value)
    {
        var id = value?.Trim() ?? "";
        if (!PartnerIdPattern().IsMatch(id))
        {
            v.Add("partnerId", "must be the partner's client id: 1 to 200 letters, digits, '.', '_' or '-'");
        }
        return id;
    }

    /// <summary>An absolute https address (http only to the machine itself, for local runs), without credentials or fragment.</summary>
    private static string Url(Validator v, string? value)
    {
        var url = value?.Trim() ?? "";
        if (url.Length == 0 || url.Length > 2000 || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
            || uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            v.Add("url", "must be an absolute https URL of at most 2000 characters, without credentials or fragment (http only for localhost)");
        }
        return url;
    }

    /// <summary>32 random bytes, base64url with a prefix: "whsec_" and 43 characters, 256 bits.</summary>
    private static string NewSecret() => "whsec_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    [GeneratedRegex("^[A-Za-z0-9._-]{1,200}$")]
    private static partial Regex PartnerIdPattern();
}
