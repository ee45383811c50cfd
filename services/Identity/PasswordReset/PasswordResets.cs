using Complaints.Identity.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

namespace Complaints.Identity.PasswordReset;

public enum ResetOutcome
{
    Changed,

    /// <summary>Unknown account, disabled account, a token that was used, expired or never made here: all read alike.</summary>
    InvalidLink,

    /// <summary>The new password breaks the policy (12 characters at least); the link still works.</summary>
    PasswordRefused,
}

/// <summary>
/// Self-service password reset. A request by staff ID or email always ends the same way for the caller, whether the
/// account exists, is disabled, or was sent an email less than <see cref="PasswordResetOptions.EmailInterval"/> ago:
/// only a known, enabled account with an address gets one email per interval (the mark is saved with the account's
/// concurrency stamp, so two replicas never both send). A reset with a valid link sets the password, which changes
/// the security stamp (the link and every other link die, Identity sessions end at their next check), clears the
/// failed-attempt counter and revokes the account's refresh tokens. The second factor stays as it was.
/// </summary>
public sealed class PasswordResets(
    UserManager<StaffUser> users,
    IOpenIddictTokenManager tokens,
    ResetMailQueue queue,
    IOptions<PasswordResetOptions> options,
    TimeProvider clock,
    ILogger<PasswordResets> logger)
{
    public async Task RequestAsync(string? staffIdOrEmail, string language, Uri publicBase, CancellationToken ct)
    {
        var key = staffIdOrEmail?.Trim() ?? "";
        if (key.Length is 0 or > 254)
        {
            return;
        }
        // Staff IDs never contain '@' (StaffAccounts' pattern), and emails are unique.
        var user = key.Contains('@', StringComparison.Ordinal) ? await users.FindByEmailAsync(key) : await users.FindByNameAsync(key);
        if (user is null || user.Disabled || string.IsNullOrEmpty(user.Email))
        {
            return;
        }
        var now = clock.GetUtcNow();
        if (user.PasswordResetSentAt is { } last && now - last < options.Value.EmailInterval)
        {
            logger.LogInformation("Password reset for {Subject} asked again within the interval: no email", user.UserName);
            return;
        }
        user.PasswordResetSentAt = now;
        if (!(await users.UpdateAsync(user)).Succeeded)
        {
            // Another request for this account saved first (concurrency stamp): it sends the one email.
            return;
        }
        if (!queue.TryEnqueue(new ResetMail(user.UserName!, language, publicBase)))
        {
            logger.LogWarning("Password reset email for {Subject} dropped: the queue is full", user.UserName);
            return;
        }
        logger.LogInformation("Password reset email for {Subject} queued", user.UserName);
    }

    /// <summary>Whether a link (account and token) would still reset the password, to show the form or say it expired.</summary>
    public async Task<bool> LinkWorksAsync(string? subject, string? token)
    {
        var user = await EnabledAsync(subject);
        return user is not null && !string.IsNullOrEmpty(token)
            && await users.VerifyUserTokenAsync(user, users.Options.Tokens.PasswordResetTokenProvider, UserManager<StaffUser>.ResetPasswordTokenPurpose, token);
    }

    public async Task<ResetOutcome> ResetAsync(string? subject, string? token, string? password, CancellationToken ct)
    {
        var user = await EnabledAsync(subject);
        if (user is null || string.IsNullOrEmpty(token))
        {
            return ResetOutcome.InvalidLink;
        }
        var result = await users.ResetPasswordAsync(user, token, password ?? "");
        if (!result.Succeeded)
        {
            return result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.InvalidToken)) ? ResetOutcome.InvalidLink : ResetOutcome.PasswordRefused;
        }
        await users.ResetAccessFailedCountAsync(user);
        var revoked = await tokens.RevokeBySubjectAsync(user.UserName!, ct);
        logger.LogInformation("Password of {Subject} reset by email link; {Revoked} tokens revoked", user.UserName, revoked);
        return ResetOutcome.Changed;
    }

    private async Task<StaffUser?> EnabledAsync(string? subject) =>
        string.IsNullOrWhiteSpace(subject) ? null : await users.FindByNameAsync(subject.Trim()) is { Disabled: false } user ? user : null;
}
