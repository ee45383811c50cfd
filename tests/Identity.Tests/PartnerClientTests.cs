using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Complaints.Identity.V1;
using Complaints.TestSupport;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;

namespace Complaints.Identity.Tests;

/// <summary>
/// Identity in-process with one service client (routing), a browser client (console) and a fake clock that starts
/// now: partner clients are registered through the admin API and get their tokens from the real /connect/token.
/// </summary>
public sealed class PartnerHost(IDictionary<string, string?>? settings = null) : ServiceFactory<Program>(With(settings))
{
    public const string RoutingSecret = "routing-secret-routing-secret-0123456789";

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public PartnerClientService.PartnerClientServiceClient Partners(string role = "admin") => new(Channel(Token("admin-1", role)));

    public async Task<RegisterPartnerClientResponse> RegisterAsync(params string[] scopes) =>
        await Partners().RegisterPartnerClientAsync(new RegisterPartnerClientRequest
        {
            ClientId = NewClientId(),
            DisplayName = "Acme CRM",
            Scopes = { scopes },
        });

    public static string NewClientId() => "crm-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Client credentials at /connect/token, as a partner posts them (form, client_id and client_secret).</summary>
    public async Task<TokenAnswer> TokenAsync(string clientId, string secret, string? scope = null)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret };
        if (scope is not null)
        {
            form["scope"] = scope;
        }
        using var response = await CreateClient().PostAsync("/connect/token", new FormUrlEncodedContent(form));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return new TokenAnswer(response.StatusCode, body.RootElement.GetProperty("error").GetString(), null);
        }
        var token = body.RootElement.GetProperty("access_token").GetString()!;
        // Signed by one of the keys the provider publishes (the fake clock stands still, so lifetime is not checked).
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKeys = new JsonWebKeySet(await CreateClient().GetStringAsync("/.well-known/jwks")).GetSigningKeys(),
            ValidateAudience = false,
            ValidateIssuer = false,
            ValidateLifetime = false,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        return new TokenAnswer(response.StatusCode, null, (JsonWebToken)result.SecurityToken);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    private static Dictionary<string, string?> With(IDictionary<string, string?>? settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["Identity:ServiceClients:routing"] = RoutingSecret,
            ["Identity:WebClients:console:RedirectUris:0"] = "http://127.0.0.1:5190/signin-oidc",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }
        return all;
    }
}

/// <summary>A token endpoint answer: the status, the OAuth error or the validated access token.</summary>
public sealed record TokenAnswer(HttpStatusCode Status, string? Error, JsonWebToken? Token)
{
    public string[] Roles => [.. Token!.Claims.Where(c => c.Type == "role").Select(c => c.Value)];

    public string[] Scopes => [.. Token!.Claims.Where(c => c.Type == "scope").SelectMany(c => c.Value.Split(' ')).Order(StringComparer.Ordinal)];
}

public sealed class PartnerFixture : IDisposable
{
    public PartnerHost Host { get; } = new();

    public void Dispose() => Host.Dispose();
}

public sealed class PartnerClientTests(PartnerFixture fixture) : IClassFixture<PartnerFixture>
{
    private PartnerHost Host => fixture.Host;

