using System.Collections.Immutable;
using System.Text.Json;
using Complaints.ServiceDefaults.Auth;
using OpenIddict.Abstractions;

namespace Complaints.Identity.Clients;

/// <summary>
/// What kind of client an OpenIddict application is, and so the roles its client-credentials tokens carry. There are
/// two sources of roles and no other: <see cref="ServiceClients"/> (configuration) makes service clients, with the
/// service role while they are still configured; partner registration makes partner clients, with the partner role.
/// No request field and no stored list of roles is ever read: a client's kind is its only say.
/// </summary>
public static class ClientKinds
{
    /// <summary>Where the kind is kept in the application's OpenIddict properties.</summary>
    public const string Property = "complaints_kind";

    public const string Service = "service";
    public const string Partner = "partner";

    public static void Mark(OpenIddictApplicationDescriptor descriptor, string kind) =>
        descriptor.Properties[Property] = JsonSerializer.SerializeToElement(kind);

    public static string? Of(IReadOnlyDictionary<string, JsonElement> properties) =>
        properties.TryGetValue(Property, out var kind) && kind.ValueKind == JsonValueKind.String ? kind.GetString() : null;

    /// <summary>The roles of a client's own tokens; none for a client that gets no token of its own.</summary>
    public static IReadOnlyList<string> Roles(string clientId, ImmutableDictionary<string, JsonElement> properties, IConfiguration configuration) =>
        Of(properties) switch
        {
            Service when IsConfiguredService(configuration, clientId) => [ServiceDefaults.Auth.Roles.Service],
            Partner => [ServiceDefaults.Auth.Roles.Partner],
            _ => [],
        };

    /// <summary>A name under <c>Identity:ServiceClients</c> (compared ignoring case, as configuration keys are).</summary>
    public static bool IsConfiguredService(IConfiguration configuration, string clientId) =>
        configuration.GetSection(ServiceClients.Section).GetChildren().Any(c => string.Equals(c.Key, clientId, StringComparison.OrdinalIgnoreCase));

    /// <summary>A name configured for a service or a browser client: never a partner's client id.</summary>
    public static bool IsConfiguredName(IConfiguration configuration, string clientId) =>
        IsConfiguredService(configuration, clientId)
        || configuration.GetSection(WebClients.Section).GetChildren().Any(c => string.Equals(c.Key, clientId, StringComparison.OrdinalIgnoreCase));
}
