using Complaints.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Identity;

namespace Complaints.Identity.Accounts;

/// <summary>
/// TOTP second factors (RFC 6238, any authenticator app) and their recovery codes, on ASP.NET Core Identity's
/// authenticator provider. Optional per account; required for the roles in <c>Identity:RequireTwoFactorFor</c>
/// (default: admin). A code is accepted once the enrolment is confirmed with one; a recovery code works once.
/// </summary>
public sealed class SecondFactors(UserManager<StaffUser> users, IConfiguration configuration)
{
    public const int RecoveryCodes = 10;

    /// <summary>A new authenticator key (replacing any earlier one) and the otpauth URI an app scans; 2FA is not yet on.</summary>
    public async Task<(string Key, string Uri)> BeginAsync(StaffUser user)
    {
        await users.ResetAuthenticatorKeyAsync(user);
        var key = await users.GetAuthenticatorKeyAsync(user) ?? throw new InvalidOperationException("No authenticator key was stored.");
        var label = Uri.EscapeDataString($"Complaints:{user.UserName}");
        return (key, $"otpauth://totp/{label}?secret={key}&issuer=Complaints&digits=6&period=30");
    }

    /// <summary>Turns 2FA on once the app shows a valid code; returns the recovery codes, shown once.</summary>
    public async Task<IReadOnlyList<string>> ConfirmAsync(StaffUser user, string? code)
    {
        if (!await VerifyAsync(user, code))
        {
            throw new ValidationException("code", "is not the code the authenticator app shows now");
        }
        await users.SetTwoFactorEnabledAsync(user, true);
        return (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodes))?.ToList() ?? [];
    }

    /// <summary>The current authenticator code (a step either side is allowed for clock drift).</summary>
    public Task<bool> VerifyAsync(StaffUser user, string? code) =>
        string.IsNullOrWhiteSpace(code)
            ? Task.FromResult(false)
            : users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code.Replace(" ", "", StringComparison.Ordinal));

    /// <summary>A recovery code, once: redeemed codes are gone.</summary>
    public async Task<bool> RedeemAsync(StaffUser user, string? code) =>
        !string.IsNullOrWhiteSpace(code) && (await users.RedeemTwoFactorRecoveryCodeAsync(user, code.Trim())).Succeeded;

    /// <summary>Whether this account must have a second factor to sign in (its roles against Identity:RequireTwoFactorFor).</summary>
    public async Task<bool> RequiredAsync(StaffUser user)
    {
        var required = configuration.GetSection("Identity:RequireTwoFactorFor").Get<string[]>() ?? [ServiceDefaults.Auth.Roles.Admin];
        var roles = await users.GetRolesAsync(user);
        return roles.Any(r => required.Contains(r, StringComparer.Ordinal));
    }

    public Task<int> RecoveryCodesLeftAsync(StaffUser user) => users.CountRecoveryCodesAsync(user);
}
