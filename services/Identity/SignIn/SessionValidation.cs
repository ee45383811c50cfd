using Complaints.Identity.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Complaints.Identity.SignIn;

/// <summary>
/// The session cookie carries the account's security stamp, and is checked against the account at most once per
/// <see cref="SecurityStampValidatorOptions.ValidationInterval"/> (<c>Identity:SessionValidationInterval</c>, 1 minute;
/// ASP.NET Core Identity's default is 30). A changed stamp (a forced sign-out, a password reset), a disabled or deleted
/// account, or a cookie without a stamp ends the session: the next page asks to sign in. Like Identity's own
/// SecurityStampValidator, the cookie's issue time records the last check; its end stays where the sign-in put it.
/// </summary>
public static class SessionValidation
{
    public const string StampClaim = "stamp";

    public static WebApplicationBuilder AddSessionValidation(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SecurityStampValidatorOptions>().Configure<IConfiguration>((o, configuration) =>
            o.ValidationInterval = configuration.GetValue("Identity:SessionValidationInterval", TimeSpan.FromMinutes(1)));
        return builder;
    }

    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var interval = services.GetRequiredService<IOptions<SecurityStampValidatorOptions>>().Value.ValidationInterval;
        var now = context.Options.TimeProvider?.GetUtcNow() ?? services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (context.Properties.IssuedUtc is { } checkedAt && now >= checkedAt && now - checkedAt < interval)
        {
            return;
        }
        var users = services.GetRequiredService<UserManager<StaffUser>>();
        var subject = context.Principal?.FindFirst(Claims.Subject)?.Value;
        var stamp = context.Principal?.FindFirst(StampClaim)?.Value;
        var user = string.IsNullOrEmpty(subject) ? null : await users.FindByNameAsync(subject);
        if (user is null || user.Disabled || string.IsNullOrEmpty(stamp)
            || !string.Equals(stamp, await users.GetSecurityStampAsync(user), StringComparison.Ordinal))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(context.Scheme.Name);
            return;
        }
        // Checked now. The renewed cookie keeps its end: the handler renews to now + (end - issued).
        context.Properties.IssuedUtc = now;
        context.ShouldRenew = true;
    }
}
