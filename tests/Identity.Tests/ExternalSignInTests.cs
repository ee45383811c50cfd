using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Complaints.Identity.Accounts;
using Complaints.Identity.External;
using Complaints.Identity.V1;
using Complaints.TestSupport;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Complaints.Identity.Tests;

/// <summary>
/// Identity hosted twice: the platform's (<c>https://idp.test/</c>), with one external provider <c>corp</c>, and a
/// second instance of the same provider standing in for Entra ID or Keycloak (<c>https://external.test/</c>), where
/// the platform is a confidential web client. The platform's backchannel (discovery, JWKS, token endpoint) goes to the
/// second test server; the browser follows redirects across both hosts, with cookies per host. At the stand-in,
/// supervisors need a second factor (so its ID tokens say <c>mfa</c>); admins do not.
/// </summary>
public sealed class ExternalSignInFixture : IDisposable
{
    public const string PlatformHost = "idp.test";
    public const string ExternalHost = "external.test";
    public const string Client = "console-test";
    public const string Redirect = "https://console.example/signin-oidc";
    public const string PlatformClient = "complaints-platform";
    public const string PlatformSecret = "platform-client-secret-0123456789abcdefgh";
    public const string ExternalIssuer = $"https://{ExternalHost}/";

    public ExternalSignInFixture()
    {
        External = new ServiceFactory<Program>(new Dictionary<string, string?>
        {
            ["Identity:Issuer"] = ExternalIssuer,
            [$"Identity:WebClients:{PlatformClient}:RedirectUris:0"] = $"https://{PlatformHost}/account/external/callback/corp",
            [$"Identity:WebClients:{PlatformClient}:Secret"] = PlatformSecret,
            ["Identity:RequireTwoFactorFor:0"] = "supervisor",
        });
        Platform = new PlatformFactory(ProviderSettings(new Dictionary<string, string?>
        {
            ["Identity:Issuer"] = $"https://{PlatformHost}/",
            [$"Identity:WebClients:{Client}:RedirectUris:0"] = Redirect,
        }), () => External.Server.CreateHandler());
    }

    public ServiceFactory<Program> External { get; }

    public ServiceFactory<Program> Platform { get; }

    /// <summary>TOTP keys the browser set up, by host and staff ID.</summary>
    public Dictionary<(string Host, string Subject), string> AuthenticatorKeys { get; } = [];

    /// <summary>The provider <c>corp</c>: roles from the stand-in's <c>role</c> claim, supervisor, analyst and admin mapped, agent not.</summary>
    public static Dictionary<string, string?> ProviderSettings(Dictionary<string, string?> settings)
    {
        const string corp = "Identity:ExternalProviders:corp";
        settings[$"{corp}:Issuer"] = ExternalIssuer;
        settings[$"{corp}:ClientId"] = PlatformClient;
        settings[$"{corp}:ClientSecret"] = PlatformSecret;
        settings[$"{corp}:DisplayName"] = "Corp SSO";
        settings[$"{corp}:Scopes:0"] = "openid";
        settings[$"{corp}:Scopes:1"] = "profile";
        settings[$"{corp}:Scopes:2"] = "email";
        settings[$"{corp}:Scopes:3"] = "roles";
        settings[$"{corp}:RoleClaim"] = "role";
        settings[$"{corp}:StaffIdClaim"] = "sub";
        settings[$"{corp}:Provision"] = "true";
        settings[$"{corp}:Roles:supervisor"] = "supervisor";
        settings[$"{corp}:Roles:analyst"] = "analyst";
        settings[$"{corp}:Roles:admin"] = "admin";
        return settings;
    }

    /// <summary>A browser whose requests reach the test server their host names, cookies kept per host.</summary>
    public HttpClient Browser() =>
        new(new CookieContainerHandler(new CookieContainer())
        {
            InnerHandler = new HostRouter(new Dictionary<string, HttpMessageHandler>
            {
                [PlatformHost] = Platform.Server.CreateHandler(),
                [ExternalHost] = External.Server.CreateHandler(),
            }),
        });

    public void Dispose()
    {
        Platform.Dispose();
        External.Dispose();
    }

