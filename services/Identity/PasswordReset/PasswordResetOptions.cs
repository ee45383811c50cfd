using Microsoft.AspNetCore.Identity;

namespace Complaints.Identity.PasswordReset;

/// <summary><c>Identity:PasswordReset</c>: how long an emailed link works, and how often an account may be sent one.</summary>
public sealed class PasswordResetOptions
{
    /// <summary>How long a reset link works after it was made (at send time). It works once whatever the time.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>At most one reset email per account in this long; requests in between get the same answer and no email.</summary>
    public TimeSpan EmailInterval { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>The reset token provider's own options (its data-protection purpose and the links' lifetime).</summary>
public sealed class PasswordResetTokenProviderOptions : DataProtectionTokenProviderOptions;
