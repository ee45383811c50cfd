using Complaints.Identity.Accounts;
using Complaints.Identity.SignIn;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Complaints.Identity.Pages.Account;

/// <summary>The password step. A disabled account reads like a wrong password: the page never tells which accounts exist.</summary>
public sealed class SignInModel(PasswordCheck check, SecondFactors factors) : PageModel
{
    [BindProperty]
    public string? StaffId { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var (outcome, user) = await check.CheckAsync(StaffId, Password);
        if (outcome == PasswordOutcome.LockedOut)
        {
            Error = "Error_LockedOut";
            return Page();
        }
        if (outcome != PasswordOutcome.Valid || user is null)
        {
            Error = "Error_Invalid";
            return Page();
        }
        var next = Next(Url, ReturnUrl);
        if (user.TwoFactorEnabled)
        {
            await SignInSchemes.SignInPendingAsync(HttpContext, user, "code");
            return LocalRedirect("/account/code?returnUrl=" + Uri.EscapeDataString(next));
        }
        if (await factors.RequiredAsync(user))
        {
            await SignInSchemes.SignInPendingAsync(HttpContext, user, "setup");
            return LocalRedirect("/account/two-factor-setup?returnUrl=" + Uri.EscapeDataString(next));
        }
        await SignInSchemes.SignInSessionAsync(HttpContext, user);
        return LocalRedirect(next);
    }

    /// <summary>Only a local address: a sign-in never sends anyone to a place named in a link.</summary>
    public static string Next(IUrlHelper url, string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && url.IsLocalUrl(returnUrl) ? returnUrl : "/account/signed-in";
}
