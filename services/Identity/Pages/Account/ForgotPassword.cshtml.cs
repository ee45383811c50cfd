using System.Globalization;
using Complaints.Identity.PasswordReset;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using OpenIddict.Server;

namespace Complaints.Identity.Pages.Account;

/// <summary>
/// "Forgot your password?": a staff ID or email, then always the same answer, whether an email went or not (unknown,
/// disabled, asked too recently). The email is queued, never sent during the request, so the answer takes as long.
/// </summary>
public sealed class ForgotPasswordModel(PasswordResets resets, IOptions<PasswordResetOptions> options, IOptions<OpenIddictServerOptions> server) : PageModel
{
    [BindProperty]
    public string? StaffIdOrEmail { get; set; }

    public bool Sent { get; private set; }

    public int LinkMinutes => (int)Math.Round(options.Value.LinkLifetime.TotalMinutes);

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await resets.RequestAsync(StaffIdOrEmail, CultureInfo.CurrentUICulture.TwoLetterISOLanguageName, PublicBase(), HttpContext.RequestAborted);
        Sent = true;
        return Page();
    }

    /// <summary>Links go to the public address (Identity:Issuer, the gateway's); without one, to this request's.</summary>
    private Uri PublicBase()
    {
        var issuer = server.Value.Issuer?.AbsoluteUri ?? $"{Request.Scheme}://{Request.Host}{Request.PathBase}";
        return new Uri(issuer.EndsWith('/') ? issuer : issuer + "/", UriKind.Absolute);
    }
}
