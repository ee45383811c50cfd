using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Complaints.ServiceDefaults.Auth;
using Complaints.TestSupport;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Complaints.Identity.Tests;

/// <summary>
/// Key rotation as a deployment does it (decision 12): the provider restarts with the next key published, then signing,
/// then alone. A service validates through its real JWKS cache (AddPlatformAuth's JwtBearer and its configuration
/// manager), reaching the provider of the moment over the backchannel.
/// </summary>
public sealed class KeyRolloverTests : IAsyncLifetime
{
    private const string Issuer = "https://identity.test/";
    private const string Secret = "intake-secret-intake-secret-0123456789";

    private readonly TempFolder _keys = new("identity-rollover-keys");
    private readonly TempFolder _data = new("identity-rollover-data");
    private readonly List<string> _jwksReads = [];
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private ServiceFactory<Program>? _provider;
    private WebApplication _service = null!;
    private HttpClient _serviceClient = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:Authority"] = Issuer,
            ["Auth:KeysRetryInterval"] = "00:00:01",
        });
        builder.Configuration["Auth:ClientId"] = "intake";
        builder.Configuration["Auth:ClientSecret"] = Secret;
        builder.Services.AddSingleton(new ServiceDefaults.ServiceIdentity("validator"));
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.AddPlatformAuth();
        builder.Services.AddHttpClient(ServiceTokenSource.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new ToCurrentProvider(this));
        builder.Services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme,
            o => o.BackchannelHttpHandler = new ToCurrentProvider(this));
        _service = builder.Build();
        _service.UseAuthentication();
        _service.UseAuthorization();
        _service.MapGet("/whoami", (ClaimsPrincipal user) => user.FindFirst("sub")?.Value);
        await _service.StartAsync();
        _serviceClient = _service.GetTestClient();
    }

    private void StartProvider(params string[] keyFiles)
    {
        _provider?.Dispose();
        var settings = new Dictionary<string, string?>
        {
            ["DataDir"] = _data.Path,
            ["Identity:Issuer"] = Issuer,
            ["Identity:ServiceClients:intake"] = Secret,
        };
        for (var i = 0; i < keyFiles.Length; i++)
        {
            settings[$"Identity:SigningKeys:{i}"] = keyFiles[i];
        }
        _provider = new ServiceFactory<Program>(settings);
        _ = _provider.Server; // started
    }

    private async Task<string> ServiceTokenAsync()
    {
        using var response = await _provider!.CreateClient().PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "intake",
            ["client_secret"] = Secret,
        }));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    private async Task<HttpStatusCode> PresentAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        request.Headers.Authorization = new("Bearer", token);
        using var response = await _serviceClient.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Validate_KeyRotatedThroughTheJwksCache_OldAcceptedUntilUnpublishedNewAcceptedAsSoonAsItSigns()
    {
        var (oldKey, _) = IdentityFixture.NewKey(_keys.File("old.pem"));
        var (newKey, _) = IdentityFixture.NewKey(_keys.File("new.pem"));

        // 1. The old key signs; the new one is published ahead.
        StartProvider(oldKey, newKey);
        var oldToken = await ServiceTokenAsync();
        Assert.Equal(HttpStatusCode.OK, await PresentAsync(oldToken));
        var readsAfterFirst = _jwksReads.Count;

        // 2. The new key signs: the service knows it already, without reading the keys again.
        StartProvider(newKey, oldKey);
        var newToken = await ServiceTokenAsync();
        Assert.Equal(HttpStatusCode.OK, await PresentAsync(newToken));
        Assert.Equal(HttpStatusCode.OK, await PresentAsync(oldToken));
        Assert.Equal(readsAfterFirst, _jwksReads.Count);

        // 3. The old key is unpublished: once the service's cache is refreshed (as its refresh interval would), its tokens
        //    are refused, and the new key's still pass.
        StartProvider(newKey);
        Assert.Equal(HttpStatusCode.OK, await PresentAsync(oldToken));
        var manager = _service.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme).ConfigurationManager!;
        await Eventually.True(async () =>
        {
            manager.RequestRefresh();
            return await PresentAsync(oldToken) == HttpStatusCode.Unauthorized;
        }, "the old key's token refused after the keys were read again", TimeSpan.FromSeconds(20));
        Assert.True(_jwksReads.Count > readsAfterFirst);
        Assert.Equal(HttpStatusCode.OK, await PresentAsync(newToken));
    }

    [Fact]
    public async Task Validate_ProviderDown_IssuedTokensKeepWorkingFromTheCache()
    {
        var (key, _) = IdentityFixture.NewKey(_keys.File("only.pem"));
        StartProvider(key);
        var token = await ServiceTokenAsync();
        Assert.Equal(HttpStatusCode.OK, await PresentAsync(token));

        _provider!.Dispose();
        _provider = null;
        var manager = _service.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme).ConfigurationManager!;
        manager.RequestRefresh();

        Assert.Equal(HttpStatusCode.OK, await PresentAsync(token));
        Assert.Equal(HttpStatusCode.OK, await PresentAsync(token));
    }

    [Fact]
    public async Task GetToken_ProviderDownThenBack_CachedTokenUntilItExpiresThenRenewed()
    {
        var (key, _) = IdentityFixture.NewKey(_keys.File("only.pem"));
        StartProvider(key);
        var tokens = _service.Services.GetRequiredService<ServiceTokenSource>();
        var first = await tokens.GetTokenAsync(CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, await PresentAsync(first!));

        // Down past the time to renew (three quarters of 15 minutes): the token it has still serves.
        _provider!.Dispose();
        _provider = null;
        _clock.Advance(TimeSpan.FromMinutes(12));
        Assert.Equal(first, await tokens.GetTokenAsync(CancellationToken.None));

        // Down past its expiry: no token to present, so internal calls fail as unavailable (and are retried by their callers).
        _clock.Advance(TimeSpan.FromMinutes(4));
        var error = await Assert.ThrowsAsync<RpcException>(async () => await tokens.GetTokenAsync(CancellationToken.None));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);

        // Back: renewed at the next try.
        StartProvider(key);
        _clock.Advance(TimeSpan.FromSeconds(3));
        var renewed = await tokens.GetTokenAsync(CancellationToken.None);
        Assert.NotEqual(first, renewed);
        Assert.Equal(HttpStatusCode.OK, await PresentAsync(renewed!));
    }

    public async Task DisposeAsync()
    {
        _provider?.Dispose();
        await _service.DisposeAsync();
        _keys.Dispose();
        _data.Dispose();
    }

    /// <summary>The service's backchannel: whichever provider runs now (none: connection refused), every read counted.</summary>
    private sealed class ToCurrentProvider(KeyRolloverTests test) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/jwks", StringComparison.Ordinal))
            {
                lock (test._jwksReads)
                {
                    test._jwksReads.Add(request.RequestUri.AbsolutePath);
                }
            }
            if (test._provider is not { } provider)
            {
                throw new HttpRequestException("Connection refused (the provider is down).");
            }
            using var client = provider.CreateClient();
            using var forwarded = new HttpRequestMessage(request.Method, request.RequestUri.PathAndQuery) { Content = request.Content };
            var response = await client.SendAsync(forwarded, cancellationToken);
            return response;
        }
    }
}
