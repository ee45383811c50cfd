using Complaints.Identity.Accounts;
using Complaints.Identity.External;
using Complaints.Identity.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Complaints.Identity.Pages.Account;

/// <summary>
/// Sign-in through an external provider (decision 14). POST (a button on the sign-in page): off to the provider. GET,
/// where its callback lands: the account is resolved (<see cref="ExternalSignIn"/>), then the session starts, or, when
/// the account's roles need a second factor the provider did not vouch for (<c>amr</c> without <c>mfa</c>), this
/// platform's own code or its set-up follows. A refusal is this page with the reason.
/// </summary>
[AllowAnonymous]
public sealed class ExternalModel(ExternalProviders providers, ExternalSignIn externalSignIn, SecondFactors factors) : PageModel
{
    [BindProperty]
    public string? Provider { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>The refusal's text key, or null.</summary>
    public string? Error { get; private set; }

    /// <summary>The platform's second-factor page to go on to, after a same-site click (its cookie is SameSite=Strict).</summary>
    public string? SecondFactorPage { get; private set; }

    public string SignInPage => "/account/sign-in?returnUrl=" + Uri.EscapeDataString(SignInModel.Next(Url, ReturnUrl));

    public IActionResult OnPost()
    {
        if (providers.Find(Provider) is not { } provider)
        {
            Error = "Error_ExternalFailed";
            return Page();
        }
        var finish = "/account/external?returnUrl=" + Uri.EscapeDataString(SignInModel.Next(Url, ReturnUrl));
        return Challenge(new AuthenticationProperties { RedirectUri = finish }, provider.Scheme);
    }

    public async Task<IActionResult> OnGetAsync()
    {
        var result = await HttpContext.AuthenticateAsync(ExternalSignInSetup.Scheme);
        await HttpContext.SignOutAsync(ExternalSignInSetup.Scheme);
        var external = result.Succeeded ? ExternalIdentity.Read(result.Principal!) : null;
        if (external is null)
        {
            Error = "Error_ExternalFailed";
            return Page();
        }
        var (outcome, user) = await externalSignIn.ResolveAsync(external, HttpContext.RequestAborted);
        if (outcome != ExternalOutcome.SignedIn || user is null)
        {
            Error = outcome switch
            {
                ExternalOutcome.NoAccount => "Error_ExternalNoAccount",
                ExternalOutcome.NoRole => "Error_ExternalNoRole",
                ExternalOutcome.NotAllowed => "Error_ExternalNotAllowed",
                _ => "Error_ExternalFailed",
            };
            return Page();
        }
        var provider = providers.Find(external.Provider)!;
        var next = SignInModel.Next(Url, ReturnUrl);
        // Asked as after a password: the role requires one, or the account set one up itself.
        if ((user.TwoFactorEnabled || await factors.RequiredAsync(user)) && !(provider.TrustMfa && external.Methods.Contains("mfa")))
        {
            var stage = user.TwoFactorEnabled ? "code" : "setup";
            await SignInSchemes.SignInPendingAsync(HttpContext, user, stage, external.Methods);
            SecondFactorPage = (stage == "code" ? "/account/code" : "/account/two-factor-setup") + "?returnUrl=" + Uri.EscapeDataString(next);
            return Page();
        }
        await SignInSchemes.SignInSessionAsync(HttpContext, user, external.Methods);
        return LocalRedirect(next);
    }
}
