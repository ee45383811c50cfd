using System.Globalization;
using Duende.IdentityModel.Client;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Complaints.Web.Console;

/// <summary>
/// Keeps a console session's access token (15 minutes) fresh from its refresh token, on the server, as requests come.
/// The provider rotates refresh tokens and treats a reused one as stolen (it revokes the whole family), so one session
/// renews once at a time: a lock per session (across replicas through Redis when configured), then the stored session
/// read again, since another request may have renewed it meanwhile. A refused refresh (signed out elsewhere, account
/// disabled, roles changed) ends the console session; the next page asks to sign in.
/// </summary>
public sealed class AccessTokenRefresh(
    IOptionsMonitor<OpenIdConnectOptions> oidc,
    IOptions<ConsoleSettings> settings,
    TimeProvider time,
    ILogger<AccessTokenRefresh> logger,
    IServiceProvider services)
{
    private readonly SemaphoreSlim[] _locks = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        if (!NeedsRefresh(context.Properties))
        {
            return;
        }
        context.Properties.Items.TryGetValue(SessionTicketStore.KeyItem, out var key);
        var gate = _locks[(uint)(key ?? "").GetHashCode() % (uint)_locks.Length];
        await gate.WaitAsync(context.HttpContext.RequestAborted);
        try
        {
            await using var shared = await SharedLockAsync(key);
            // Another request (or replica) may have renewed it while this one waited: its tokens, the latest refresh
            // token among them, are the ones to use (the one this request loaded may already be spent).
            var store = context.Options.SessionStore;
            if (key is not null && store is not null && await store.RetrieveAsync(key) is { } stored)
            {
                context.Properties.StoreTokens(stored.Properties.GetTokens());
                if (!NeedsRefresh(stored.Properties))
                {
                    return;
                }
            }
            switch (await RefreshAsync(context.Properties, context.HttpContext.RequestAborted))
            {
                case { } tokens:
                    context.Properties.StoreTokens(tokens);
                    context.ShouldRenew = true;
                    break;
                case null when Expired(context.Properties):
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(ConsoleAuthentication.CookieScheme);
                    break;
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private bool NeedsRefresh(AuthenticationProperties properties) =>
        ExpiresAt(properties) is not { } expires || expires - time.GetUtcNow() < settings.Value.RefreshBefore;

    private bool Expired(AuthenticationProperties properties) =>
        ExpiresAt(properties) is not { } expires || expires <= time.GetUtcNow();

    private static DateTimeOffset? ExpiresAt(AuthenticationProperties properties) =>
        DateTimeOffset.TryParse(properties.GetTokenValue("expires_at"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;

    /// <summary>New tokens, or null when the provider refused or could not be reached.</summary>
    private async Task<IEnumerable<AuthenticationToken>?> RefreshAsync(AuthenticationProperties properties, CancellationToken ct)
    {
        if (properties.GetTokenValue("refresh_token") is not { Length: > 0 } refreshToken)
        {
            return null;
        }
        var options = oidc.Get(ConsoleAuthentication.OidcScheme);
        try
        {
            var configuration = await options.ConfigurationManager!.GetConfigurationAsync(ct);
            var response = await options.Backchannel.RequestRefreshTokenAsync(new RefreshTokenRequest
            {
                Address = configuration.TokenEndpoint,
                ClientId = options.ClientId!,
                ClientSecret = options.ClientSecret,
                RefreshToken = refreshToken,
            }, ct);
            if (response.IsError)
            {
                logger.LogInformation("The console session's refresh was refused ({Error}); it ends.", response.Error);
                return null;
            }
            var tokens = properties.GetTokens().Where(t => t.Name is not ("access_token" or "refresh_token" or "expires_at")).ToList();
            tokens.Add(new AuthenticationToken { Name = "access_token", Value = response.AccessToken! });
            tokens.Add(new AuthenticationToken { Name = "refresh_token", Value = response.RefreshToken ?? refreshToken });
            tokens.Add(new AuthenticationToken
            {
                Name = "expires_at",
                Value = time.GetUtcNow().AddSeconds(response.ExpiresIn).ToString("o", CultureInfo.InvariantCulture),
            });
            return tokens;
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or IOException)
        {
            logger.LogWarning(e, "The identity provider could not renew a console session's token.");
            return null;
        }
    }

    private async Task<IAsyncDisposable> SharedLockAsync(string? key)
    {
        if (key is null || services.GetService<IConnectionMultiplexer>() is not { } redis)
        {
            return NoLock.Instance;
        }
        var database = redis.GetDatabase();
        var name = new RedisKey("complaints-web:console-refresh:" + key);
        var owner = Guid.NewGuid().ToString("N");
        // Bounded: a replica that died holding it frees it when it expires.
        for (var i = 0; i < 50 && !await database.LockTakeAsync(name, owner, TimeSpan.FromSeconds(10)); i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), time);
        }
        return new RedisLock(database, name, owner);
    }

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class RedisLock(IDatabase database, RedisKey name, string owner) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await database.LockReleaseAsync(name, owner);
    }
}
