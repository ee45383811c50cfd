using System.Text.Json;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;

namespace Complaints.Identity.Clients;

/// <summary>Secret rotation with an overlap, on top of OpenIddict's own hashing (see <see cref="ClientApplicationManager{TApplication}"/>).</summary>
public interface IClientSecrets
{
    /// <summary>
    /// Replaces the client's secret with <paramref name="secret"/> (hashed by OpenIddict). With
    /// <paramref name="previousValidUntil"/>, the secret it had until now keeps working until then; without, it is
    /// refused at once. Only one previous secret is kept: a second rotation ends the first one's overlap.
    /// </summary>
    ValueTask RotateAsync(object application, string secret, DateTimeOffset? previousValidUntil, CancellationToken ct);
}

/// <summary>
/// OpenIddict's application manager with two rules of the platform's in client authentication: a disabled client
/// (<see cref="ClientProperties.Disabled"/>) never authenticates, and after a rotation the previous secret, kept as
/// the hash OpenIddict made of it with its expiry in the application's properties, is accepted until that expiry on
/// the injected clock. Hashing and comparison are the manager's own (PBKDF2, constant-time).
/// </summary>
public sealed class ClientApplicationManager<TApplication>(
    IOpenIddictApplicationCache<TApplication> cache,
    ILogger<OpenIddictApplicationManager<TApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<TApplication> store,
    TimeProvider clock)
    : OpenIddictApplicationManager<TApplication>(cache, logger, options, store), IClientSecrets where TApplication : class
{
    public override async ValueTask<bool> ValidateClientSecretAsync(TApplication application, string secret, CancellationToken cancellationToken = default)
    {
        var properties = await Store.GetPropertiesAsync(application, cancellationToken);
        if (ClientProperties.IsDisabled(properties))
        {
            Logger.LogInformation("Client {Client} is disabled: its credentials are refused", await Store.GetClientIdAsync(application, cancellationToken));
            return false;
        }
        if (await base.ValidateClientSecretAsync(application, secret, cancellationToken))
        {
            return true;
        }
        return ClientProperties.PreviousSecret(properties) is { } previous
            && clock.GetUtcNow() < previous.ValidUntil
            && await ValidateClientSecretAsync(secret, previous.Hash, cancellationToken);
    }

    public async ValueTask RotateAsync(object application, string secret, DateTimeOffset? previousValidUntil, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var app = (TApplication)application;
        var properties = (await Store.GetPropertiesAsync(app, ct))
            .Remove(ClientProperties.PreviousSecretHash)
            .Remove(ClientProperties.PreviousSecretValidUntil)
            .SetItem(ClientProperties.SecretIssuedAt, JsonSerializer.SerializeToElement(clock.GetUtcNow()));
        if (previousValidUntil is { } until && await Store.GetClientSecretAsync(app, ct) is { Length: > 0 } previousHash)
        {
            properties = properties
                .SetItem(ClientProperties.PreviousSecretHash, JsonSerializer.SerializeToElement(previousHash))
                .SetItem(ClientProperties.PreviousSecretValidUntil, JsonSerializer.SerializeToElement(until));
        }
        await Store.SetPropertiesAsync(app, properties, ct);
        // Hashes the new secret with ObfuscateClientSecretAsync and saves the application, properties included.
        await UpdateAsync(app, secret, ct);
    }
}

/// <summary>The platform's own entries in an OpenIddict application's properties.</summary>
public static class ClientProperties
{
    public const string Disabled = "complaints_disabled";
    public const string CreatedAt = "complaints_created_at";
    public const string SecretIssuedAt = "complaints_secret_issued_at";
    public const string PreviousSecretHash = "complaints_previous_secret_hash";
    public const string PreviousSecretValidUntil = "complaints_previous_secret_valid_until";

    /// <summary>
    /// The partner's webhook address as last given to Identity, returned by its API. Registration and
    /// SetPartnerWebhook hand it to Notifications on Identity's feed; Notifications delivers and may change it since.
    /// </summary>
    public const string WebhookUrl = "complaints_webhook_url";

    public static bool IsDisabled(IReadOnlyDictionary<string, JsonElement> properties) =>
        properties.TryGetValue(Disabled, out var value) && value.ValueKind == JsonValueKind.True;

    public static DateTimeOffset? Time(IReadOnlyDictionary<string, JsonElement> properties, string name) =>
        properties.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var time) ? time : null;

    public static string? Text(IReadOnlyDictionary<string, JsonElement> properties, string name) =>
        properties.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The previous secret's hash and until when it is accepted, when a rotation left one.</summary>
    public static (string Hash, DateTimeOffset ValidUntil)? PreviousSecret(IReadOnlyDictionary<string, JsonElement> properties) =>
        Text(properties, PreviousSecretHash) is { Length: > 0 } hash && Time(properties, PreviousSecretValidUntil) is { } until ? (hash, until) : null;
}