    /// <summary>The platform's Identity, its OpenID Connect handlers' backchannel going to the stand-in's test server.</summary>
    public sealed class PlatformFactory(IDictionary<string, string?> settings, Func<HttpMessageHandler> backchannel) : ServiceFactory<Program>(settings)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.ConfigureAll<OpenIdConnectOptions>(o => o.BackchannelHttpHandler = backchannel()));
        }
    }

    private sealed class HostRouter(IReadOnlyDictionary<string, HttpMessageHandler> hosts) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            hosts.TryGetValue(request.RequestUri!.Host, out var handler)
                ? new HttpMessageInvoker(handler, disposeHandler: false).SendAsync(request, cancellationToken)
                : throw new InvalidOperationException($"The browser went to {request.RequestUri}, which no test server answers.");
    }
}

public sealed partial class ExternalSignInTests(ExternalSignInFixture fixture) : IClassFixture<ExternalSignInFixture>
{
    private readonly string _verifier = Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string NewSubject(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];

    private static StaffAccountService.StaffAccountServiceClient Accounts(ServiceFactory<Program> host) =>
        new(host.Channel(host.Token("admin-1", "admin")));

    /// <summary>A staff account at the stand-in provider: the person as the external provider knows them.</summary>
    private async Task<(string Subject, string Password)> ExternalAccountAsync(string subject, string email, params string[] roles)
    {
        var created = await Accounts(fixture.External).CreateAccountAsync(new CreateAccountRequest
        {
            Subject = subject,
            Email = email,
            DisplayName = "Hana Kim",
            Roles = { roles },
        });
        return (subject, created.InitialPassword);
    }

    private Uri AuthorizeUrl(string state) => new(
        $"https://{ExternalSignInFixture.PlatformHost}/connect/authorize?client_id={ExternalSignInFixture.Client}&response_type=code"
        + $"&redirect_uri={Uri.EscapeDataString(ExternalSignInFixture.Redirect)}&scope={Uri.EscapeDataString("openid offline_access roles")}"
        + $"&state={state}&code_challenge_method=S256&code_challenge={Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(_verifier)))}");

    /// <summary>Where a browser sign-in through <c>corp</c> ended: the client's redirect, or the page it stopped at.</summary>
    private sealed record Walk(Uri End, string? Html, IReadOnlyList<Uri> Visited)
    {
        public bool Went(string host, string path) => Visited.Any(u => u.Host == host && u.AbsolutePath == path);
    }

