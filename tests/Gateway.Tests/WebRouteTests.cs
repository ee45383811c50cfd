using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;

namespace Complaints.Gateway.Tests;

/// <summary>
/// The web app behind the gateway's catch-all route: every path no API, gRPC or Identity route claims goes to it; a
/// gRPC call that only the catch-all matched is refused here; with the web app down a page request gets the gateway's
/// own 503 page in the reader's language.
/// </summary>
public sealed class WebRouteTests
{
    private static Dictionary<string, string?> WebAt(string address) => new() { ["Services:Web"] = address };

    [Theory]
    [InlineData("GET", "/")]
    [InlineData("GET", "/follow")]
    [InlineData("GET", "/submit?category=billing")]
    [InlineData("GET", "/lib/pico/pico.min.css")]
    [InlineData("POST", "/follow")]
    [InlineData("GET", "/health")]
    public async Task Proxy_PortalPath_ReachesTheWebAppWithThePublicHost(string method, string path)
    {
        await using var web = await StubUpstream.StartAsync();
        using var gateway = new GatewayHost(WebAt(web.Address));

        using var response = await gateway.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("upstream", await response.Content.ReadAsStringAsync());
        var seen = Assert.Single(web.Requests);
        Assert.Equal(method, seen.Method);
        Assert.Equal(path.Split('?')[0], seen.Path);
        // The web app builds absolute URLs (redirects, later the staff console's sign-in callback) from the public host.
        Assert.Equal($"127.0.0.1:{gateway.RestPort}", seen.Headers["Host"]);
    }

    [Theory]
    [InlineData("POST", "/api/v1/complaints")]
    [InlineData("POST", "/api/v1/complaints/C-1/track")]
    [InlineData("GET", "/api/v1/cases")]
    [InlineData("GET", "/.well-known/openid-configuration")]
    [InlineData("POST", "/connect/token")]
    [InlineData("GET", "/account/sign-in")]
    [InlineData("GET", "/identity.css")]
    [InlineData("GET", "/health/ready")]
    public async Task Proxy_ApiIdentityAndHealthPaths_NeverReachTheWebApp(string method, string path)
    {
        await using var web = await StubUpstream.StartAsync();
        using var gateway = new GatewayHost(WebAt(web.Address));

        using var response = await gateway.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        // Their own processes are down here (502, or the sign-in page's 503); health is the gateway's own (200).
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK });
        Assert.Empty(web.Requests);
    }

    [Theory]
    [InlineData("/complaints.intake.v1.ContactService/GetContactForDelivery", "application/grpc")]
    [InlineData("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", "application/grpc")]
    [InlineData("/complaints.routing.v1.CaseViewService/GetPublicCaseView", "application/grpc-web")]
    public async Task Proxy_GrpcCallOnlyTheCatchAllMatches_404AndNeverReachesTheWebApp(string path, string contentType)
    {
        await using var web = await StubUpstream.StartAsync();
        using var gateway = new GatewayHost(WebAt(web.Address));
        using var h2c = new HttpClient
        {
            BaseAddress = new Uri($"http://127.0.0.1:{gateway.GrpcPort}"),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        Task<HttpResponseMessage> PostAsync(HttpClient client)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path)
            {
                Content = new ByteArrayContent([0, 0, 0, 0, 0]),
                Version = client.DefaultRequestVersion,
                VersionPolicy = client.DefaultVersionPolicy,
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            return client.SendAsync(request);
        }

        // On h2c and on the REST listener: both answered by the gateway (gRPC clients read 404 as Unimplemented).
        using var overH2c = await PostAsync(h2c);
        using var overRest = await PostAsync(gateway.Http);

        Assert.Equal(HttpStatusCode.NotFound, overH2c.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, overRest.StatusCode);
        Assert.Empty(web.Requests);
    }

    [Theory]
    [InlineData("GET", "/", null, "en", "The complaints portal is unavailable right now")]
    [InlineData("GET", "/follow", "ko-KR,ko;q=0.9,en;q=0.8", "ko", "지금은 민원 창구를 사용할 수 없습니다")]
    [InlineData("POST", "/submit", "bg", "bg", "В момента порталът за жалби не е достъпен")]
    [InlineData("GET", "/submit", "fr-FR, bg;q=0.4, ko;q=0.7", "ko", "지금은 민원 창구를 사용할 수 없습니다")]
    [InlineData("GET", "/", "fr-FR", "en", "The complaints portal is unavailable right now")]
    public async Task Proxy_WebAppDown_503PageInTheReadersLanguage(string method, string path, string? acceptLanguage, string language, string heading)
    {
        using var gateway = new GatewayHost([]);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Subject"] = "x" });
        }
        if (acceptLanguage is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        }

        using var response = await gateway.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), response.Headers.RetryAfter?.Delta);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Contains($"<html lang=\"{language}\">", body);
        Assert.Contains($"<h1>{heading}</h1>", body);
        Assert.Contains($"href=\"{GatewayErrorPages.StylesheetPath}\"", body);
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Theory]
    [InlineData("c=bg|uic=bg", "В момента порталът за жалби не е достъпен")]
    [InlineData("c=ko|uic=ko", "지금은 민원 창구를 사용할 수 없습니다")]
    [InlineData("c=fr|uic=fr", "The complaints portal is unavailable right now")]
    public async Task Proxy_WebAppDownWithThePortalsLanguageCookie_ThatLanguageOverAcceptLanguage(string cookie, string heading)
    {
        using var gateway = new GatewayHost([]);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/follow");
        request.Headers.AcceptLanguage.ParseAdd("en-GB");
        // The portal's visible switch keeps the reader's choice in this cookie (services/Web, PortalCultures).
        request.Headers.Add("Cookie", "portal_language=" + Uri.EscapeDataString(cookie));

        using var response = await gateway.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains($"<h1>{heading}</h1>", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Proxy_IdentityDownOnSignInPage_503SignInPageNotThePortalOne()
    {
        using var gateway = new GatewayHost([]);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/account/sign-in");
        request.Headers.AcceptLanguage.ParseAdd("bg");

        using var response = await gateway.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("<h1>В момента не можете да влезете</h1>", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Stylesheet_WebAppAndIdentityDown_ServedByTheGateway()
    {
        using var gateway = new GatewayHost([]);

        using var response = await gateway.Http.GetAsync(GatewayErrorPages.StylesheetPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("main {", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Proxy_WebAppAnswersAnError_ItsAnswerPassesUnchanged()
    {
        await using var web = await StubUpstream.StartAsync(c => c.Response.StatusCode = StatusCodes.Status404NotFound);
        using var gateway = new GatewayHost(WebAt(web.Address));

        using var response = await gateway.Http.GetAsync("/no-such-page");

        // Only an unreachable web app gets the gateway's page; its own answers (here its not-found page) are its own.
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("upstream", await response.Content.ReadAsStringAsync());
    }
}
