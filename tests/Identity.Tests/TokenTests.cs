using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Complaints.Identity.Keys;
using Complaints.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Complaints.Identity.Tests;

/// <summary>The provider in-process with two service clients, signing with one configured key and publishing the next.</summary>
public sealed class IdentityFixture : IDisposable
{
    public const string RoutingSecret = "routing-secret-routing-secret-0123456789";

    public IdentityFixture()
    {
        Keys = new TempFolder("identity-keys");
        (ActiveKey, ActiveKeyId) = NewKey(Keys.File("active.pem"));
        (NextKey, NextKeyId) = NewKey(Keys.File("next.pem"));
        Factory = new ServiceFactory<Program>(new Dictionary<string, string?>
        {
            ["Identity:SigningKeys:0"] = ActiveKey,
            ["Identity:SigningKeys:1"] = NextKey,
            ["Identity:ServiceClients:routing"] = RoutingSecret,
            ["Identity:ServiceClients:notifications"] = "notifications-secret-0123456789-abcdef",
        });
    }

    public TempFolder Keys { get; }

    public string ActiveKey { get; }

    public string ActiveKeyId { get; }

    public string NextKey { get; }

    public string NextKeyId { get; }

    public ServiceFactory<Program> Factory { get; }

    /// <summary>A new RSA key in PEM at <paramref name="path"/>, and its key id (the thumbprint of its public key).</summary>
    public static (string Path, string KeyId) NewKey(string path)
    {
        using var rsa = RSA.Create(2048);
        File.WriteAllText(path, rsa.ExportPkcs8PrivateKeyPem());
        return (path, Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo())));
    }

    public void Dispose()
    {
        Factory.Dispose();
        Keys.Dispose();
    }
}

public sealed class TokenTests(IdentityFixture fixture) : IClassFixture<IdentityFixture>
{
    private readonly HttpClient _http = fixture.Factory.CreateClient();

    private Task<HttpResponseMessage> TokenAsync(string clientId, string secret, string? scope = null)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret };
        if (scope is not null)
        {
            form["scope"] = scope;
        }
        return _http.PostAsync("/connect/token", new FormUrlEncodedContent(form));
    }

    private async Task<JsonWebKeySet> JwksAsync() => new(await _http.GetStringAsync("/.well-known/jwks"));

    [Fact]
    public async Task Discovery_Get_NamesTheTokenEndpointJwksAndClientCredentials()
    {
        using var json = JsonDocument.Parse(await _http.GetStringAsync("/.well-known/openid-configuration"));

        Assert.EndsWith("/connect/token", json.RootElement.GetProperty("token_endpoint").GetString());
        Assert.EndsWith("/.well-known/jwks", json.RootElement.GetProperty("jwks_uri").GetString());
        Assert.Contains("client_credentials", json.RootElement.GetProperty("grant_types_supported").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Jwks_Get_PublishesEveryConfiguredKeyPublicPartsOnly()
    {
        var keys = (await JwksAsync()).Keys;

        Assert.Equal(new[] { fixture.ActiveKeyId, fixture.NextKeyId }.Order(), keys.Select(k => k.Kid).Order());
        Assert.All(keys, k =>
        {
            Assert.Equal("RSA", k.Kty);
            Assert.False(string.IsNullOrEmpty(k.Kid));
            Assert.Null(k.D);
            Assert.Null(k.P);
        });
    }

    [Fact]
    public async Task Token_ServiceClientCredentials_Rs256JwtNamingTheServiceWithTheServiceRole()
    {
        using var response = await TokenAsync("routing", IdentityFixture.RoutingSecret);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var token = body.RootElement.GetProperty("access_token").GetString()!;
        var lifetime = body.RootElement.GetProperty("expires_in").GetInt32();

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKeys = (await JwksAsync()).GetSigningKeys(),
            ValidAudience = "complaints",
            ValidateIssuer = false,
        });

        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal("RS256", jwt.Alg);
        // The first configured key signs; the next one is only published.
        Assert.Equal(fixture.ActiveKeyId, jwt.Kid);
        Assert.Equal("routing", jwt.Subject);
        Assert.Equal("service", jwt.GetClaim("role").Value);
        Assert.InRange(lifetime, 1, 15 * 60);
    }

    [Theory]
    [InlineData("routing", "not-the-secret-not-the-secret-012345")]
    [InlineData("insights", IdentityFixture.RoutingSecret)]
    public async Task Token_WrongSecretOrUnknownClient_InvalidClient(string clientId, string secret)
    {
        using var response = await TokenAsync(clientId, secret);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid_client", body.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Token_PasswordGrant_Refused()
    {
        using var response = await _http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = "routing",
            ["client_secret"] = IdentityFixture.RoutingSecret,
            ["username"] = "admin",
            ["password"] = "admin",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("unsupported_grant_type", body.RootElement.GetProperty("error").GetString());
    }
}

/// <summary>A local run: no key configured, so one is made once under DataDir and kept across restarts.</summary>
public sealed class LocalSigningKeyTests : IDisposable
{
    private readonly TempFolder _data = new("identity-local");

    private async Task<string> KeyIdAsync()
    {
        using var factory = new ServiceFactory<Program>(new Dictionary<string, string?> { ["DataDir"] = _data.Path });
        var jwks = new JsonWebKeySet(await factory.CreateClient().GetStringAsync("/.well-known/jwks"));
        return Assert.Single(jwks.Keys).Kid;
    }

    [Fact]
    public async Task Start_NoKeyConfigured_MakesOneUnderDataDirAndKeepsItAcrossRestarts()
    {
        var first = await KeyIdAsync();
        var second = await KeyIdAsync();

        Assert.Equal(first, second);
        Assert.True(File.Exists(Path.Combine(_data.Path, SigningKeys.LocalFile)));
    }

    public void Dispose() => _data.Dispose();

    [Fact]
    public void Start_ProductionWithoutKeys_FailsNamingTheSetting()
    {
        using var factory = new ServiceFactory<Program>(new Dictionary<string, string?> { ["DataDir"] = _data.Path }, testIssuer: false)
            .WithWebHostBuilder(b => b.UseEnvironment("Production"));

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains(SigningKeys.Section, error.ToString());
        Assert.False(File.Exists(Path.Combine(_data.Path, SigningKeys.LocalFile)));
    }
}
