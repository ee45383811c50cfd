using System.Net;

namespace Complaints.Gateway.Tests;

/// <summary>
/// The per-client budget behind a proxy: X-Forwarded-For names the client only on connections from a trusted proxy
/// or network; from anywhere else (and by default, even loopback) the connection's own address is the client.
/// </summary>
public sealed class RateLimitTests
{
    private static Dictionary<string, string?> Limit(int permits, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?> { ["RateLimiting:PermitsPerMinute"] = permits.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }
        return settings;
    }

    [Fact]
    public async Task RateLimiter_TrustedProxyTwoForwardedClients_SeparateBudgets()
    {
        // The test's own connections come from 127.0.0.1: here that is the trusted proxy (an Ingress controller).
        using var gateway = new GatewayHost(Limit(2, ("ForwardedHeaders:KnownProxies:0", "127.0.0.1")));

        var first = new[] { await gateway.GetAsync("203.0.113.10"), await gateway.GetAsync("203.0.113.10"), await gateway.GetAsync("203.0.113.10") };
        var second = await gateway.GetAsync("203.0.113.20");

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, first[..2]);
        Assert.Equal(HttpStatusCode.TooManyRequests, first[2]);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, second);
    }

    [Fact]
    public async Task RateLimiter_TrustedNetwork_ClientIsTheLastForwardedAddress()
    {
        using var gateway = new GatewayHost(Limit(2, ("ForwardedHeaders:KnownNetworks:0", "127.0.0.0/8")));

        // A client cannot escape its budget by writing its own X-Forwarded-For: the proxy appends the address it saw.
        var spoofed = await gateway.GetAsync("198.51.100.1, 203.0.113.30");
        var again = await gateway.GetAsync("198.51.100.2, 203.0.113.30");
        var third = await gateway.GetAsync("203.0.113.30");
        var other = await gateway.GetAsync("203.0.113.31");

        Assert.NotEqual(HttpStatusCode.TooManyRequests, spoofed);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, again);
        Assert.Equal(HttpStatusCode.TooManyRequests, third);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, other);
    }

    [Fact]
    public async Task RateLimiter_UntrustedSource_HeaderIgnored()
    {
        // Only 10.9.9.9 is trusted; the test connects from 127.0.0.1.
        using var gateway = new GatewayHost(Limit(2, ("ForwardedHeaders:KnownProxies:0", "10.9.9.9")));

        var codes = new[] { await gateway.GetAsync("203.0.113.40"), await gateway.GetAsync("203.0.113.41"), await gateway.GetAsync("203.0.113.42") };

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, codes[..2]);
        Assert.Equal(HttpStatusCode.TooManyRequests, codes[2]);
    }

    [Fact]
    public async Task RateLimiter_NoProxyConfigured_HeaderIgnoredEvenFromLoopback()
    {
        using var gateway = new GatewayHost(Limit(2));

        var codes = new[] { await gateway.GetAsync("203.0.113.50"), await gateway.GetAsync("203.0.113.51"), await gateway.GetAsync(null) };

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, codes[..2]);
        Assert.Equal(HttpStatusCode.TooManyRequests, codes[2]);
    }

    [Fact]
    public async Task RateLimiter_OverTheLimit_RetryAfterAndHealthStillAnswers()
    {
        using var gateway = new GatewayHost(Limit(1));

        await gateway.GetAsync(null);
        using var limited = await gateway.Http.GetAsync("/");
        using var health = await gateway.Http.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Theory]
    [InlineData("ForwardedHeaders:KnownProxies:0", "ingress", "ForwardedHeaders:KnownProxies:0: 'ingress' is not an IP address")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/33", "ForwardedHeaders:KnownNetworks:0: '10.0.0.0/33' is not a network")]
    public void Start_BadTrustedProxySetting_FailsNamingTheKey(string key, string value, string message)
    {
        var e = Assert.ThrowsAny<Exception>(() => new GatewayHost(Limit(2, (key, value))).Dispose());

        Assert.Contains(message, Flatten(e));
    }

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " | " + Flatten(e.InnerException);

    [Fact]
    public async Task RateLimiter_SignInAttempts_OwnSmallerBudgetPerClientLeavingOtherCallsAlone()
    {
        // Identity is down here (a dead address): a request the limiter lets through answers 502, a refused one 429.
        using var gateway = new GatewayHost(Limit(100, ("RateLimiting:SignIn:PermitsPerMinute", "2")));

        async Task<HttpStatusCode> PostAsync(string path)
        {
            using var response = await gateway.Http.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["StaffId"] = "x", ["Password"] = "y" }));
            return response.StatusCode;
        }

        var signIns = new[] { await PostAsync("/account/sign-in"), await PostAsync("/connect/token"), await PostAsync("/account/code") };
        var page = await gateway.GetAsync(null);
        var discovery = (await gateway.Http.GetAsync("/.well-known/openid-configuration")).StatusCode;

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, signIns[..2]);
        Assert.Equal(HttpStatusCode.TooManyRequests, signIns[2]);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, page);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, discovery);
    }

    [Theory]
    [InlineData("/account/forgot-password")]
    [InlineData("/account/reset-password")]
    public async Task RateLimiter_PasswordResetPosts_CountAsSignInAttempts(string path)
    {
        using var gateway = new GatewayHost(Limit(100, ("RateLimiting:SignIn:PermitsPerMinute", "2")));

        async Task<HttpStatusCode> PostAsync()
        {
            using var response = await gateway.Http.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["StaffIdOrEmail"] = "x" }));
            return response.StatusCode;
        }

        var attempts = new[] { await PostAsync(), await PostAsync(), await PostAsync() };

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, attempts[..2]);
        Assert.Equal(HttpStatusCode.TooManyRequests, attempts[2]);
    }

    [Theory]
    [InlineData("/account/sign-in/")]
    [InlineData("/ACCOUNT/Sign-In")]
    public async Task RateLimiter_SignInPathSpelledOtherwise_StillASignInAttempt(string path)
    {
        using var gateway = new GatewayHost(Limit(100, ("RateLimiting:SignIn:PermitsPerMinute", "2")));

        async Task<HttpStatusCode> PostAsync()
        {
            using var response = await gateway.Http.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["StaffId"] = "x", ["Password"] = "y" }));
            return response.StatusCode;
        }

        var attempts = new[] { await PostAsync(), await PostAsync(), await PostAsync() };

        Assert.Equal(HttpStatusCode.TooManyRequests, attempts[2]);
    }

    [Fact]
    public async Task RateLimiter_SignInAttemptsOnTheH2cListener_SameBudget()
    {
        using var gateway = new GatewayHost(Limit(100, ("RateLimiting:SignIn:PermitsPerMinute", "2")));
        using var h2c = new HttpClient
        {
            BaseAddress = new Uri($"http://127.0.0.1:{gateway.GrpcPort}"),
            DefaultRequestVersion = System.Net.HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        async Task<HttpStatusCode> PostAsync()
        {
            using var response = await h2c.PostAsync("/account/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["StaffId"] = "x", ["Password"] = "y" }));
            return response.StatusCode;
        }

        var attempts = new[] { await PostAsync(), await PostAsync(), await PostAsync() };

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, attempts[..2]);
        Assert.Equal(HttpStatusCode.TooManyRequests, attempts[2]);
    }
}
