using System.Text.RegularExpressions;
using Complaints.Eventing;
using Complaints.Identity.Accounts;
using Complaints.Identity.Data;
using Complaints.Identity.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;

namespace Complaints.Identity.External;

public enum ExternalOutcome
{
    SignedIn,

    /// <summary>The provider's answer lacked what the platform needs (no subject), or the provider is not configured.</summary>
    Failed,

    /// <summary>No account is linked, none could be linked by a verified email, and none may be provisioned.</summary>
    NoAccount,

    /// <summary>The mapping gives the person no staff role (the account's roles are then removed).</summary>
    NoRole,

    /// <summary>The account is disabled.</summary>
    NotAllowed,
}

/// <summary>
/// Resolves an external sign-in to a staff account (decision 14). The link is an ASP.NET Core Identity external login
/// keyed by the provider's issuer and the person's subject there. Without one, a first sign-in links to the account an
/// admin created with the same email, only when the provider says the email is verified (<c>LinkByEmail</c>, on by
/// default), or, with <c>Provision: true</c>, creates an account with the mapped roles. A disabled account is refused.
/// When the provider maps roles, they replace the account's at every sign-in (a group removed at the provider is a role
/// removed here; no mapped role refuses the sign-in); without a mapping, roles stay the admins'.
/// </summary>
public sealed partial class ExternalSignIn(
    UserManager<StaffUser> users,
    IdentityProviderDbContext db,
    IOpenIddictTokenManager tokens,
    ExternalProviders providers,
    TimeProvider clock,
    ILogger<ExternalSignIn> logger)
{
    public async Task<(ExternalOutcome Outcome, StaffUser? User)> ResolveAsync(ExternalIdentity external, CancellationToken ct)
    {
        if (providers.Find(external.Provider) is not { } provider || string.IsNullOrEmpty(external.Subject))
        {
            return (ExternalOutcome.Failed, null);
        }
        var user = await users.FindByLoginAsync(external.Issuer, external.Subject)
            ?? await LinkByEmailAsync(provider, external)
            ?? await ProvisionAsync(provider, external, ct);
        if (user is null)
        {
            logger.LogInformation("External sign-in with {Provider}: no account to link and none provisioned", provider.Name);
            return (provider.Provision && external.Roles.Count == 0 ? ExternalOutcome.NoRole : ExternalOutcome.NoAccount, null);
        }
        if (user.Disabled)
        {
            logger.LogInformation("External sign-in with {Provider} refused: staff account {Subject} is disabled", provider.Name, user.UserName);
            return (ExternalOutcome.NotAllowed, user);
        }
        if (provider.ManagesRoles)
        {
            await ApplyRolesAsync(user, external.Roles, "external:" + provider.Name, ct);
        }
        if (!(await users.GetRolesAsync(user)).Any(StaffAccounts.StaffRoles.Contains))
        {
            logger.LogInformation("External sign-in with {Provider} refused: staff account {Subject} has no role", provider.Name, user.UserName);
            return (ExternalOutcome.NoRole, user);
        }
        return (ExternalOutcome.SignedIn, user);
    }

    /// <summary>The account an admin created with this email, if the provider verified it and no one else from there holds it.</summary>
    private async Task<StaffUser?> LinkByEmailAsync(ExternalProvider provider, ExternalIdentity external)
    {
        if (!provider.LinkByEmail || !external.EmailVerified || string.IsNullOrEmpty(external.Email)
            || await users.FindByEmailAsync(external.Email) is not { } user)
        {
            return null;
        }
        if ((await users.GetLoginsAsync(user)).Any(l => l.LoginProvider == external.Issuer))
        {
            // Linked already to another person at the same provider: an email is not enough to take it over.
            logger.LogWarning("External sign-in with {Provider}: staff account {Subject} is linked to another subject there; not linked",
                provider.Name, user.UserName);
            return null;
        }
        if (!(await users.AddLoginAsync(user, new UserLoginInfo(external.Issuer, external.Subject!, provider.DisplayName))).Succeeded)
        {
            return null;
        }
        logger.LogInformation("Staff account {Subject} linked to {Provider} by its verified email", user.UserName, provider.Name);
        return user;
    }

    /// <summary>With <c>Provision: true</c> and at least one mapped role: a new account, its staff ID from the configured claim.</summary>
    private async Task<StaffUser?> ProvisionAsync(ExternalProvider provider, ExternalIdentity external, CancellationToken ct)
    {
        if (!provider.Provision || external.Roles.Count == 0)
        {
            return null;
        }
        var staffId = StaffId(external.StaffId);
        if (staffId is null || string.IsNullOrEmpty(external.Email) || await users.FindByNameAsync(staffId) is not null
            || await users.FindByEmailAsync(external.Email) is not null)
        {
            // A taken staff ID or email is someone else's account: never joined on a name alone.
            logger.LogWarning("External sign-in with {Provider}: no account provisioned (staff ID missing, invalid or taken, or email missing or taken)",
                provider.Name);
            return null;
        }
        var user = new StaffUser
        {
            UserName = staffId,
            Email = external.Email,
            EmailConfirmed = external.EmailVerified,
            DisplayName = string.IsNullOrWhiteSpace(external.Name) ? staffId : external.Name.Trim()[..Math.Min(200, external.Name.Trim().Length)],
            CreatedAt = clock.GetUtcNow(),
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // No password: this account signs in through its provider only.
        if (!(await users.CreateAsync(user)).Succeeded
            || !(await users.AddLoginAsync(user, new UserLoginInfo(external.Issuer, external.Subject!, provider.DisplayName))).Succeeded
            || !(await users.AddToRolesAsync(user, external.Roles)).Succeeded)
        {
            return null;
        }
        await tx.CommitAsync(ct);
        logger.LogInformation("Staff account {Subject} provisioned through {Provider} with roles {Roles}", staffId, provider.Name, string.Join(",", external.Roles));
        return user;
    }

    /// <summary>
    /// The mapped roles replace the account's, as <see cref="StaffAccounts.SetRolesAsync"/> does for an admin: one
    /// transaction with the event, then the account's tokens revoked so no refresh carries a removed role. Nothing when
    /// they are the same.
    /// </summary>
    private async Task ApplyRolesAsync(StaffUser user, IReadOnlyList<string> roles, string actor, CancellationToken ct)
    {
        var current = await users.GetRolesAsync(user);
        if (current.Order(StringComparer.Ordinal).SequenceEqual(roles.Order(StringComparer.Ordinal), StringComparer.Ordinal))
        {
            return;
        }
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            Check(await users.RemoveFromRolesAsync(user, current.Except(roles)));
            Check(await users.AddToRolesAsync(user, roles.Except(current)));
            db.AppendEvent(new StaffAccountRolesChanged
            {
                Subject = user.UserName!,
                Roles = { roles.Order(StringComparer.Ordinal) },
                ChangedAt = Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
                Actor = actor,
            }, StaffAccounts.AggregateId(user), clock);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        await tokens.RevokeBySubjectAsync(user.UserName!, ct);
        logger.LogInformation("Staff account {Subject} now has roles {Roles} from {Actor}", user.UserName, string.Join(",", roles), actor);
    }

    /// <summary>The staff ID for a provisioned account: the claim's value, or an email's local part, if it is a valid staff ID.</summary>
    public static string? StaffId(string? value)
    {
        var candidate = value?.Trim() ?? "";
        if (candidate.IndexOf('@', StringComparison.Ordinal) is > 0 and var at)
        {
            candidate = candidate[..at];
        }
        return StaffIdPattern().IsMatch(candidate) ? candidate : null;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{2,64}$")]
    private static partial Regex StaffIdPattern();
}
