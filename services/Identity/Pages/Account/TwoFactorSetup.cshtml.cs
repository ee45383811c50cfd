using Complaints.Identity.Accounts;
using Complaints.Identity.SignIn;
using Complaints.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Complaints.Identity.Pages.Account;

/// <summary>A role that needs a second factor sets one up before its first session: key, confirming code, recovery codes.</summary>
public sealed class TwoFactorSetupModel(UserManager<StaffUser> users, SecondFactors factors) : PageModel
{
    [BindProperty]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Key { get; private set; }

    public string? Error { get; private set; }

    public IReadOnlyList<string>? RecoveryCodes { get; private set; }

    public string Continue => SignInModel.Next(Url, ReturnUrl);

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await PendingAsync();
        if (user is null)
        {
            return Restart();
        }
        (Key, _) = await factors.BeginAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await PendingAsync();
        if (user is null)
        {
            return Restart();
        }
        try
        {
            RecoveryCodes = await factors.ConfirmAsync(user, Code);
        }
        catch (ValidationException)
        {
            Error = "Error_Code";
            Key = await users.GetAuthenticatorKeyAsync(user);
            return Page();
        }
        await SignInSchemes.CompleteSecondFactorAsync(HttpContext, user);
        return Page();
    }

    private async Task<StaffUser?> PendingAsync() =>
        await SignInSchemes.PendingSubjectAsync(HttpContext, "setup") is { } subject && await users.FindByNameAsync(subject) is { Disabled: false } user ? user : null;

    private RedirectResult Restart() => Redirect("/account/sign-in?returnUrl=" + Uri.EscapeDataString(Continue));
}
