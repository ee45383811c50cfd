using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Complaints.Gateway.Tests;

/// <summary>
/// Two gateway replicas (two hosts) and a real redis-server: with <c>ConnectionStrings:Redis</c> they share each
/// policy's budget per client; without it each counts on its own; with Redis unreachable the general limit, submissions
/// and follow attempts count per replica and credential attempts are refused with 503 (docs/decisions/0016). The test's connections come from
/// 127.0.0.1, a trusted proxy here, so each test names its own clients (X-Forwarded-For) and never meets another
/// test's counts in the shared Redis; the window is an hour (GatewayHost), so no budget is replenished mid-test.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class SharedRateLimitTests(RedisFixture redis)
{
    private static int _clients;

    public static TheoryData<string> PolicyNames => ["general", "sign-in", "submit", "follow"];

    /// <summary>The budgets of the front door: like the general one, counted per replica while Redis is down.</summary>
    public static TheoryData<string> FrontDoorPolicies => ["submit", "follow"];

    [Theory]
    [MemberData(nameof(PolicyNames))]
    public async Task TwoReplicas_SharingRedis_ShareTheBudgetPerClient(string policy)
    {
        redis.EnsureRunning();
        await using var web = await StubUpstream.StartAsync();
        var settings = Settings(policy, permits: 3, redis.ConnectionString, web);
        using var a = new GatewayHost(settings);
        using var b = new GatewayHost(settings);
        var client = NewClient();

        // Three permits in all, spent across both replicas.
        var spent = new[] { await Status(a, policy, client), await Status(b, policy, client), await Status(a, policy, client) };
        using var overOnB = await Send(b, policy, client);
        var overOnA = await Status(a, policy, client);
        var otherClient = await Status(b, policy, NewClient());

        Assert.All(spent, s => Assert.Equal(Allowed(policy), s));
        Assert.Equal(HttpStatusCode.TooManyRequests, overOnB.StatusCode);
        Assert.NotNull(overOnB.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.TooManyRequests, overOnA);
        Assert.Equal(Allowed(policy), otherClient);
    }

    [Theory]
    [MemberData(nameof(PolicyNames))]
    public async Task TwoReplicas_WithoutRedis_EachCountsOnItsOwn(string policy)
    {
        await using var web = await StubUpstream.StartAsync();
        var settings = Settings(policy, permits: 3, redis: null, web);
        using var a = new GatewayHost(settings);
        using var b = new GatewayHost(settings);
        var client = NewClient();

        var onA = new[] { await Status(a, policy, client), await Status(a, policy, client), await Status(a, policy, client) };
        var overOnA = await Status(a, policy, client);
        var onB = new[] { await Status(b, policy, client), await Status(b, policy, client), await Status(b, policy, client) };

        Assert.All(onA, s => Assert.Equal(Allowed(policy), s));
        Assert.Equal(HttpStatusCode.TooManyRequests, overOnA);
        Assert.All(onB, s => Assert.Equal(Allowed(policy), s));
    }

    [Fact]
    public async Task RedisUnreachableFromTheStart_GeneralCountsPerReplica_CredentialAttemptsRefusedWith503()
    {
        redis.EnsureRunning();
        await using var web = await StubUpstream.StartAsync();
        var settings = Settings("general", permits: 3, $"127.0.0.1:{TestKeys.FreePort()},connectTimeout=500", web);
        using var a = new GatewayHost(settings);
        using var b = new GatewayHost(settings);
        var client = NewClient();

        // Each request below needs a general permit too (a refused sign-in has spent one): three per replica.
        var onA = new[] { await Status(a, "general", client), await Status(a, "general", client), await Status(a, "general", client), await Status(a, "general", client) };
        var onB = await Status(b, "general", client);
        using var token = await b.SendAsync(HttpMethod.Post, "/connect/token", client);
        using var signIn = await b.SendAsync(HttpMethod.Post, "/account/sign-in", client);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], onA);
        Assert.Equal(HttpStatusCode.OK, onB);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, token.StatusCode);
        Assert.Equal(RateLimitingExtensions.RedisDownRetryAfter, token.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, signIn.StatusCode);
        Assert.Equal("text/html", signIn.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(signIn.Headers.RetryAfter?.Delta);
    }

    [Theory]
    [MemberData(nameof(FrontDoorPolicies))]
    public async Task RedisUnreachableFromTheStart_SubmitAndFollowCountPerReplica(string policy)
    {
        redis.EnsureRunning();
        await using var web = await StubUpstream.StartAsync();
        var settings = Settings(policy, permits: 2, $"127.0.0.1:{TestKeys.FreePort()},connectTimeout=500", web);
        using var a = new GatewayHost(settings);
        using var b = new GatewayHost(settings);
        var client = NewClient();

        var onA = new[] { await Status(a, policy, client), await Status(a, policy, client), await Status(a, policy, client) };
        var onB = new[] { await Status(b, policy, client), await Status(b, policy, client) };

        // Complainants can still submit and follow (no 503), each replica holding the client to its own count.
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], onA);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], onB);
    }

    [Fact]
    public async Task RedisStopsThenReturns_SignInRefusedMeanwhileAndSharedAfter_GeneralKeepsAnswering()
    {
        redis.EnsureRunning(); // The binary is there; this test runs and stops a server of its own.
        var port = TestKeys.FreePort();
        var server = await RedisServer.StartAsync(port);
        await using var web = await StubUpstream.StartAsync();
        try
        {
            var settings = Settings("sign-in", permits: 3, $"127.0.0.1:{port},connectTimeout=500", web);
            using var a = new GatewayHost(settings);
            using var b = new GatewayHost(settings);
            var client = NewClient();
            Assert.Equal(HttpStatusCode.BadGateway, await Status(a, "sign-in", client));

            await server.DisposeAsync();
            await WaitForRedis(connected: false, a, b);
            using var refused = await a.SendAsync(HttpMethod.Post, "/connect/token", client);
            var refusedOnB = await Status(b, "sign-in", client);
            var page = await Status(a, "general", client);

            server = await RedisServer.StartAsync(port);
            await WaitForRedis(connected: true, a, b);
            // The new server starts empty: three fresh permits, shared again.
            var shared = new[] { await Status(b, "sign-in", client), await Status(a, "sign-in", client), await Status(b, "sign-in", client) };
            var over = await Status(a, "sign-in", client);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter?.Delta);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refusedOnB);
            Assert.Equal(HttpStatusCode.OK, page);
            Assert.All(shared, s => Assert.Equal(HttpStatusCode.BadGateway, s));
            Assert.Equal(HttpStatusCode.TooManyRequests, over);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>
    /// The general policy's permits (the others left at their defaults) or another policy's (the general one's left large); the
    /// test's loopback connections are a trusted proxy, so X-Forwarded-For names the client; the web app is a stub
    /// that answers every page 200.
    /// </summary>
    private static Dictionary<string, string?> Settings(string policy, int permits, string? redis, StubUpstream web)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Services:Web"] = web.Address,
            ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
            ["RateLimiting:PermitsPerMinute"] = (policy == "general" ? permits : 100).ToString(CultureInfo.InvariantCulture),
        };
        var key = policy switch { "sign-in" => "SignIn", "submit" => "Submit", "follow" => "Follow", _ => null };
        if (key is not null)
        {
            settings[$"RateLimiting:{key}:PermitsPerMinute"] = permits.ToString(CultureInfo.InvariantCulture);
        }
        if (redis is not null)
        {
            settings["ConnectionStrings:Redis"] = redis;
        }
        return settings;
    }

    /// <summary>A client address of this test's own (TEST-NET-2 and benchmarking ranges).</summary>
    private static string NewClient()
    {
        var n = Interlocked.Increment(ref _clients);
        return $"198.18.{n / 250}.{(n % 250) + 1}";
    }

    /// <summary>
    /// GET / (the web app's page, a stub: 200) for the general policy; a token request (Identity is down here: 502) for
    /// sign-in; the portal's submit and follow forms (the stub: 200) for theirs.
    /// </summary>
    private static Task<HttpResponseMessage> Send(GatewayHost gateway, string policy, string client) => policy switch
    {
        "general" => gateway.SendAsync(HttpMethod.Get, "/", client),
        "sign-in" => gateway.SendAsync(HttpMethod.Post, "/connect/token", client),
        "submit" => gateway.SendAsync(HttpMethod.Post, "/submit", client),
        "follow" => gateway.SendAsync(HttpMethod.Post, "/follow", client),
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "no request for this policy"),
    };

    private static async Task<HttpStatusCode> Status(GatewayHost gateway, string policy, string client)
    {
        using var response = await Send(gateway, policy, client);
        return response.StatusCode;
    }

    private static HttpStatusCode Allowed(string policy) => policy == "sign-in" ? HttpStatusCode.BadGateway : HttpStatusCode.OK;

    private static Task WaitForRedis(bool connected, params GatewayHost[] gateways) =>
        Eventually.True(
            () => Task.FromResult(gateways.All(g => g.Services.GetRequiredService<IConnectionMultiplexer>().IsConnected == connected)),
            connected ? "both replicas to reconnect to Redis" : "both replicas to see Redis gone");
}
