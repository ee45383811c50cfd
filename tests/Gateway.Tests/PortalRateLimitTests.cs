using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;

namespace Complaints.Gateway.Tests;

/// <summary>
/// The per-client budgets for complaint submissions (the portal's <c>POST /submit</c>, the REST <c>POST /api/v1/complaints</c>)
/// and follow attempts (the portal's <c>POST /follow</c> and <c>/follow/lost</c>, the REST calls that carry a tracking
/// token), on top of the general one. The web app is a stub that answers 200; Intake is down (502): a request the
/// limiter lets through is never 429, a refused one is.
/// </summary>
public sealed class PortalRateLimitTests
{
    private static async Task<(StubUpstream Web, GatewayHost Gateway)> StartAsync(params (string Key, int Permits)[] budgets)
    {
        var web = await StubUpstream.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Services:Web"] = web.Address,
            ["RateLimiting:PermitsPerMinute"] = "100",
        };
        foreach (var (key, permits) in budgets)
        {
            settings[$"RateLimiting:{key}:PermitsPerMinute"] = permits.ToString(CultureInfo.InvariantCulture);
        }
        return (web, new GatewayHost(settings));
    }

    private static async Task<HttpStatusCode> Status(HttpClient client, HttpMethod method, string path)
    {
        using var response = await Send(client, method, path);
        return response.StatusCode;
    }

    /// <summary>A form post (multipart, as the portal's submit form) or a GET.</summary>
    private static Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, string? acceptLanguage = null)
    {
        var request = new HttpRequestMessage(method, path) { Version = client.DefaultRequestVersion, VersionPolicy = client.DefaultVersionPolicy };
        if (method == HttpMethod.Post)
        {
            request.Content = new MultipartFormDataContent { { new StringContent("x"), "Subject" } };
        }
        if (acceptLanguage is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        }
        return client.SendAsync(request);
    }

    [Fact]
    public async Task RateLimiter_Submissions_OneBudgetForPortalAndApiLeavingOtherCallsAlone()
    {
        var (web, gateway) = await StartAsync(("Submit", 2));
        await using var _ = web;
        using var __ = gateway;

        var spent = new[] { await Status(gateway.Http, HttpMethod.Post, "/submit"), await Status(gateway.Http, HttpMethod.Post, "/api/v1/complaints") };
        using var over = await Send(gateway.Http, HttpMethod.Post, "/submit");
        var overApi = await Status(gateway.Http, HttpMethod.Post, "/api/v1/complaints");
        // Suggestions, and addresses to hear back about them, are put in from the same budget.
        var overSuggestions = new[]
        {
            await Status(gateway.Http, HttpMethod.Post, "/suggestions"),
            await Status(gateway.Http, HttpMethod.Post, "/api/v1/suggestions"),
            await Status(gateway.Http, HttpMethod.Post, "/api/v1/suggestion-contacts"),
        };
        var others = new[]
        {
            await Status(gateway.Http, HttpMethod.Get, "/submit"),
            await Status(gateway.Http, HttpMethod.Post, "/follow"),
            await Status(gateway.Http, HttpMethod.Post, "/follow/answer"),
        };

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.BadGateway], spent);
        Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
        Assert.NotNull(over.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.TooManyRequests, overApi);
        Assert.All(overSuggestions, s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        Assert.All(others, s => Assert.Equal(HttpStatusCode.OK, s));
        // The refused submissions never reached the web app.
        Assert.Equal(1, web.Requests.Count(r => r.Path == "/submit" && r.Method == "POST"));
    }

    [Fact]
    public async Task RateLimiter_FollowAttempts_OneBudgetForPortalFormsAndTokenApis()
    {
        var (web, gateway) = await StartAsync(("Follow", 4));
        await using var _ = web;
        using var __ = gateway;

        var spent = new[]
        {
            await Status(gateway.Http, HttpMethod.Post, "/follow"),
            await Status(gateway.Http, HttpMethod.Post, "/follow/lost"),
            await Status(gateway.Http, HttpMethod.Post, "/api/v1/complaints/CMP-AAAA-BBBB/track"),
            await Status(gateway.Http, HttpMethod.Post, "/api/v1/complaints/CMP-CCCC-DDDD/access"),
        };
        using var overApi = await Send(gateway.Http, HttpMethod.Post, "/api/v1/complaints/CMP-AAAA-BBBB/answers");
        var overPortal = await Status(gateway.Http, HttpMethod.Post, "/follow");
        var others = new[]
        {
            await Status(gateway.Http, HttpMethod.Get, "/follow"),
            await Status(gateway.Http, HttpMethod.Post, "/submit"),
            await Status(gateway.Http, HttpMethod.Post, "/follow/answer"),
        };

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.BadGateway, HttpStatusCode.BadGateway], spent);
        Assert.Equal(HttpStatusCode.TooManyRequests, overApi.StatusCode);
        Assert.NotNull(overApi.Headers.RetryAfter?.Delta);
        // An API client gets no page, only the status and Retry-After.
        Assert.Empty(await overApi.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.TooManyRequests, overPortal);
        Assert.All(others, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    [Theory]
    [InlineData("Submit", "/SUBMIT/")]
    [InlineData("Submit", "/Api/V1/Complaints/")]
    [InlineData("Follow", "/Follow/")]
    [InlineData("Follow", "/FOLLOW/LOST")]
    [InlineData("Follow", "/api/v1/complaints/CMP-AAAA-BBBB/TRACK/")]
    [InlineData("Follow", "/api/v1/complaints/CMP-AAAA-BBBB/reopen")]
    [InlineData("Follow", "/api/v1/complaints/CMP-AAAA-BBBB/contact")]
    public async Task RateLimiter_PathSpelledOtherwise_StillCounted(string budget, string path)
    {
        // Routing ignores case and a trailing slash: a client cannot reach the same handler around its budget.
        var (web, gateway) = await StartAsync((budget, 2));
        await using var _ = web;
        using var __ = gateway;

        var attempts = new[]
        {
            await Status(gateway.Http, HttpMethod.Post, path),
            await Status(gateway.Http, HttpMethod.Post, path),
            await Status(gateway.Http, HttpMethod.Post, path),
        };

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, attempts[..2]);
        Assert.Equal(HttpStatusCode.TooManyRequests, attempts[2]);
    }

    [Theory]
    [InlineData("GET", "/submit")]
    [InlineData("GET", "/follow")]
    [InlineData("POST", "/follow/answer")]
    [InlineData("POST", "/api/v1/complaints/CMP-AAAA-BBBB")]
    [InlineData("POST", "/api/v1/staff/complaints:search")]
    [InlineData("POST", "/submitted")]
    public async Task RateLimiter_OtherRequests_NotCountedBySubmitOrFollow(string method, string path)
    {
        var (web, gateway) = await StartAsync(("Submit", 1), ("Follow", 1));
        await using var _ = web;
        using var __ = gateway;

        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            codes.Add(await Status(gateway.Http, new HttpMethod(method), path));
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, codes);
    }

    [Theory]
    [InlineData("/submit")]
    [InlineData("/follow")]
    public async Task RateLimiter_PortalPostsOnTheH2cListener_SameBudget(string path)
    {
        var (web, gateway) = await StartAsync(("Submit", 2), ("Follow", 2));
        await using var _ = web;
        using var __ = gateway;
        using var h2c = new HttpClient
        {
            BaseAddress = new Uri($"http://127.0.0.1:{gateway.GrpcPort}"),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        var attempts = new[] { await Status(h2c, HttpMethod.Post, path), await Status(gateway.Http, HttpMethod.Post, path), await Status(h2c, HttpMethod.Post, path) };

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, attempts[..2]);
        Assert.Equal(HttpStatusCode.TooManyRequests, attempts[2]);
    }

    [Theory]
    [InlineData("ko-KR,ko;q=0.9", "ko", "사용 중인 연결에서 요청이 너무 많습니다")]
    [InlineData("bg", "bg", "Твърде много заявки от вашата връзка")]
    [InlineData(null, "en", "Too many requests from your connection")]
    public async Task RateLimiter_PortalPostOverBudget_429PageInTheReadersLanguage(string? acceptLanguage, string language, string heading)
    {
        var (web, gateway) = await StartAsync(("Follow", 1));
        await using var _ = web;
        using var __ = gateway;

        await Status(gateway.Http, HttpMethod.Post, "/follow");
        using var over = await Send(gateway.Http, HttpMethod.Post, "/follow", acceptLanguage);
        var body = await over.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
        Assert.NotNull(over.Headers.RetryAfter?.Delta);
        Assert.Equal("text/html", over.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"<html lang=\"{language}\">", body);
        Assert.Contains($"<h1>{heading}</h1>", body);
    }

    [Fact]
    public async Task RateLimiter_HealthProbes_NeverLimitedButOtherPathsUnderHealthAre()
    {
        await using var web = await StubUpstream.StartAsync();
        using var limited = new GatewayHost(new() { ["Services:Web"] = web.Address, ["RateLimiting:PermitsPerMinute"] = "1" });

        var probes = new[]
        {
            await Status(limited.Http, HttpMethod.Get, "/health/live"),
            await Status(limited.Http, HttpMethod.Get, "/health/ready"),
            await Status(limited.Http, HttpMethod.Get, "/health/live"),
        };
        var first = await Status(limited.Http, HttpMethod.Get, "/health/anything");
        var second = await Status(limited.Http, HttpMethod.Get, "/health/anything");

        Assert.All(probes, s => Assert.Equal(HttpStatusCode.OK, s));
        // /health/anything is the web app's (the catch-all): it spends the general budget like any page.
        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Equal(HttpStatusCode.TooManyRequests, second);
    }

    [Fact]
    public void Policies_NoSettings_SubmitTenAndFollowThirtyPerMinuteCountedPerReplicaWhenRedisIsDown()
    {
        var policies = RateLimitingExtensions.Policies(new ConfigurationBuilder().Build()).ToDictionary(p => p.Name);
        var configured = RateLimitingExtensions.Policies(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RateLimiting:Submit:PermitsPerMinute"] = "3",
            ["RateLimiting:Follow:PermitsPerMinute"] = "0",
            ["RateLimiting:Window"] = "00:05:00",
        }).Build()).ToDictionary(p => p.Name);

        Assert.Equal(10, policies["submit"].Permits);
        Assert.Equal(30, policies["follow"].Permits);
        Assert.Equal(TimeSpan.FromMinutes(1), policies["submit"].Window);
        // The front door stays open with Redis down (decision 16); the sign-in budget alone refuses.
        Assert.Equal(WhenRedisDown.CountPerReplica, policies["submit"].RedisDown);
        Assert.Equal(WhenRedisDown.CountPerReplica, policies["follow"].RedisDown);
        Assert.False(policies["submit"].RestListenerOnly);
        Assert.False(policies["follow"].RestListenerOnly);
        Assert.Equal(3, configured["submit"].Permits);
        Assert.Equal(0, configured["follow"].Permits);
        Assert.Equal(TimeSpan.FromMinutes(5), configured["follow"].Window);
    }
}
