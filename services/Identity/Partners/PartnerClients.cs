using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Complaints.Eventing;
using Complaints.Identity.Clients;
using Complaints.Identity.Data;
using Complaints.Identity.V1;
using Complaints.ServiceDefaults.Errors;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;
using Scopes = Complaints.Identity.IdentityExtensions.Scopes;

namespace Complaints.Identity.Partners;

/// <summary>
/// Admins register partner CRMs as OAuth clients (client credentials). A partner client is an OpenIddict application
/// of kind partner: its tokens carry sub = client id, the partner role only (<see cref="ClientKinds"/>) and the scopes
/// it was registered with. Its secret is shown once and stored hashed by OpenIddict; a rotation keeps the previous
/// secret working for an overlap (<see cref="ClientApplicationManager{TApplication}"/>).
/// Registration, a change of the webhook address and disabling or enabling append their event to Identity's feed in
/// the same SaveChanges as the change (<paramref name="db"/> is the context OpenIddict's store saves through):
/// Notifications, which delivers the webhooks and owns their signing secrets, learns of them there (decision 17).
/// </summary>
public sealed partial class PartnerClients(
    IOpenIddictApplicationManager applications,
    IdentityProviderDbContext db,
    IClientSecrets secrets,
    IOpenIddictTokenManager tokens,
    IConfiguration configuration,
    TimeProvider clock,
    ILogger<PartnerClients> logger)
{
    public const string OverlapSetting = "Identity:Partners:SecretOverlap";

    /// <summary>How long a rotated-out secret keeps working unless the request says less.</summary>
    public static readonly TimeSpan DefaultOverlap = TimeSpan.FromHours(24);

    /// <summary>The scopes a partner client may hold.</summary>
    public static readonly IReadOnlyList<string> AllowedScopes = [Scopes.Submit, Scopes.Read, Scopes.Import];

    public async Task<RegisterPartnerClientResponse> RegisterAsync(RegisterPartnerClientRequest request, string actor, CancellationToken ct)
    {
        var v = new Validator();
        var clientId = string.IsNullOrWhiteSpace(request.ClientId) ? NewClientId() : ClientId(v, request.ClientId);
        var name = v.Text("displayName", request.DisplayName?.Trim(), 1, 200, allowNewlines: false);
        var scopes = ValidScopes(v, request.Scopes);
        var webhook = WebhookUrl(v, request.Webhook);
        if (v.IsValid && ClientKinds.IsConfiguredName(configuration, clientId))
        {
            v.Add("clientId", $"'{clientId}' is the name of one of the platform's own clients");
        }
        v.ThrowIfInvalid();
        if (await applications.FindByClientIdAsync(clientId, ct) is not null)
        {
            throw new ConflictException($"A client {clientId} exists already.");
        }

        var secret = NewSecret();
        var now = JsonSerializer.SerializeToElement(clock.GetUtcNow());
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = name,
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
        };
        foreach (var scope in scopes)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }
        ClientKinds.Mark(descriptor, ClientKinds.Partner);
        descriptor.Properties[ClientProperties.CreatedAt] = now;
        descriptor.Properties[ClientProperties.SecretIssuedAt] = now;
        if (webhook is not null)
        {
            descriptor.Properties[ClientProperties.WebhookUrl] = JsonSerializer.SerializeToElement(webhook);
        }
        // Saved by CreateAsync with the application, in one SaveChanges: the event exists if and only if the client does.
        var client = await SavingWithEventAsync(new PartnerClientRegistered
        {
            PartnerId = clientId,
            WebhookUrl = webhook ?? "",
            RegisteredAt = Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
            Actor = actor,
        }, clientId, () => applications.CreateAsync(descriptor, ct).AsTask());
        logger.LogInformation("Partner client {Client} registered by {Actor} with scopes {Scopes}", clientId, actor, string.Join(" ", scopes));
        return new RegisterPartnerClientResponse { Client = await ToProtoAsync(client, ct), ClientSecret = secret };
    }

    public async Task<ListPartnerClientsResponse> ListAsync(CancellationToken ct)
    {
        var clients = new List<PartnerClient>();
        await foreach (var application in applications.ListAsync(count: null, offset: null, ct))
        {
            if (ClientKinds.Of(await applications.GetPropertiesAsync(application, ct)) == ClientKinds.Partner)
            {
                clients.Add(await ToProtoAsync(application, ct));
            }
        }
        return new ListPartnerClientsResponse { Clients = { clients.OrderBy(c => c.ClientId, StringComparer.Ordinal) } };
    }

    public async Task<PartnerClient> GetAsync(GetPartnerClientRequest request, CancellationToken ct) =>
        await ToProtoAsync(await FindAsync(request.ClientId, ct), ct);

    public async Task<RotatePartnerClientSecretResponse> RotateSecretAsync(RotatePartnerClientSecretRequest request, string actor, CancellationToken ct)
    {
        var v = new Validator();
        var overlap = Overlap(v, request.Overlap);
        v.ThrowIfInvalid();
        var client = await FindAsync(request.ClientId, ct);
        var secret = NewSecret();
        await secrets.RotateAsync(client, secret, overlap > TimeSpan.Zero ? clock.GetUtcNow() + overlap : null, ct);
        logger.LogInformation("Partner client {Client} secret rotated by {Actor}; the previous one works for {Overlap}", request.ClientId, actor, overlap);
        return new RotatePartnerClientSecretResponse { Client = await ToProtoAsync(client, ct), ClientSecret = secret };
    }

    public async Task<PartnerClient> SetDisabledAsync(SetPartnerClientDisabledRequest request, string actor, CancellationToken ct)
    {
        var v = new Validator();
        var reason = v.Text("reason", request.Reason?.Trim(), request.Disabled ? 3 : 0, 500, allowNewlines: false);
        v.ThrowIfInvalid();
        var client = await FindAsync(request.ClientId, ct);
        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, client, ct);
        if (request.Disabled)
        {
            descriptor.Properties[ClientProperties.Disabled] = JsonSerializer.SerializeToElement(true);
        }
        else
        {
            descriptor.Properties.Remove(ClientProperties.Disabled);
        }
        var at = Timestamp.FromDateTimeOffset(clock.GetUtcNow());
        var clientId = await applications.GetClientIdAsync(client, ct) ?? request.ClientId.Trim();
        // Appended at every call, also when nothing changed: a repeat brings the feed's consumers in line.
        IMessage change = request.Disabled
            ? new PartnerClientDisabled { PartnerId = clientId, DisabledAt = at, Actor = actor }
            : new PartnerClientEnabled { PartnerId = clientId, EnabledAt = at, Actor = actor };
        // The stored secret hash is given back unchanged, so OpenIddict keeps it as it is.
        await SavingWithEventAsync(change, clientId, async () => await applications.UpdateAsync(client, descriptor, ct));
        if (request.Disabled && await applications.GetIdAsync(client, ct) is { } id)
        {
            await tokens.RevokeByApplicationIdAsync(id, ct);
        }
        logger.LogInformation("Partner client {Client} {State} by {Actor}: {Reason}", request.ClientId, request.Disabled ? "disabled" : "enabled", actor, reason);
        return await ToProtoAsync(client, ct);
    }

    /// <summary>
    /// Sets or removes the webhook address and appends <see cref="PartnerWebhookChanged"/> in the same SaveChanges, also
    /// when the address is unchanged (a repeat hands it to Notifications again).
    /// </summary>
    public async Task<PartnerClient> SetWebhookAsync(SetPartnerWebhookRequest request, string actor, CancellationToken ct)
    {
        var v = new Validator();
        var webhook = WebhookUrl(v, request.Webhook);
        v.ThrowIfInvalid();
        var client = await FindAsync(request.ClientId, ct);
        var clientId = await applications.GetClientIdAsync(client, ct) ?? request.ClientId.Trim();
        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, client, ct);
        if (webhook is not null)
        {
            descriptor.Properties[ClientProperties.WebhookUrl] = JsonSerializer.SerializeToElement(webhook);
        }
        else
        {
            descriptor.Properties.Remove(ClientProperties.WebhookUrl);
        }
        await SavingWithEventAsync(new PartnerWebhookChanged
        {
            PartnerId = clientId,
            WebhookUrl = webhook ?? "",
            ChangedAt = Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
            Actor = actor,
        }, clientId, async () => await applications.UpdateAsync(client, descriptor, ct));
        logger.LogInformation("Partner client {Client} webhook {Change} by {Actor}", clientId, webhook is null ? "removed" : "set", actor);
        return await ToProtoAsync(client, ct);
    }

    /// <summary>
    /// Adds the event to the context, then runs the OpenIddict call whose SaveChanges commits it with the change. When
    /// the call fails the event is taken out again, so no later save of the scope can commit it alone.
    /// </summary>
    private async Task<T> SavingWithEventAsync<T>(IMessage change, string clientId, Func<Task<T>> save)
    {
        var stored = db.AppendEvent(change, AggregateId(clientId), clock);
        try
        {
            return await save();
        }
        catch
        {
            db.Entry(stored).State = Microsoft.EntityFrameworkCore.EntityState.Detached;
            throw;
        }
    }

    private Task SavingWithEventAsync(IMessage change, string clientId, Func<Task> save) =>
        SavingWithEventAsync(change, clientId, async () =>
        {
            await save();
            return true;
        });

    /// <summary>The aggregate id of a partner client's events.</summary>
    public static string AggregateId(string clientId) => "partner/" + clientId;

    /// <summary>The configured overlap (<see cref="OverlapSetting"/>), or the shorter one the request gives.</summary>
    private TimeSpan Overlap(Validator v, Duration? requested)
    {
        var configured = configuration.GetValue(OverlapSetting, DefaultOverlap);
        if (configured < TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{OverlapSetting} must not be negative.");
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

    private async Task<object> FindAsync(string? clientId, CancellationToken ct)
    {
        // Only partner clients: the platform's own clients are configuration's, never this API's.
        var client = string.IsNullOrWhiteSpace(clientId) ? null : await applications.FindByClientIdAsync(clientId.Trim(), ct);
        return client is not null && ClientKinds.Of(await applications.GetPropertiesAsync(client, ct)) == ClientKinds.Partner
            ? client
            : throw new NotFoundException($"No partner client {clientId}.");
    }

    private async Task<PartnerClient> ToProtoAsync(object client, CancellationToken ct)
    {
        var properties = await applications.GetPropertiesAsync(client, ct);
        var proto = new PartnerClient
        {
            ClientId = await applications.GetClientIdAsync(client, ct) ?? "",
            DisplayName = await applications.GetDisplayNameAsync(client, ct) ?? "",
            Disabled = ClientProperties.IsDisabled(properties),
        };
        proto.Scopes.AddRange((await applications.GetPermissionsAsync(client, ct))
            .Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal))
            .Select(p => p[Permissions.Prefixes.Scope.Length..])
            .Order(StringComparer.Ordinal));
        if (ClientProperties.Text(properties, ClientProperties.WebhookUrl) is { Length: > 0 } url)
        {
            proto.Webhook = new PartnerWebhook { Url = url };
        }
        if (ClientProperties.Time(properties, ClientProperties.CreatedAt) is { } created)
        {
            proto.CreatedAt = Timestamp.FromDateTimeOffset(created);
        }
        if (ClientProperties.Time(properties, ClientProperties.SecretIssuedAt) is { } issued)
        {
            proto.SecretIssuedAt = Timestamp.FromDateTimeOffset(issued);
        }
        if (ClientProperties.PreviousSecret(properties) is { } previous && previous.ValidUntil > clock.GetUtcNow())
        {
            proto.PreviousSecretValidUntil = Timestamp.FromDateTimeOffset(previous.ValidUntil);
        }
        return proto;
    }

    private static string ClientId(Validator v, string value)
    {
        var clientId = value.Trim();
        if (!ClientIdPattern().IsMatch(clientId))
        {
            v.Add("clientId", "must be 2 to 64 letters, digits, '.', '_' or '-' (or empty, to have one made)");
        }
        return clientId;
    }

    private static IReadOnlyList<string> ValidScopes(Validator v, IEnumerable<string> requested)
    {
        var scopes = requested.Select(s => s.Trim()).ToList();
        if (scopes.Count == 0)
        {
            v.Add("scopes", $"give at least one of {string.Join(", ", AllowedScopes)}");
        }
        for (var i = 0; i < scopes.Count; i++)
        {
            if (!AllowedScopes.Contains(scopes[i]))
            {
                v.Add($"scopes[{i}]", $"'{scopes[i]}' is not a partner scope ({string.Join(", ", AllowedScopes)})");
            }
        }
        return scopes.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>An absolute https address (http only to the machine itself, for local runs), without credentials; null when none is given.</summary>
    private static string? WebhookUrl(Validator v, PartnerWebhook? webhook)
    {
        var url = webhook?.Url?.Trim();
        if (string.IsNullOrEmpty(url))
        {
            return null;
        }
        if (url.Length > 2000 || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
            || uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            v.Add("webhook.url", "must be an absolute https URL of at most 2000 characters, without credentials or fragment (http only for localhost)");
        }
        return url;
    }

    /// <summary>32 random bytes, base64url: 43 characters, 256 bits.</summary>
    private static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private static string NewClientId() => "partner-" + RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyz23456789", 12);

    [GeneratedRegex("^[A-Za-z0-9._-]{2,64}$")]
    private static partial Regex ClientIdPattern();
}
