using Microsoft.AspNetCore.Identity;

namespace Complaints.Identity.Accounts;

/// <summary>A staff member's credentials (ASP.NET Core Identity): the user name is the staff id, the tokens' subject.</summary>
public sealed class StaffUser : IdentityUser
{
    public string DisplayName { get; set; } = "";

    /// <summary>Disabled by an admin: no sign-in, whatever the password; kept apart from lockout, which expires.</summary>
    public bool Disabled { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The console's language (en, ko, bg), the ID token's "locale"; null: the browser's.</summary>
    public string? Language { get; set; }

    /// <summary>When the last password reset email was queued: at most one per <c>Identity:PasswordReset:EmailInterval</c>.</summary>
    public DateTimeOffset? PasswordResetSentAt { get; set; }
}
