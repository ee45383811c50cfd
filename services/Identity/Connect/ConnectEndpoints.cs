using System.Security.Claims;
using Complaints.Identity.Accounts;
using Complaints.Identity.Clients;
using Complaints.Identity.SignIn;
using Complaints.ServiceDefaults.Auth;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Complaints.Identity.Connect;

/// <summary>
/// The OpenID Connect endpoints OpenIddict passes through once it has validated the request: what the issued tokens
/// say. Staff tokens name the account (sub = staff id) with its current roles; client-credentials tokens name the
/// client with the roles of its kind (<see cref="ClientKinds"/>: service or partner, nothing else). Every token carries
/// the platform audience.
/// </summary>
public static class ConnectEndpoints
{
    private const string Server = OpenIddictServerAspNetCoreDefaults.AuthenticationScheme;

    public static WebApplication MapConnectEndpoints(this WebApplication app)
    {
        app.MapMethods("/connect/authorize", ["GET", "POST"], (Delegate)AuthorizeAsync).AllowAnonymous().DisableAntiforgery();
        app.MapPost("/connect/token", TokenAsync).AllowAnonymous().DisableAntiforgery();
        app.MapMethods("/connect/endsession", ["GET", "POST"], (Delegate)EndSessionAsync).AllowAnonymous().DisableAntiforgery();
        return app;
    }

    /// <summary>Signed in (the session cookie): a code for the client. Not signed in: the sign-in page, which comes back here.</summary>
    private static async Task<IResult> AuthorizeAsync(HttpContext http, UserManager<StaffUser> users, AuthSettings auth)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect authorization request.");
        var session = await http.AuthenticateAsync(SignInSchemes.Session);
        var user = session.Succeeded ? await users.FindByNameAsync(session.Principal!.FindFirst(Claims.Subject)?.Value ?? "") : null;
        if (user is null || user.Disabled)
        {
            var back = http.Request.PathBase + http.Request.Path + QueryString.Create(
                http.Request.HasFormContentType ? http.Request.Form.ToList() : http.Request.Query.ToList());
            return Results.Challenge(new AuthenticationProperties { RedirectUri = back }, [SignInSchemes.Session]);
        }
        var identity = await StaffIdentityAsync(users, user);
        // How the session was authenticated (password, one-time code, an external provider's methods), for the ID token.
        identity.SetClaims(Claims.AuthenticationMethodReference, [.. session.Principal!.FindAll(SignInSchemes.MethodsClaim).Select(c => c.Value)]);
        identity.SetScopes(request.GetScopes());
        identity.SetResources(auth.Audience);
        identity.SetDestinations(Destinations);
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, Server);
    }

    private static async Task<IResult> TokenAsync(HttpContext http, IOpenIddictApplicationManager applications, UserManager<StaffUser> users,
        AuthSettings auth, IConfiguration configuration)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect token request.");
        if (request.IsClientCredentialsGrantType() && request.ClientId is { Length: > 0 } clientId
            && await applications.FindByClientIdAsync(clientId, http.RequestAborted) is { } client)
        {
            // The client has authenticated (a disabled one cannot) and every scope it asked for is permitted to it.
            var properties = await applications.GetPropertiesAsync(client, http.RequestAborted);
            var roles = ClientKinds.Roles(clientId, properties, configuration);
            if (roles.Count == 0)
            {
                return Refuse(Errors.UnauthorizedClient, "This client is given no token of its own.");
            }
            var scopes = request.GetScopes();
            if (scopes.IsEmpty && ClientKinds.Of(properties) == ClientKinds.Partner)
            {
                // No scope asked for: every scope the partner was registered with.
                scopes = [.. (await applications.GetPermissionsAsync(client, http.RequestAborted))
                    .Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal))
                    .Select(p => p[Permissions.Prefixes.Scope.Length..])];
            }
            var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Subject, Claims.Role);
            identity.SetClaim(Claims.Subject, clientId);
            identity.SetClaims(Claims.Role, [.. roles]);
            identity.SetScopes(scopes);
            identity.SetResources(auth.Audience);
            identity.SetDestinations(_ => [OpenIddictConstants.Destinations.AccessToken]);
            return Results.SignIn(new ClaimsPrincipal(identity), properties: null, Server);
        }
        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            // The code or refresh token, already validated by OpenIddict (a reused refresh token never gets here).
            var granted = (await http.AuthenticateAsync(Server)).Principal;
            var user = granted?.GetClaim(Claims.Subject) is { } subject ? await users.FindByNameAsync(subject) : null;
            if (granted is null || user is null || user.Disabled)
            {
                return Refuse(Errors.InvalidGrant, "The account is no longer allowed to sign in.");
            }
            // Roles as they are now, not as they were at sign-in.
            var identity = await StaffIdentityAsync(users, user);
            identity.SetClaims(Claims.AuthenticationMethodReference, granted.GetClaims(Claims.AuthenticationMethodReference));
            identity.SetScopes(granted.GetScopes());
            identity.SetResources(granted.GetResources());
            identity.SetDestinations(Destinations);
            return Results.SignIn(new ClaimsPrincipal(identity), properties: null, Server);
        }
        return Refuse(Errors.UnsupportedGrantType, "This grant type is not served.");
    }

    /// <summary>Signs the staff member out of Identity, then returns to the client's registered address.</summary>
    private static async Task<IResult> EndSessionAsync(HttpContext http)
    {
        await http.SignOutAsync(SignInSchemes.Session);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/account/signed-out" }, [Server]);
    }

    private static async Task<ClaimsIdentity> StaffIdentityAsync(UserManager<StaffUser> users, StaffUser user)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.UserName)
            .SetClaim(Claims.Name, user.DisplayName)
            .SetClaim(Claims.Email, user.Email)
            .SetClaim(Claims.EmailVerified, user.EmailConfirmed)
            .SetClaim(Claims.Locale, user.Language);
        identity.SetClaims(Claims.Role, [.. (await users.GetRolesAsync(user)).Where(StaffAccounts.StaffRoles.Contains)]);
        return identity;
    }

    /// <summary>
    /// Roles and the subject go in the access token; name and email in the ID token too, roles too when the client asked
    /// for the roles scope (a relying party such as another platform's sign-in maps them); how the staff member signed in
    /// (amr), whether the email is verified and the console's language (locale) in the ID token only.
    /// </summary>
    private static IEnumerable<string> Destinations(Claim claim) => claim.Type switch
    {
        Claims.Name or Claims.Email => [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],
        Claims.Role when claim.Subject?.HasScope(OpenIddictConstants.Scopes.Roles) == true =>
            [OpenIddictConstants.Destinations.AccessToken, OpenIddictConstants.Destinations.IdentityToken],
        Claims.AuthenticationMethodReference or Claims.EmailVerified or Claims.Locale => [OpenIddictConstants.Destinations.IdentityToken],
        _ => [OpenIddictConstants.Destinations.AccessToken],
    };

    private static IResult Refuse(string error, string description) =>
        Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [Server]);
}