    /// <summary>
    /// A browser from the client's authorize request: the provider's button on the platform's sign-in page, the password
    /// (and second factor) at the stand-in, back through the platform's callback, and any second factor there.
    /// </summary>
    private async Task<Walk> SignInThroughCorpAsync(HttpClient browser, string subject, string password, string state = "s1")
    {
        var visited = new List<Uri>();
        var url = AuthorizeUrl(state);
        string? html = null;
        for (var step = 0; step < 30; step++)
        {
            if (url.AbsoluteUri.StartsWith(ExternalSignInFixture.Redirect, StringComparison.Ordinal))
            {
                return new Walk(url, null, visited);
            }
            visited.Add(url);
            using var response = await browser.GetAsync(url);
            if (Next(response) is { } redirect)
            {
                url = redirect;
                continue;
            }
            html = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"GET {url}: {(int)response.StatusCode} {html[..Math.Min(400, html.Length)]}");
            var host = url.Host;
            Uri? next = (host, url.AbsolutePath) switch
            {
                (ExternalSignInFixture.PlatformHost, "/account/sign-in") => await PostAsync(browser, url, ProviderForm().Match(html).Groups["form"].Value, []),
                (ExternalSignInFixture.ExternalHost, "/account/sign-in") => await PostAsync(browser, url, html, new() { ["StaffId"] = subject, ["Password"] = password }),
                (_, "/account/two-factor-setup") => await SetUpSecondFactorAsync(browser, url, html, subject),
                (_, "/account/code") => await PostAsync(browser, url, html,
                    new() { ["Code"] = Totp.Code(fixture.AuthenticatorKeys[(host, subject)], DateTimeOffset.UtcNow) }),
                (ExternalSignInFixture.PlatformHost, "/account/external") when SecondFactorLink().Match(html) is { Success: true } link =>
                    new Uri(url, WebUtility.HtmlDecode(link.Groups["href"].Value)),
                _ => null,
            };
            if (next is null)
            {
                return new Walk(url, html, visited);
            }
            url = next;
        }
        throw new InvalidOperationException($"The sign-in of {subject} went round in circles; last at {url}.");
    }

    private async Task<Uri?> SetUpSecondFactorAsync(HttpClient browser, Uri page, string html, string subject)
    {
        var key = HtmlForms.AuthenticatorKey(html);
        fixture.AuthenticatorKeys[(page.Host, subject)] = key;
        var form = Fields(html, new() { ["Code"] = Totp.Code(key, DateTimeOffset.UtcNow) });
        using var confirmed = await browser.PostAsync(page, new FormUrlEncodedContent(form));
        var codes = await confirmed.Content.ReadAsStringAsync();
        return new Uri(page, HtmlForms.FirstLink(codes));
    }

    /// <summary>Posts a form (its hidden fields, the antiforgery token among them, plus <paramref name="fields"/>); where it redirects, or null.</summary>
    private static async Task<Uri?> PostAsync(HttpClient browser, Uri page, string formHtml, Dictionary<string, string> fields)
    {
        var action = FormAction().Match(formHtml) is { Success: true } m && m.Groups["action"].Value.Length > 0
            ? new Uri(page, WebUtility.HtmlDecode(m.Groups["action"].Value))
            : page;
        using var response = await browser.PostAsync(action, new FormUrlEncodedContent(Fields(formHtml, fields)));
        return Next(response);
    }

    private static Dictionary<string, string> Fields(string html, Dictionary<string, string> fields)
    {
        var form = HtmlForms.HiddenFields(html);
        foreach (var (key, value) in fields)
        {
            form[key] = value;
        }
        return form;
    }

    private static Uri? Next(HttpResponseMessage response) =>
        (int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location
            ? new Uri(response.RequestMessage!.RequestUri!, location)
            : null;

    /// <summary>The code in the client's redirect, redeemed at the platform for its tokens.</summary>
    private async Task<(JsonWebToken Access, JsonWebToken Id)> RedeemAsync(HttpClient browser, Walk walk, string state = "s1")
    {
        Assert.StartsWith(ExternalSignInFixture.Redirect, walk.End.AbsoluteUri);
        var query = System.Web.HttpUtility.ParseQueryString(walk.End.Query);
        Assert.Equal(state, query["state"]);
        using var response = await browser.PostAsync($"https://{ExternalSignInFixture.PlatformHost}/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = query["code"]!,
            ["redirect_uri"] = ExternalSignInFixture.Redirect,
            ["client_id"] = ExternalSignInFixture.Client,
            ["code_verifier"] = _verifier,
        }));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(response.IsSuccessStatusCode, json.RootElement.ToString());
        return (new JsonWebToken(json.RootElement.GetProperty("access_token").GetString()),
            new JsonWebToken(json.RootElement.GetProperty("id_token").GetString()));
    }

    private static string[] Roles(JsonWebToken token) => [.. token.Claims.Where(c => c.Type == "role").Select(c => c.Value).Order()];

    private async Task<T> WithPlatformUsersAsync<T>(Func<UserManager<StaffUser>, Task<T>> act)
    {
        await using var scope = fixture.Platform.Services.CreateAsyncScope();
        return await act(scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>());
    }

    [Fact]
    public async Task FirstSignIn_ProvisionsAnAccountLinkedByIssuerAndSubject_TokensCarryOnlyTheMappedRoles()
    {
        var (subject, password) = await ExternalAccountAsync(NewSubject("ext"), NewSubject("hana") + "@corp.example", "analyst", "supervisor", "agent");
        using var browser = fixture.Browser();

        var walk = await SignInThroughCorpAsync(browser, subject, password);
        var (access, id) = await RedeemAsync(browser, walk);

        Assert.Equal(subject, access.Subject);
        Assert.Equal(["analyst", "supervisor"], Roles(access)); // agent is not mapped: no role from it
        Assert.Contains("complaints", access.Audiences);
        // The stand-in asked its supervisor for a code: its "mfa" reached the platform's session and ID token.
        Assert.Contains("mfa", id.Claims.Where(c => c.Type == "amr").Select(c => c.Value));
        var linked = await WithPlatformUsersAsync(users => users.FindByLoginAsync(ExternalSignInFixture.ExternalIssuer, subject));
        Assert.Equal(subject, linked?.UserName);
        Assert.False(await WithPlatformUsersAsync(users => users.HasPasswordAsync(linked!)));
    }

    [Fact]
    public async Task SignInAgain_RoleRemovedAtTheProvider_RemovedHereToo()
    {
        var (subject, password) = await ExternalAccountAsync(NewSubject("ext"), NewSubject("mina") + "@corp.example", "analyst", "supervisor");
        using (var first = fixture.Browser())
        {
            await RedeemAsync(first, await SignInThroughCorpAsync(first, subject, password));
        }

        await Accounts(fixture.External).SetRolesAsync(new SetRolesRequest { Subject = subject, Roles = { "analyst" } });
        using var browser = fixture.Browser();
        var (access, _) = await RedeemAsync(browser, await SignInThroughCorpAsync(browser, subject, password));

        Assert.Equal(["analyst"], Roles(access));
        Assert.Equal(["analyst"], await WithPlatformUsersAsync(async users => (await users.GetRolesAsync((await users.FindByNameAsync(subject))!)).ToArray()));
    }

    [Fact]
    public async Task FirstSignIn_OnlyUnmappedRoles_RefusedWithAClearPageAndNoAccountMade()
    {
        var (subject, password) = await ExternalAccountAsync(NewSubject("ext"), NewSubject("jun") + "@corp.example", "agent");
        using var browser = fixture.Browser();

        var walk = await SignInThroughCorpAsync(browser, subject, password);

        Assert.Equal("/account/external", walk.End.AbsolutePath);
        Assert.Contains("role=\"alert\"", walk.Html);
        Assert.Contains("gives you no role on this platform", walk.Html);
        Assert.Null(await WithPlatformUsersAsync(users => users.FindByNameAsync(subject)));
        Assert.Null(await WithPlatformUsersAsync(users => users.FindByLoginAsync(ExternalSignInFixture.ExternalIssuer, subject)));
    }

    [Fact]
    public async Task SignIn_AccountDisabledHere_Refused()
    {
        var (subject, password) = await ExternalAccountAsync(NewSubject("ext"), NewSubject("ivan") + "@corp.example", "analyst");
        using (var first = fixture.Browser())
        {
            await RedeemAsync(first, await SignInThroughCorpAsync(first, subject, password));
        }

        await Accounts(fixture.Platform).SetDisabledAsync(new SetDisabledRequest { Subject = subject, Disabled = true, Reason = "left the company" });
        using var browser = fixture.Browser();
        var walk = await SignInThroughCorpAsync(browser, subject, password);

        Assert.Equal("/account/external", walk.End.AbsolutePath);
        Assert.Contains("This staff account may not sign in.", walk.Html);
        Assert.DoesNotContain(walk.Visited, u => u.AbsoluteUri.StartsWith(ExternalSignInFixture.Redirect, StringComparison.Ordinal));
    }

    [Fact]
    public async Task FirstSignIn_AnAdminMadeTheAccountWithTheSameVerifiedEmail_LinkedToItAndItsRolesReplacedByTheMapping()
    {
        var email = NewSubject("hana.kim") + "@corp.example";
        var staffId = NewSubject("hkim");
        await Accounts(fixture.Platform).CreateAccountAsync(new CreateAccountRequest { Subject = staffId, Email = email, DisplayName = "Hana Kim", Roles = { "agent" } });
        var (subject, password) = await ExternalAccountAsync(NewSubject("ext"), email, "analyst");
        using var browser = fixture.Browser();

        var (access, _) = await RedeemAsync(browser, await SignInThroughCorpAsync(browser, subject, password));

        Assert.Equal(staffId, access.Subject);
        Assert.Equal(["analyst"], Roles(access));
        Assert.Equal(staffId, (await WithPlatformUsersAsync(users => users.FindByLoginAsync(ExternalSignInFixture.ExternalIssuer, subject)))?.UserName);
        Assert.Null(await WithPlatformUsersAsync(users => users.FindByNameAsync(subject)));
    }

    [Fact]
    public async Task SignIn_RoleNeedsASecondFactorAndTheProviderGaveNone_ThisPlatformsOwnFirst()
    {
        // At the stand-in an admin signs in with a password alone; here admin needs a second factor.
        var (subject, password) = await ExternalAccountAsync(NewSubject("ext"), NewSubject("sora") + "@corp.example", "admin");
        using var browser = fixture.Browser();

        var walk = await SignInThroughCorpAsync(browser, subject, password);
        var (access, id) = await RedeemAsync(browser, walk);

        Assert.True(walk.Went(ExternalSignInFixture.PlatformHost, "/account/two-factor-setup"));
        Assert.False(walk.Went(ExternalSignInFixture.ExternalHost, "/account/code"));
        Assert.Equal(["admin"], Roles(access));
        Assert.Contains("otp", id.Claims.Where(c => c.Type == "amr").Select(c => c.Value));
    }

    [Fact]
    public async Task SignIn_AccountWithItsOwnSecondFactorAndTheProviderGaveNone_ThisPlatformsCodeAsked()
    {
        // An analyst needs no second factor, but this one set one up: the provider's password alone must not skip it.
        var email = NewSubject("min.lee") + "@corp.example";
        var staffId = NewSubject("mlee");
        await Accounts(fixture.Platform).CreateAccountAsync(new CreateAccountRequest { Subject = staffId, Email = email, DisplayName = "Min Lee", Roles = { "analyst" } });
        var (subject, password) = await ExternalAccountAsync(NewSubject("ext"), email, "analyst");
        fixture.AuthenticatorKeys[(ExternalSignInFixture.PlatformHost, subject)] = await WithPlatformUsersAsync(async users =>
        {
            var user = (await users.FindByNameAsync(staffId))!;
            await users.ResetAuthenticatorKeyAsync(user);
            await users.SetTwoFactorEnabledAsync(user, true);
            return (await users.GetAuthenticatorKeyAsync(user))!;
        });
        using var browser = fixture.Browser();

        var walk = await SignInThroughCorpAsync(browser, subject, password);
        var (access, _) = await RedeemAsync(browser, walk);

        Assert.True(walk.Went(ExternalSignInFixture.PlatformHost, "/account/code"));
        Assert.Equal(staffId, access.Subject);
    }

    [Fact]
    public async Task SignIn_RoleNeedsASecondFactorAndTheProviderDidMfa_NoSecondCodeHere()
    {
        var (subject, password) = await ExternalAccountAsync(NewSubject("ext"), NewSubject("lena") + "@corp.example", "admin", "supervisor");
        using var browser = fixture.Browser();

        var walk = await SignInThroughCorpAsync(browser, subject, password);
        var (access, _) = await RedeemAsync(browser, walk);

        Assert.True(walk.Went(ExternalSignInFixture.ExternalHost, "/account/two-factor-setup"));
        Assert.False(walk.Went(ExternalSignInFixture.PlatformHost, "/account/two-factor-setup"));
        Assert.False(walk.Went(ExternalSignInFixture.PlatformHost, "/account/code"));
        Assert.Equal(["admin", "supervisor"], Roles(access));
    }

    [Theory]
    [InlineData("en", "Sign in with Corp SSO")]
    [InlineData("ko", "Corp SSO(으)로 로그인")]
    [InlineData("bg", "Вход с Corp SSO")]
    public async Task SignInPage_AProviderConfigured_ItsButtonInAFormPostInTheBrowsersLanguage(string language, string button)
    {
        using var browser = fixture.Browser();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"https://{ExternalSignInFixture.PlatformHost}/account/sign-in");
        request.Headers.AcceptLanguage.ParseAdd(language);

        using var response = await browser.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        var form = ProviderForm().Match(html).Groups["form"].Value;
        Assert.Contains($"<button type=\"submit\">{button}</button>", form);
        Assert.Contains("name=\"Provider\" value=\"corp\"", form);
        Assert.Contains("__RequestVerificationToken", form);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("style=", html);
    }

    [Fact]
    public async Task Start_UnknownProviderPosted_RefusedWithAClearPage()
    {
        using var browser = fixture.Browser();
        var signIn = new Uri($"https://{ExternalSignInFixture.PlatformHost}/account/sign-in");
        var html = await (await browser.GetAsync(signIn)).Content.ReadAsStringAsync();

        using var response = await browser.PostAsync(new Uri(signIn, "/account/external"),
            new FormUrlEncodedContent(Fields(ProviderForm().Match(html).Groups["form"].Value, new() { ["Provider"] = "nobody" })));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("did not complete", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Callback_NotFromAChallengeOfThisBrowser_TheSignInDidNotCompletePage()
    {
        using var browser = fixture.Browser();

        using var callback = await browser.GetAsync($"https://{ExternalSignInFixture.PlatformHost}/account/external/callback/corp?code=stolen&state=forged");
        var finish = Next(callback);
        using var page = await browser.GetAsync(finish);
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal("/account/external", finish?.AbsolutePath);
        Assert.Contains("did not complete", html);
        Assert.Contains("role=\"alert\"", html);
    }

    [Theory]
    [InlineData("service")]
    [InlineData("partner")]
    [InlineData("superuser")]
    public void Start_AnExternalRoleMappedToANonStaffRole_RefusedNamingTheKey(string role)
    {
        var settings = ExternalSignInFixture.ProviderSettings([]);
        settings["Identity:ExternalProviders:corp:Roles:crm-integration"] = role;
        using var factory = new ServiceFactory<Program>(settings);

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("Identity:ExternalProviders:corp:Roles:crm-integration", error.ToString());
    }

    [Fact]
    public void MapRoles_AServiceOrPartnerValueWithNoMapping_NoRole()
    {
        var provider = new ExternalProvider
        {
            Name = "corp",
            Issuer = new Uri(ExternalSignInFixture.ExternalIssuer),
            ClientId = "c",
            DisplayName = "Corp",
            Scopes = ["openid"],
            SubjectClaim = "sub",
            StaffIdClaim = "sub",
            RoleClaim = "roles",
            EmailVerifiedClaim = "email_verified",
            // Load refuses these; even so, a mapping that names a non-staff role gives nothing.
            Roles = new Dictionary<string, string> { ["Supervisors"] = "supervisor", ["crm"] = "service", ["ext"] = "partner" },
        };

        Assert.Empty(provider.MapRoles(["service", "partner", "admin"]));
        Assert.Empty(provider.MapRoles(["crm", "ext"]));
        Assert.Equal(["supervisor"], provider.MapRoles(["Supervisors", "service"]));
    }

    [Fact]
    public void RoleClaim_ADottedPath_ReadsIntoTheJsonObject()
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim("realm_access", """{"roles":["complaints-agents","offline_access"]}""", "JSON"),
            new Claim("groups", "/staff/supervisors"),
            new Claim("groups", "/staff"),
        ]));

        Assert.Equal(["complaints-agents", "offline_access"], ExternalClaims.Values(principal, "realm_access.roles"));
        Assert.Equal(["/staff/supervisors", "/staff"], ExternalClaims.Values(principal, "groups"));
        Assert.Empty(ExternalClaims.Values(principal, "resource_access.complaints.roles"));
    }

    [Theory]
    [InlineData("hana.kim@corp.example", "hana.kim")]
    [InlineData("hkim", "hkim")]
    [InlineData("h", null)]
    [InlineData("hana kim", null)]
    [InlineData(null, null)]
    public void StaffId_FromTheConfiguredClaim_AnEmailsLocalPartOrNothingInvalid(string? value, string? staffId) =>
        Assert.Equal(staffId, ExternalSignIn.StaffId(value));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("(?<form><form method=\"post\" action=\"/account/external\">.*?</form>)", RegexOptions.Singleline)]
    private static partial Regex ProviderForm();

    [GeneratedRegex("<form[^>]*action=\"(?<action>[^\"]*)\"")]
    private static partial Regex FormAction();




    [GeneratedRegex("<a href=\"(?<href>[^\"]+)\" id=\"second-factor\">")]
    private static partial Regex SecondFactorLink();
}
