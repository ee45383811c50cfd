using Complaints.Identity.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Complaints.Identity.Pages.Account;

/// <summary>The signed-in staff member's page at the provider: who they are, and signing out of every client's sign-in.</summary>
public sealed class SignedInModel : PageModel
{
    public string Subject => User.FindFirst(Claims.Subject)?.Value ?? "";

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(SignInSchemes.Session);
        return LocalRedirect("/account/signed-out");
    }
}
