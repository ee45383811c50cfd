using Microsoft.AspNetCore.Identity;

namespace Complaints.Identity.Accounts;

public enum PasswordOutcome
{
    Valid,
    Invalid,
    LockedOut,
    Disabled,
}

/// <summary>
/// A staff member's password, checked as the sign-in page will check it: a disabled account is refused whatever the
/// password; repeated failures lock the account (Identity:Lockout, 5 failures for 15 minutes by default), and a
/// locked account is refused even with the right password until the lockout ends. An unknown name answers like a
/// wrong password, so the answer never tells which accounts exist.
/// </summary>
public sealed class PasswordCheck(UserManager<StaffUser> users)
{
    public async Task<(PasswordOutcome Outcome, StaffUser? User)> CheckAsync(string? subject, string? password)
    {
        var user = string.IsNullOrWhiteSpace(subject) ? null : await users.FindByNameAsync(subject.Trim());
        if (user is null || string.IsNullOrEmpty(password))
        {
            return (PasswordOutcome.Invalid, null);
        }
        if (user.Disabled)
        {
            return (PasswordOutcome.Disabled, null);
        }
        if (await users.IsLockedOutAsync(user))
        {
            return (PasswordOutcome.LockedOut, null);
        }
        if (!await users.CheckPasswordAsync(user, password))
        {
            await users.AccessFailedAsync(user);
            return (await users.IsLockedOutAsync(user) ? PasswordOutcome.LockedOut : PasswordOutcome.Invalid, null);
        }
        await users.ResetAccessFailedCountAsync(user);
        return (PasswordOutcome.Valid, user);
    }
}
