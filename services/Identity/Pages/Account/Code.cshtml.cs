using Complaints.Identity.Accounts;
using Complaints.Identity.SignIn;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Complaints.Identity.Pages.Account;

/// <summary>The second factor: the authenticator's code or a recovery code. Wrong codes count towards the lockout.</summary>
public sealed class CodeModel(UserManager<StaffUser> users, SecondFactors factors) : PageModel
{
    [BindProperty]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync() =>
        await SignInSchemes.PendingSubjectAsync(HttpContext, "code") is null ? Restart() : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        var subject = await SignInSchemes.PendingSubjectAsync(HttpContext, "code");
        var user = subject is null ? null : await users.FindByNameAsync(subject);
        if (user is null || user.Disabled)
        {
            return Restart();
        }
        if (await users.IsLockedOutAsync(user))
        {
            Error = "Error_LockedOut";
            return Page();
        }
        if (!await factors.VerifyAsync(user, Code) && !await factors.RedeemAsync(user, Code))
        {
            await users.AccessFailedAsync(user);
            Error = await users.IsLockedOutAsync(user) ? "Error_LockedOut" : "Error_Code";
            return Page();
        }
        await users.ResetAccessFailedCountAsync(user);
        await SignInSchemes.CompleteSecondFactorAsync(HttpContext, user);
        return LocalRedirect(SignInModel.Next(Url, ReturnUrl));
    }

    private RedirectResult Restart() => Redirect("/account/sign-in?returnUrl=" + Uri.EscapeDataString(SignInModel.Next(Url, ReturnUrl)));
}
