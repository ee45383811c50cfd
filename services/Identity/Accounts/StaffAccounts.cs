using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Complaints.Eventing;
using Complaints.Identity.Data;
using Complaints.Identity.V1;
using Complaints.ServiceDefaults.Auth;
using Complaints.ServiceDefaults.Errors;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

namespace Complaints.Identity.Accounts;

/// <summary>
/// Admins manage staff accounts and their roles. Only the staff roles can be given: the service role belongs to
/// the platform's own clients and the partner role to partner clients, so no person's token ever carries them.
/// A change of roles or of the disabled flag appends its event to Identity's feed in the same transaction
/// (<paramref name="db"/> is the context the user store saves through).
/// </summary>
public sealed partial class StaffAccounts(
    UserManager<StaffUser> users,
    IdentityProviderDbContext db,
    IOpenIddictTokenManager tokens,
    TimeProvider clock,
    IOptions<SecurityStampValidatorOptions> stampOptions,
    ILogger<StaffAccounts> logger)
{
    /// <summary>The roles a person may hold.</summary>
    public static readonly IReadOnlyList<string> StaffRoles = [Roles.Agent, Roles.Supervisor, Roles.Admin, Roles.Analyst];

    public async Task<CreateAccountResponse> CreateAsync(CreateAccountRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var subject = Subject(v, request.Subject);
        var email = Email(v, request.Email);
        var name = v.Text("displayName", request.DisplayName?.Trim(), 1, 200, allowNewlines: false);
        var roles = ValidRoles(v, request.Roles);
        v.ThrowIfInvalid();
        if (await users.FindByNameAsync(subject) is not null)
        {
            throw new ValidationException("subject", $"an account {subject} already exists");
        }
        var password = NewPassword();
        var user = new StaffUser { UserName = subject, Email = email, DisplayName = name, CreatedAt = clock.GetUtcNow(), EmailConfirmed = true };
        // Both steps or neither: an account without its roles could never be made again under its name.
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            Check(await users.CreateAsync(user, password), "subject");
            Check(await users.AddToRolesAsync(user, roles), "roles");
            await transaction.CommitAsync(ct);
        }
        logger.LogInformation("Staff account {Subject} created with roles {Roles}", subject, string.Join(",", roles));
        return new CreateAccountResponse { Account = await ToProtoAsync(user), InitialPassword = password };
    }

    public async Task<ListAccountsResponse> ListAsync(CancellationToken ct)
    {
        var response = new ListAccountsResponse();
        foreach (var user in await users.Users.OrderBy(u => u.UserName).ToListAsync(ct))
        {
            response.Accounts.Add(await ToProtoAsync(user));
        }
        return response;
    }

    public async Task<StaffAccount> SetRolesAsync(SetRolesRequest request, string actor, CancellationToken ct)
    {
        var v = new Validator();
        var roles = ValidRoles(v, request.Roles);
        v.ThrowIfInvalid();
        var user = await FindAsync(request.Subject);
        // The store saves after each of the two steps: one transaction keeps them and the event together.
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var current = await users.GetRolesAsync(user);
            Check(await users.RemoveFromRolesAsync(user, current.Except(roles)), "roles");
            Check(await users.AddToRolesAsync(user, roles.Except(current)), "roles");
            db.AppendEvent(new StaffAccountRolesChanged
            {
                Subject = user.UserName!,
                Roles = { roles.Order(StringComparer.Ordinal) },
                ChangedAt = Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
                Actor = actor,
            }, AggregateId(user), clock);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        // Roles are in the tokens: the account's refresh tokens go, so the next token carries the new roles.
        await tokens.RevokeBySubjectAsync(user.UserName!, ct);
        logger.LogInformation("Staff account {Subject} now has roles {Roles}", user.UserName, string.Join(",", roles));
        return await ToProtoAsync(user);
    }

    public async Task<StaffAccount> SetDisabledAsync(SetDisabledRequest request, string actor, CancellationToken ct)
    {
        var v = new Validator();
        var reason = v.Text("reason", request.Reason?.Trim(), request.Disabled ? 3 : 0, 500, allowNewlines: false);
        v.ThrowIfInvalid();
        var user = await FindAsync(request.Subject);
        user.Disabled = request.Disabled;
        var at = Timestamp.FromDateTimeOffset(clock.GetUtcNow());
        // Saved by UpdateAsync with the flag, in one SaveChanges: the event exists if and only if the change committed.
        // Appended at every call, also when nothing changed: a repeat brings the feed's consumers in line.
        IMessage change = request.Disabled
            ? new StaffAccountDisabled { Subject = user.UserName!, DisabledAt = at, Actor = actor }
            : new StaffAccountEnabled { Subject = user.UserName!, EnabledAt = at, Actor = actor };
        db.AppendEvent(change, AggregateId(user), clock);
        Check(await users.UpdateAsync(user), "subject");
        if (request.Disabled)
        {
            await tokens.RevokeBySubjectAsync(user.UserName!, ct);
        }
        logger.LogInformation("Staff account {Subject} {State} by {Actor}: {Reason}", user.UserName, request.Disabled ? "disabled" : "enabled", actor, reason);
        return await ToProtoAsync(user);
    }

    /// <summary>
    /// Signs a staff member out everywhere: a new security stamp (the Identity session cookie fails its next check, within
    /// the session validation interval) and every token Identity stored for the account revoked (refresh tokens at once).
    /// Access tokens already issued stay valid at the services until they expire (15 minutes at most).
    /// </summary>
    public async Task<ForceSignOutResponse> ForceSignOutAsync(ForceSignOutRequest request, string actor, CancellationToken ct)
    {
        var v = new Validator();
        var reason = v.Text("reason", request.Reason?.Trim(), 3, 500, allowNewlines: false);
        v.ThrowIfInvalid();
        var user = await FindAsync(request.Subject);
        var now = clock.GetUtcNow();
        Check(await users.UpdateSecurityStampAsync(user), "subject");
        var revoked = await tokens.RevokeBySubjectAsync(user.UserName!, ct);
        logger.LogInformation("Staff account {Subject} signed out everywhere by {Actor} ({Revoked} tokens revoked): {Reason}", user.UserName, actor, revoked, reason);
        return new ForceSignOutResponse
        {
            Account = await ToProtoAsync(user),
            RevokedTokens = revoked,
            AccessTokensExpiredBy = Timestamp.FromDateTimeOffset(now + IdentityExtensions.AccessTokenLifetime),
            SessionsEndedBy = Timestamp.FromDateTimeOffset(now + stampOptions.Value.ValidationInterval),
        };
    }

    /// <summary>
    /// The first admin, once: nothing is done when an admin exists. The password is returned to be shown once; a
    /// deployment never has a default one.
    /// </summary>
    public async Task<string?> BootstrapAdminAsync(string subject, string email, CancellationToken ct)
    {
        if ((await users.GetUsersInRoleAsync(Roles.Admin)).Count > 0)
        {
            return null;
        }
        var created = await CreateAsync(new CreateAccountRequest { Subject = subject, Email = email, DisplayName = "Administrator", Roles = { Roles.Admin } }, ct);
        return created.InitialPassword;
    }

    public static IReadOnlyList<string> ValidRoles(Validator v, IEnumerable<string> requested)
    {
        var roles = requested.Select(r => r.Trim()).Distinct(StringComparer.Ordinal).ToList();
        if (roles.Count == 0)
        {
            v.Add("roles", $"give at least one of {string.Join(", ", StaffRoles)}");
        }
        for (var i = 0; i < roles.Count; i++)
        {
            if (!StaffRoles.Contains(roles[i]))
            {
                v.Add($"roles[{i}]", $"'{roles[i]}' is not a staff role ({string.Join(", ", StaffRoles)}); service and partner belong to clients, never to people");
            }
        }
        return roles;
    }

    /// <summary>The aggregate id of an account's events on the feed.</summary>
    public static string AggregateId(StaffUser user) => "account/" + user.UserName;

    private async Task<StaffUser> FindAsync(string? subject) =>
        (string.IsNullOrWhiteSpace(subject) ? null : await users.FindByNameAsync(subject.Trim()))
            ?? throw new NotFoundException($"No staff account {subject}.");

    /// <summary>The languages the console is written in.</summary>
    public static readonly IReadOnlyList<string> Languages = ["en", "ko", "bg"];

    /// <summary>The caller's own account: a token whose subject has no account (a service's) is NotFound.</summary>
    public async Task<StaffAccount> GetMineAsync(string subject, CancellationToken ct) => await ToProtoAsync(await FindAsync(subject));

    public async Task<StaffAccount> SetMyLanguageAsync(string subject, SetMyLanguageRequest request, CancellationToken ct)
    {
        var language = request.Language?.Trim() ?? "";
        if (language.Length > 0 && !Languages.Contains(language))
        {
            throw new ValidationException("language", $"must be one of: {string.Join(", ", Languages)}, or empty for the browser's");
        }
        var user = await FindAsync(subject);
        user.Language = language.Length == 0 ? null : language;
        Check(await users.UpdateAsync(user), "language");
        return await ToProtoAsync(user);
    }

    private async Task<StaffAccount> ToProtoAsync(StaffUser user)
    {
        var account = new StaffAccount
        {
            Subject = user.UserName ?? "",
            Email = user.Email ?? "",
            DisplayName = user.DisplayName,
            Disabled = user.Disabled,
            TwoFactorEnabled = user.TwoFactorEnabled,
            CreatedAt = Timestamp.FromDateTimeOffset(user.CreatedAt),
            Language = user.Language ?? "",
        };
        account.Roles.AddRange((await users.GetRolesAsync(user)).Order(StringComparer.Ordinal));
        if (user.LockoutEnd is { } end && end > clock.GetUtcNow())
        {
            account.LockedOutUntil = Timestamp.FromDateTimeOffset(end);
        }
        return account;
    }

    private static string Subject(Validator v, string? value)
    {
        var subject = value?.Trim() ?? "";
        if (!SubjectPattern().IsMatch(subject))
        {
            v.Add("subject", "must be 2 to 64 letters, digits, '.', '_' or '-' (the staff id, as in Routing's directory)");
        }
        return subject;
    }

    private static string Email(Validator v, string? value)
    {
        var email = value?.Trim() ?? "";
        if (email.Length > 254 || !System.Net.Mail.MailAddress.TryCreate(email, out var parsed) || parsed.Address != email)
        {
            v.Add("email", "must be an email address (at most 254 characters)");
        }
        return email;
    }

    private static void Check(IdentityResult result, string field)
    {
        if (!result.Succeeded)
        {
            throw new ValidationException(result.Errors.All(e => e.Code.StartsWith("Password", StringComparison.Ordinal)) ? "password" : field,
                string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }

    /// <summary>20 random characters from a 56-character alphabet without look-alikes: about 116 bits.</summary>
    private static string NewPassword() =>
        RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 20);

    [GeneratedRegex("^[A-Za-z0-9._-]{2,64}$")]
    private static partial Regex SubjectPattern();
}
