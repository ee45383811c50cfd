using System.Security.Claims;

namespace Complaints.ServiceDefaults.Auth;

/// <summary>
/// The OAuth scopes a partner client may be granted (Identity registers them; <see cref="StaffOperations"/> names the one
/// each partner operation needs). A token carries them in the "scope" claim: one space-separated string, or several
/// claims.
/// </summary>
public static class PartnerScopes
{
    public const string Submit = "complaints.submit";
    public const string Read = "complaints.read";
    public const string Import = "complaints.import";

    public static readonly string[] All = [Submit, Read, Import];

    /// <summary>The scopes the token grants: every "scope" claim, each split on spaces.</summary>
    public static IReadOnlySet<string> Of(ClaimsPrincipal user) =>
        user.FindAll("scope").SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToHashSet(StringComparer.Ordinal);
}
