using Complaints.Identity.PasswordReset;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Complaints.Identity.Pages.Account;

/// <summary>
/// The emailed link's page: a new password (the usual policy: 12 characters at least). The link works once and for
/// Identity:PasswordReset:LinkLifetime; then the account's refresh tokens are revoked and its sessions end, and the
/// staff member signs in as usual, second factor included. The page is never cached and sends no referrer, so the
/// token does not travel on.
/// </summary>
public sealed class ResetPasswordModel(PasswordResets resets) : PageModel
{
    public enum View
    {
        Form,
        Changed,
        LinkInvalid,
    }

    [BindProperty(SupportsGet = true)]
    public string? Account { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    [BindProperty]
    public string? ConfirmPassword { get; set; }

    public View State { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync()
    {
        KeepTokenHere();
        State = await resets.LinkWorksAsync(Account, Token) ? View.Form : View.LinkInvalid;
    }

    public async Task OnPostAsync()
    {
        KeepTokenHere();
        if (!string.Equals(NewPassword, ConfirmPassword, StringComparison.Ordinal))
        {
            State = await resets.LinkWorksAsync(Account, Token) ? View.Form : View.LinkInvalid;
            Error = "Error_PasswordsDiffer";
            return;
        }
        switch (await resets.ResetAsync(Account, Token, NewPassword, HttpContext.RequestAborted))
        {
            case ResetOutcome.Changed:
                State = View.Changed;
                break;
            case ResetOutcome.PasswordRefused:
                State = View.Form;
                Error = "Error_PasswordPolicy";
                break;
            default:
                State = View.LinkInvalid;
                break;
        }
    }

    private void KeepTokenHere()
    {
        Response.Headers.CacheControl = "no-store";
        Response.Headers["Referrer-Policy"] = "no-referrer";
    }
}
