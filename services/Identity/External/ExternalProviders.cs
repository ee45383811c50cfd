using System.Text.RegularExpressions;
using Complaints.Identity.Accounts;

namespace Complaints.Identity.External;

/// <summary>
/// One external OpenID Connect provider staff may sign in with (<c>Identity:ExternalProviders:{name}</c>): Entra ID,
/// Keycloak, Okta or any other provider with a discovery document. Its role mapping turns the values of one claim
/// into staff roles; nothing else it says ever becomes a role.
/// </summary>
public sealed record ExternalProvider
{
    /// <summary>The configuration key: lower-case letters, digits and '-', in the callback path and the scheme name.</summary>
    public required string Name { get; init; }

    /// <summary>The provider's issuer (authority): its discovery document is read from there.</summary>
    public required Uri Issuer { get; init; }

    public required string ClientId { get; init; }

    /// <summary>Null for a public client (PKCE alone).</summary>
    public string? ClientSecret { get; init; }

    /// <summary>The button's text: "Sign in with {DisplayName}".</summary>
    public required string DisplayName { get; init; }

    public required IReadOnlyList<string> Scopes { get; init; }

    /// <summary>The claim that identifies the person at the provider, linked with the issuer (default <c>sub</c>).</summary>
    public required string SubjectClaim { get; init; }

    /// <summary>The claim a provisioned account's staff ID comes from (default <c>preferred_username</c>; an email's local part).</summary>
    public required string StaffIdClaim { get; init; }

    /// <summary>The claim holding the roles or groups to map (default <c>roles</c>); a dotted path reads into a JSON object.</summary>
    public required string RoleClaim { get; init; }

    /// <summary>External value to staff role; empty: roles stay managed by admins on this platform.</summary>
    public required IReadOnlyDictionary<string, string> Roles { get; init; }

    /// <summary>The claim that says the email is verified (default <c>email_verified</c>; Entra ID: <c>xms_edov</c>).</summary>
    public required string EmailVerifiedClaim { get; init; }

    /// <summary>A first sign-in links to the account an admin created with the same email, when the provider says it is verified.</summary>
    public bool LinkByEmail { get; init; } = true;

    /// <summary>A first sign-in with no account to link creates one, with the mapped roles.</summary>
    public bool Provision { get; init; }

    /// <summary>An <c>amr</c> with <c>mfa</c> stands for this platform's second factor.</summary>
    public bool TrustMfa { get; init; } = true;

    /// <summary>Also read the userinfo endpoint (where a provider puts roles or groups only there).</summary>
    public bool UserInfo { get; init; }

    public string Scheme => SchemePrefix + Name;

    public string CallbackPath => "/account/external/callback/" + Name;

    /// <summary>Whether the provider's claims decide the account's roles at each sign-in.</summary>
    public bool ManagesRoles => Roles.Count > 0;

    public const string SchemePrefix = "external-";

    /// <summary>The staff roles the external values map to: only configured values, only staff roles.</summary>
    public IReadOnlyList<string> MapRoles(IEnumerable<string> externalValues) =>
        [.. externalValues
            .Select(v => Roles.TryGetValue(v, out var role) ? role : null)
            .OfType<string>()
            .Where(StaffAccounts.StaffRoles.Contains)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];
}

/// <summary>The configured external providers, read and checked once: a bad entry stops the start, naming its key.</summary>
public sealed partial class ExternalProviders
{
    public const string Section = "Identity:ExternalProviders";

    public IReadOnlyList<ExternalProvider> All { get; private set; } = [];

    public ExternalProvider? Find(string? name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));

    /// <summary>Reads <c>Identity:ExternalProviders</c>; throws naming the first key that is wrong.</summary>
    public static IReadOnlyList<ExternalProvider> Load(IConfiguration configuration)
    {
        var providers = new List<ExternalProvider>();
        foreach (var entry in configuration.GetSection(Section).GetChildren())
        {
            var key = $"{Section}:{entry.Key}";
            if (!NamePattern().IsMatch(entry.Key))
            {
                throw new InvalidOperationException($"{key}: a provider's name is 1 to 32 lower-case letters, digits or '-' (it is part of the callback path).");
            }
            if (!Uri.TryCreate(entry["Issuer"], UriKind.Absolute, out var issuer)
                || !(issuer.Scheme == Uri.UriSchemeHttps || (issuer.Scheme == Uri.UriSchemeHttp && issuer.IsLoopback)))
            {
                throw new InvalidOperationException($"{key}:Issuer must be the provider's https address (its discovery document is read from there).");
            }
            var clientId = Required(entry, key, "ClientId");
            var roles = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var mapping in entry.GetSection("Roles").GetChildren())
            {
                var role = mapping.Value?.Trim() ?? "";
                if (!StaffAccounts.StaffRoles.Contains(role))
                {
                    throw new InvalidOperationException($"{key}:Roles:{mapping.Key} maps to '{role}', which is not a staff role "
                        + $"({string.Join(", ", StaffAccounts.StaffRoles)}); service and partner belong to clients, never to people.");
                }
                roles[mapping.Key] = role;
            }
            var provision = Flag(entry, key, "Provision", false);
            if (provision && roles.Count == 0)
            {
                throw new InvalidOperationException($"{key}:Provision needs a role mapping ({key}:Roles): a provisioned account would have no role.");
            }
            var scopes = entry.GetSection("Scopes").Get<string[]>() ?? ["openid", "profile", "email"];
            providers.Add(new ExternalProvider
            {
                Name = entry.Key,
                Issuer = issuer,
                ClientId = clientId,
                ClientSecret = entry["ClientSecret"] is { Length: > 0 } secret ? secret : null,
                DisplayName = Required(entry, key, "DisplayName"),
                Scopes = [.. scopes.Prepend("openid").Distinct(StringComparer.Ordinal)],
                SubjectClaim = entry["SubjectClaim"] is { Length: > 0 } subject ? subject : "sub",
                StaffIdClaim = entry["StaffIdClaim"] is { Length: > 0 } staffId ? staffId : "preferred_username",
                RoleClaim = entry["RoleClaim"] is { Length: > 0 } roleClaim ? roleClaim : "roles",
                Roles = roles,
                EmailVerifiedClaim = entry["EmailVerifiedClaim"] is { Length: > 0 } verified ? verified : "email_verified",
                LinkByEmail = Flag(entry, key, "LinkByEmail", true),
                Provision = provision,
                TrustMfa = Flag(entry, key, "TrustMfa", true),
                UserInfo = Flag(entry, key, "UserInfo", false),
            });
        }
        return providers;
    }

    internal void Set(IReadOnlyList<ExternalProvider> providers) => All = providers;

    private static string Required(IConfigurationSection entry, string key, string name) =>
        entry[name] is { Length: > 0 } value ? value : throw new InvalidOperationException($"{key}:{name} is required.");

    private static bool Flag(IConfigurationSection entry, string key, string name, bool otherwise) =>
        entry[name] switch
        {
            null or "" => otherwise,
            var value when bool.TryParse(value, out var flag) => flag,
            _ => throw new InvalidOperationException($"{key}:{name} must be true or false."),
        };

    [GeneratedRegex("^[a-z0-9-]{1,32}$")]
    private static partial Regex NamePattern();
}