    private static IReadOnlyList<string> Fields(RpcException error) =>
        [.. error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field)];

    private async Task<IReadOnlyList<string>> ListedIdsAsync() =>
        [.. (await Host.Partners().ListPartnerClientsAsync(new ListPartnerClientsRequest())).Clients.Select(c => c.ClientId)];

    [Fact]
    public async Task RegisterPartnerClient_AsAdmin_SecretOnceAndATokenNamingThePartnerWithItsRoleScopesAndAudience()
    {
        var clientId = PartnerHost.NewClientId();

        var registered = await Host.Partners().RegisterPartnerClientAsync(new RegisterPartnerClientRequest
        {
            ClientId = clientId,
            DisplayName = "Acme CRM",
            Scopes = { "complaints.submit", "complaints.read" },
            Webhook = new PartnerWebhook { Url = "https://crm.example.com/hooks/complaints" },
        });
        var token = await Host.TokenAsync(clientId, registered.ClientSecret);

        Assert.True(registered.ClientSecret.Length >= 43);
        Assert.Equal(clientId, registered.Client.ClientId);
        Assert.Equal(["complaints.read", "complaints.submit"], registered.Client.Scopes);
        Assert.Equal("https://crm.example.com/hooks/complaints", registered.Client.Webhook.Url);
        Assert.False(registered.Client.Disabled);
        Assert.Equal(HttpStatusCode.OK, token.Status);
        Assert.Equal(clientId, token.Token!.Subject);
        Assert.Equal(["partner"], token.Roles);
        // No scope asked for: every scope the partner was registered with.
        Assert.Equal(["complaints.read", "complaints.submit"], token.Scopes);
        Assert.Equal(["complaints"], token.Token.Audiences);
        var got = await Host.Partners().GetPartnerClientAsync(new GetPartnerClientRequest { ClientId = clientId });
        Assert.Equal(registered.Client, got);
    }

    [Fact]
    public async Task Token_PartnerAsksForOneOfItsScopes_OnlyThatScope()
    {
        var registered = await Host.RegisterAsync("complaints.submit", "complaints.import");

        var token = await Host.TokenAsync(registered.Client.ClientId, registered.ClientSecret, "complaints.submit");

        Assert.Equal(HttpStatusCode.OK, token.Status);
        Assert.Equal(["complaints.submit"], token.Scopes);
        Assert.Equal(["partner"], token.Roles);
    }

    [Fact]
    public async Task Token_ClientSecretBasic_AsCurlSendsIt_PartnerToken()
    {
        var registered = await Host.RegisterAsync("complaints.submit", "complaints.read");
        var http = Host.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{registered.Client.ClientId}:{registered.ClientSecret}")));

        using var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = "complaints.submit",
        }));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var token = new JsonWebToken(body.RootElement.GetProperty("access_token").GetString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(registered.Client.ClientId, token.Subject);
        Assert.Equal("partner", token.GetClaim("role").Value);
        Assert.Equal("complaints.submit", token.GetClaim("scope").Value);
    }

    [Theory]
    [InlineData("complaints.import")]
    [InlineData("complaints.submit complaints.read")]
    [InlineData("roles")]
    [InlineData("openid")]
    public async Task Token_ScopeTheClientMayNotHave_InvalidScope(string scope)
    {
        var registered = await Host.RegisterAsync("complaints.submit");

        var token = await Host.TokenAsync(registered.Client.ClientId, registered.ClientSecret, scope);

        Assert.Equal(HttpStatusCode.BadRequest, token.Status);
        Assert.Equal("invalid_scope", token.Error);
    }

    [Fact]
    public async Task Token_ServiceClient_StillTheServiceRoleAlone()
    {
        var token = await Host.TokenAsync("routing", PartnerHost.RoutingSecret);

        Assert.Equal(HttpStatusCode.OK, token.Status);
        Assert.Equal("routing", token.Token!.Subject);
        Assert.Equal(["service"], token.Roles);
    }

    [Fact]
    public async Task ListPartnerClients_AfterRegistration_ListsItWithoutAnySecret()
    {
        var registered = await Host.RegisterAsync("complaints.read");
        var http = Host.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Host.Token("admin-1", "admin"));

        var listed = await Host.Partners().ListPartnerClientsAsync(new ListPartnerClientsRequest());
        var rest = await http.GetStringAsync("/api/v1/identity/partners");
        var one = await http.GetStringAsync($"/api/v1/identity/partners/{registered.Client.ClientId}");

        Assert.Equal(registered.Client, listed.Clients.Single(c => c.ClientId == registered.Client.ClientId));
        Assert.DoesNotContain(listed.Clients, c => c.ClientId == "routing" || c.ClientId == "console");
        Assert.Contains(registered.Client.ClientId, rest, StringComparison.Ordinal);
        Assert.DoesNotContain(registered.ClientSecret, rest, StringComparison.Ordinal);
        Assert.DoesNotContain(registered.ClientSecret, one, StringComparison.Ordinal);
        Assert.DoesNotContain("clientSecret", rest, StringComparison.Ordinal);
        Assert.DoesNotContain("clientSecret", one, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegisterPartnerClient_NoClientIdGiven_OneIsMadeAndNamesTheTokens()
    {
        var registered = await Host.Partners().RegisterPartnerClientAsync(new RegisterPartnerClientRequest
        {
            DisplayName = "Beta CRM",
            Scopes = { "complaints.submit" },
        });

        var token = await Host.TokenAsync(registered.Client.ClientId, registered.ClientSecret);

        Assert.Matches("^partner-[a-z0-9]{12}$", registered.Client.ClientId);
        Assert.Equal(registered.Client.ClientId, token.Token!.Subject);
    }

    public static TheoryData<string, RegisterPartnerClientRequest> BadRequests => new()
    {
        { "scopes[0]", new RegisterPartnerClientRequest { DisplayName = "Acme", Scopes = { "complaints.delete" } } },
        { "scopes[1]", new RegisterPartnerClientRequest { DisplayName = "Acme", Scopes = { "complaints.submit", "service" } } },
        { "scopes", new RegisterPartnerClientRequest { DisplayName = "Acme" } },
        { "displayName", new RegisterPartnerClientRequest { DisplayName = " ", Scopes = { "complaints.submit" } } },
        { "clientId", new RegisterPartnerClientRequest { ClientId = "x", DisplayName = "Acme", Scopes = { "complaints.submit" } } },
        { "clientId", new RegisterPartnerClientRequest { ClientId = "crm acme/1", DisplayName = "Acme", Scopes = { "complaints.submit" } } },
        { "clientId", new RegisterPartnerClientRequest { ClientId = new string('a', 65), DisplayName = "Acme", Scopes = { "complaints.submit" } } },
        { "webhook.url", new RegisterPartnerClientRequest { DisplayName = "Acme", Scopes = { "complaints.submit" }, Webhook = new() { Url = "http://crm.example.com/hook" } } },
        { "webhook.url", new RegisterPartnerClientRequest { DisplayName = "Acme", Scopes = { "complaints.submit" }, Webhook = new() { Url = "https://user:pw@crm.example.com/hook" } } },
        { "webhook.url", new RegisterPartnerClientRequest { DisplayName = "Acme", Scopes = { "complaints.submit" }, Webhook = new() { Url = "/hook" } } },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task RegisterPartnerClient_BadInput_InvalidArgumentNamingTheFieldAndNothingRegistered(string field, RegisterPartnerClientRequest request)
    {
        var before = await ListedIdsAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => Host.Partners().RegisterPartnerClientAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal([field], Fields(error));
        Assert.Equal(before, await ListedIdsAsync());
    }

    [Theory]
    [InlineData("routing")]
    [InlineData("Routing")]
    [InlineData("console")]
    public async Task RegisterPartnerClient_NameOfAPlatformClient_InvalidArgumentOnClientIdAndThatClientUnchanged(string clientId)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Host.Partners().RegisterPartnerClientAsync(new RegisterPartnerClientRequest
        {
            ClientId = clientId,
            DisplayName = "Impostor",
            Scopes = { "complaints.submit" },
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(["clientId"], Fields(error));
        Assert.DoesNotContain(clientId, await ListedIdsAsync());
        var routing = await Host.TokenAsync("routing", PartnerHost.RoutingSecret);
        Assert.Equal(["service"], routing.Roles);
    }

    [Fact]
    public async Task RegisterPartnerClient_ClientIdTaken_AlreadyExistsAndTheFirstSecretStillWorks()
    {
        var first = await Host.RegisterAsync("complaints.submit");

        var error = await Assert.ThrowsAsync<RpcException>(() => Host.Partners().RegisterPartnerClientAsync(new RegisterPartnerClientRequest
        {
            ClientId = first.Client.ClientId,
            DisplayName = "Second",
            Scopes = { "complaints.import" },
        }).ResponseAsync);

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        var token = await Host.TokenAsync(first.Client.ClientId, first.ClientSecret);
        Assert.Equal(["complaints.submit"], token.Scopes);
    }

    /// <summary>Whatever a registration says (extra JSON fields naming roles or the client's kind, a client id like a role), its tokens carry the partner role alone.</summary>
    [Fact]
    public async Task RegisterPartnerClient_RestBodyNamingRolesAndKind_TokensStillCarryThePartnerRoleAlone()
    {
        var http = Host.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Host.Token("admin-1", "admin"));
        var injected = PartnerHost.NewClientId();

        var withExtras = await RegisterRestAsync(http, new Dictionary<string, object>
        {
            ["clientId"] = injected,
            ["displayName"] = "Injected",
            ["scopes"] = new[] { "complaints.submit" },
            ["roles"] = new[] { "service", "admin" },
            ["role"] = "service",
            ["properties"] = new Dictionary<string, string> { ["complaints_kind"] = "service", ["complaints_roles"] = "[\"service\"]" },
            ["permissions"] = new[] { "gt:authorization_code", "scp:roles" },
        });
        var namedAdmin = await RegisterRestAsync(http, new Dictionary<string, object>
        {
            ["clientId"] = "admin",
            ["displayName"] = "service admin supervisor",
            ["scopes"] = new[] { "complaints.submit" },
        });
        var injectedToken = await Host.TokenAsync(injected, withExtras);
        var adminToken = await Host.TokenAsync("admin", namedAdmin);

        Assert.Equal(["partner"], injectedToken.Roles);
        Assert.Equal(["complaints.submit"], injectedToken.Scopes);
        Assert.Equal("admin", adminToken.Token!.Subject);
        Assert.Equal(["partner"], adminToken.Roles);
        Assert.Equal("invalid_scope", (await Host.TokenAsync(injected, withExtras, "roles")).Error);
    }

    /// <summary>Registers through REST (JSON transcoding) and returns the secret.</summary>
    private static async Task<string> RegisterRestAsync(HttpClient http, Dictionary<string, object> body)
    {
        using var response = await http.PostAsync("/api/v1/identity/partners", new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("clientSecret").GetString()!;
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("supervisor")]
    [InlineData("analyst")]
    [InlineData("partner")]
    [InlineData("service")]
    public async Task PartnerClientService_NotAdmin_PermissionDeniedAndNothingRegistered(string role)
    {
        var clientId = PartnerHost.NewClientId();
        var partners = Host.Partners(role);

        var register = await Assert.ThrowsAsync<RpcException>(() => partners.RegisterPartnerClientAsync(new RegisterPartnerClientRequest
        {
            ClientId = clientId,
            DisplayName = "Acme",
            Scopes = { "complaints.submit" },
        }).ResponseAsync);
        var list = await Assert.ThrowsAsync<RpcException>(() => partners.ListPartnerClientsAsync(new ListPartnerClientsRequest()).ResponseAsync);
        var rotate = await Assert.ThrowsAsync<RpcException>(() => partners.RotatePartnerClientSecretAsync(new RotatePartnerClientSecretRequest { ClientId = clientId }).ResponseAsync);
        var disable = await Assert.ThrowsAsync<RpcException>(() => partners.SetPartnerClientDisabledAsync(new SetPartnerClientDisabledRequest { ClientId = clientId, Disabled = true, Reason = "test" }).ResponseAsync);
        var http = Host.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Host.Token("someone", role));
        using var rest = await http.GetAsync("/api/v1/identity/partners");

        Assert.All(new[] { register, list, rotate, disable }, e => Assert.Equal(StatusCode.PermissionDenied, e.StatusCode));
        Assert.Equal(HttpStatusCode.Forbidden, rest.StatusCode);
        Assert.DoesNotContain(clientId, await ListedIdsAsync());
    }

    [Fact]
    public async Task RotatePartnerClientSecret_NoOverlapGiven_TheConfiguredDefaultOf24Hours()
    {
        var registered = await Host.RegisterAsync("complaints.submit");

        var rotated = await Host.Partners().RotatePartnerClientSecretAsync(new RotatePartnerClientSecretRequest { ClientId = registered.Client.ClientId });

        Assert.Equal(Timestamp.FromDateTimeOffset(Host.Clock.GetUtcNow().AddHours(24)), rotated.Client.PreviousSecretValidUntil);
        Assert.Equal(Timestamp.FromDateTimeOffset(Host.Clock.GetUtcNow()), rotated.Client.SecretIssuedAt);
        Assert.NotEqual(registered.ClientSecret, rotated.ClientSecret);
        Assert.Equal(HttpStatusCode.OK, (await Host.TokenAsync(registered.Client.ClientId, rotated.ClientSecret)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Host.TokenAsync(registered.Client.ClientId, registered.ClientSecret)).Status);
    }

    [Fact]
    public async Task RotatePartnerClientSecret_ZeroOverlap_OldSecretRefusedAtOnceNewOneWorks()
    {
        var registered = await Host.RegisterAsync("complaints.submit");

        var rotated = await Host.Partners().RotatePartnerClientSecretAsync(new RotatePartnerClientSecretRequest
        {
            ClientId = registered.Client.ClientId,
            Overlap = Duration.FromTimeSpan(TimeSpan.Zero),
        });

        var old = await Host.TokenAsync(registered.Client.ClientId, registered.ClientSecret);
        Assert.Equal(HttpStatusCode.Unauthorized, old.Status);
        Assert.Equal("invalid_client", old.Error);
        Assert.Null(rotated.Client.PreviousSecretValidUntil);
        var fresh = await Host.TokenAsync(registered.Client.ClientId, rotated.ClientSecret);
        Assert.Equal(registered.Client.ClientId, fresh.Token!.Subject);
    }

    [Fact]
    public async Task RotatePartnerClientSecret_OverlapLongerThanConfigured_InvalidArgumentOnOverlapAndSecretUnchanged()
    {
        var registered = await Host.RegisterAsync("complaints.submit");

        var error = await Assert.ThrowsAsync<RpcException>(() => Host.Partners().RotatePartnerClientSecretAsync(new RotatePartnerClientSecretRequest
        {
            ClientId = registered.Client.ClientId,
            Overlap = Duration.FromTimeSpan(TimeSpan.FromHours(25)),
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(["overlap"], Fields(error));
        var after = await Host.Partners().GetPartnerClientAsync(new GetPartnerClientRequest { ClientId = registered.Client.ClientId });
        Assert.Equal(registered.Client, after);
        Assert.Equal(HttpStatusCode.OK, (await Host.TokenAsync(registered.Client.ClientId, registered.ClientSecret)).Status);
    }

    [Theory]
    [InlineData("routing")]
    [InlineData("console")]
    [InlineData("nobody-at-all")]
    public async Task RotatePartnerClientSecret_NotAPartnerClient_NotFound(string clientId)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Host.Partners().RotatePartnerClientSecretAsync(new RotatePartnerClientSecretRequest { ClientId = clientId }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal(["service"], (await Host.TokenAsync("routing", PartnerHost.RoutingSecret)).Roles);
    }

    [Fact]
    public async Task SetPartnerClientDisabled_Disabled_NoTokenAndStoredTokensRevokedUntilEnabledAgain()
    {
        var registered = await Host.RegisterAsync("complaints.submit");
        var clientId = registered.Client.ClientId;
        Assert.Equal(HttpStatusCode.OK, (await Host.TokenAsync(clientId, registered.ClientSecret)).Status);

        var disabled = await Host.Partners().SetPartnerClientDisabledAsync(new SetPartnerClientDisabledRequest { ClientId = clientId, Disabled = true, Reason = "contract ended" });
        var whileDisabled = await Host.TokenAsync(clientId, registered.ClientSecret);
        var statuses = await TokenStatusesAsync(clientId);
        var enabled = await Host.Partners().SetPartnerClientDisabledAsync(new SetPartnerClientDisabledRequest { ClientId = clientId, Disabled = false });
        var afterEnabled = await Host.TokenAsync(clientId, registered.ClientSecret);

        Assert.True(disabled.Disabled);
        Assert.Equal(HttpStatusCode.Unauthorized, whileDisabled.Status);
        Assert.Equal("invalid_client", whileDisabled.Error);
        Assert.NotEmpty(statuses);
        Assert.All(statuses, s => Assert.Equal(OpenIddictConstants.Statuses.Revoked, s));
        Assert.False(enabled.Disabled);
        Assert.Equal(HttpStatusCode.OK, afterEnabled.Status);
        Assert.Equal(["partner"], afterEnabled.Roles);
    }

    [Fact]
    public async Task SetPartnerClientDisabled_NoReason_InvalidArgumentOnReasonAndStillEnabled()
    {
        var registered = await Host.RegisterAsync("complaints.submit");

        var error = await Assert.ThrowsAsync<RpcException>(() => Host.Partners().SetPartnerClientDisabledAsync(new SetPartnerClientDisabledRequest
        {
            ClientId = registered.Client.ClientId,
            Disabled = true,
        }).ResponseAsync);

        Assert.Equal(["reason"], Fields(error));
        Assert.Equal(HttpStatusCode.OK, (await Host.TokenAsync(registered.Client.ClientId, registered.ClientSecret)).Status);
    }

    private async Task<IReadOnlyList<string?>> TokenStatusesAsync(string clientId)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        var id = await applications.GetIdAsync((await applications.FindByClientIdAsync(clientId))!);
        var statuses = new List<string?>();
        await foreach (var token in tokens.FindByApplicationIdAsync(id!))
        {
            statuses.Add(await tokens.GetStatusAsync(token));
        }
        return statuses;
    }
}

/// <summary>Secret overlaps on a clock the test moves: one host per test, since a fake clock only goes forward.</summary>
public sealed class PartnerSecretOverlapTests : IDisposable
{
    private readonly PartnerHost _host = new(new Dictionary<string, string?> { ["Identity:Partners:SecretOverlap"] = "02:00:00" });

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task RotatePartnerClientSecret_ConfiguredOverlap_OldSecretWorksUntilItEndsNewOneAtOnce()
    {
        var registered = await _host.RegisterAsync("complaints.submit");
        var clientId = registered.Client.ClientId;

        var rotated = await _host.Partners().RotatePartnerClientSecretAsync(new RotatePartnerClientSecretRequest { ClientId = clientId });
        var newAtOnce = await _host.TokenAsync(clientId, rotated.ClientSecret);
        var oldAtOnce = await _host.TokenAsync(clientId, registered.ClientSecret);
        _host.Clock.Advance(TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1));
        var oldJustBefore = await _host.TokenAsync(clientId, registered.ClientSecret);
        _host.Clock.Advance(TimeSpan.FromSeconds(1));
        var oldAfter = await _host.TokenAsync(clientId, registered.ClientSecret);
        var newAfter = await _host.TokenAsync(clientId, rotated.ClientSecret);

        Assert.Equal(HttpStatusCode.OK, newAtOnce.Status);
        Assert.Equal(HttpStatusCode.OK, oldAtOnce.Status);
        Assert.Equal(clientId, oldAtOnce.Token!.Subject);
        Assert.Equal(HttpStatusCode.OK, oldJustBefore.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, oldAfter.Status);
        Assert.Equal("invalid_client", oldAfter.Error);
        Assert.Equal(HttpStatusCode.OK, newAfter.Status);
        Assert.Equal(["partner"], newAfter.Roles);
    }

    [Fact]
    public async Task RotatePartnerClientSecret_ShorterOverlapRequested_OldSecretRefusedOnceItEnds()
    {
        var registered = await _host.RegisterAsync("complaints.submit");
        var clientId = registered.Client.ClientId;

        var rotated = await _host.Partners().RotatePartnerClientSecretAsync(new RotatePartnerClientSecretRequest
        {
            ClientId = clientId,
            Overlap = Duration.FromTimeSpan(TimeSpan.FromMinutes(30)),
        });
        _host.Clock.Advance(TimeSpan.FromMinutes(29));
        var within = await _host.TokenAsync(clientId, registered.ClientSecret);
        _host.Clock.Advance(TimeSpan.FromMinutes(1));
        var after = await _host.TokenAsync(clientId, registered.ClientSecret);

        Assert.Equal(Timestamp.FromDateTimeOffset(rotated.Client.SecretIssuedAt.ToDateTimeOffset().AddMinutes(30)), rotated.Client.PreviousSecretValidUntil);
        Assert.Equal(HttpStatusCode.OK, within.Status);
        Assert.Equal("invalid_client", after.Error);
        Assert.Equal(HttpStatusCode.OK, (await _host.TokenAsync(clientId, rotated.ClientSecret)).Status);
    }

    [Fact]
    public async Task RotatePartnerClientSecret_RotatedAgainWithinTheOverlap_OnlyTheLatestPreviousSecretStillWorks()
    {
        var registered = await _host.RegisterAsync("complaints.submit");
        var clientId = registered.Client.ClientId;

        var second = await _host.Partners().RotatePartnerClientSecretAsync(new RotatePartnerClientSecretRequest { ClientId = clientId });
        var third = await _host.Partners().RotatePartnerClientSecretAsync(new RotatePartnerClientSecretRequest { ClientId = clientId });

        Assert.Equal("invalid_client", (await _host.TokenAsync(clientId, registered.ClientSecret)).Error);
        Assert.Equal(HttpStatusCode.OK, (await _host.TokenAsync(clientId, second.ClientSecret)).Status);
        Assert.Equal(HttpStatusCode.OK, (await _host.TokenAsync(clientId, third.ClientSecret)).Status);
    }
}

/// <summary>A restart whose configuration names a service client like a registered partner: the start stops, the partner stays a partner.</summary>
public sealed class PartnerClientTakeoverTests : IDisposable
{
    private readonly TempFolder _data = new("identity-partners");

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Start_ServiceClientConfiguredWithAPartnersClientId_FailsNamingItAndThePartnerKeepsItsRole()
    {
        string secret;
        using (var first = new PartnerHost(new Dictionary<string, string?> { ["DataDir"] = _data.Path }))
        {
            secret = (await first.Partners().RegisterPartnerClientAsync(new RegisterPartnerClientRequest
            {
                ClientId = "crm-takeover",
                DisplayName = "Acme",
                Scopes = { "complaints.submit" },
            })).ClientSecret;
        }

        using (var second = new PartnerHost(new Dictionary<string, string?>
        {
            ["DataDir"] = _data.Path,
            ["Identity:ServiceClients:crm-takeover"] = "a-service-secret-of-at-least-32-characters",
        }))
        {
            var error = Assert.ThrowsAny<Exception>(() => second.CreateClient());
            Assert.Contains("crm-takeover", error.ToString(), StringComparison.Ordinal);
        }

        using var third = new PartnerHost(new Dictionary<string, string?> { ["DataDir"] = _data.Path });
        var token = await third.TokenAsync("crm-takeover", secret);
        Assert.Equal(["partner"], token.Roles);
    }
}
