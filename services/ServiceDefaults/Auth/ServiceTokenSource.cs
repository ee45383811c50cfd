using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json.Serialization;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Complaints.ServiceDefaults.Auth;

/// <summary>
/// The bearer token this service presents on internal calls: its own, from the identity provider by client credentials
/// (<c>Auth:ClientId</c>, default the service's name, and <c>Auth:ClientSecret</c>), cached and renewed at three
/// quarters of its life. While the provider is down the cached token is used until it expires, and renewal is tried
/// again every few seconds. Test hosts sign theirs with the test issuer's key.
/// </summary>
public sealed partial class ServiceTokenSource(
    AuthSettings settings,
    ServiceIdentity identity,
    TimeProvider clock,
    IHttpClientFactory http,
    IOptionsMonitor<JwtBearerOptions> bearer,
    IHostEnvironment environment,
    ILogger<ServiceTokenSource> logger)
{
    public const string HttpClientName = "identity-provider";
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan TestTokenLifetime = TimeSpan.FromMinutes(30);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _renewAt;
    private DateTimeOffset _expiresAt;
    private DateTimeOffset _nextAttempt;

    public string ClientId => settings.ClientId is { Length: > 0 } id ? id : identity.Name;

    /// <summary>The current token, or null when this service has no credentials (its calls then go without one and are refused).</summary>
    public async ValueTask<string?> GetTokenAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_token is not null && now < _renewAt)
        {
            return _token;
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            now = clock.GetUtcNow();
            if (_token is not null && now < _renewAt)
            {
                return _token;
            }
            // While a usable token is cached, renewal after a failure waits a little; without one, every call tries.
            if (now < _nextAttempt && _token is not null && now < _expiresAt)
            {
                return _token;
            }
            try
            {
                var (token, lifetime) = await ObtainAsync(cancellationToken);
                if (token is null)
                {
                    return null;
                }
                (_token, _renewAt, _expiresAt) = (token, now + lifetime * 3 / 4, now + lifetime);
                return _token;
            }
            catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException
                                           or System.Text.Json.JsonException && !cancellationToken.IsCancellationRequested)
            {
                _nextAttempt = now + RetryAfterFailure;
                LogRenewalFailed(logger, ClientId, ex.Message);
                return UsableOrThrow(now);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private string UsableOrThrow(DateTimeOffset now) =>
        _token is not null && now < _expiresAt
            ? _token
            : throw new RpcException(new Status(StatusCode.Unavailable, "This service has no valid token: the identity provider could not be reached."));

    private async Task<(string? Token, TimeSpan Lifetime)> ObtainAsync(CancellationToken cancellationToken)
    {
        if (settings.TestIssuer?.SigningKey is { Length: > 0 } pem && (environment.IsDevelopment() || environment.IsEnvironment("Testing")))
        {
            return (SignTestToken(pem), TestTokenLifetime);
        }
        if (string.IsNullOrWhiteSpace(settings.ClientSecret))
        {
            return (null, TimeSpan.Zero);
        }
        var manager = bearer.Get(JwtBearerDefaults.AuthenticationScheme).ConfigurationManager
            ?? throw new InvalidOperationException("Auth:Authority (or Auth:MetadataAddress) is not configured: no token endpoint to ask.");
        var endpoint = (await manager.GetConfigurationAsync(cancellationToken)).TokenEndpoint;
        using var client = http.CreateClient(HttpClientName);
        using var response = await client.PostAsync(endpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = ClientId,
            ["client_secret"] = settings.ClientSecret,
        }), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"the token endpoint answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
        var answer = await response.Content.ReadFromJsonAsync<TokenAnswer>(cancellationToken)
            ?? throw new InvalidOperationException("the token endpoint answered without a token");
        return (answer.AccessToken, TimeSpan.FromSeconds(Math.Max(answer.ExpiresIn, 60)));
    }

    private string SignTestToken(string pem)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.TestIssuer!.Issuer,
            Audience = settings.Audience,
            Subject = new ClaimsIdentity([new Claim("sub", ClientId), new Claim("role", Roles.Service)]),
            NotBefore = now.AddSeconds(-5),
            IssuedAt = now,
            Expires = now + TestTokenLifetime,
            SigningCredentials = new SigningCredentials(TestIssuerKeys.FromPem(pem), SecurityAlgorithms.RsaSha256),
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew the service token of {Client}: {Reason}")]
    private static partial void LogRenewalFailed(ILogger logger, string client, string reason);

    private sealed record TokenAnswer(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
