using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;

namespace Complaints.Gateway.Tests;

/// <summary>
/// The security headers the gateway puts on every response, on real sockets: HSTS only for requests that came over TLS
/// (to the gateway itself, or to a trusted proxy that says so in X-Forwarded-Proto); nosniff, no referrer and no
/// framing always; a process's own Content-Security-Policy left exactly as it sent it.
/// </summary>
public sealed class SecurityHeadersTests
{
    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;

    private static void AssertAlwaysThere(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
    }

    [Fact]
    public async Task Headers_PlainHttpPageWithoutPolicy_FrameAncestorsNoneAndNoHsts()
    {
        await using var web = await StubUpstream.StartAsync();
        using var gateway = new GatewayHost(new() { ["Services:Web"] = web.Address });

        using var response = await gateway.Http.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertAlwaysThere(response);
        Assert.Equal("frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
        Assert.Null(Header(response, "Strict-Transport-Security"));
    }

    [Fact]
    public async Task Headers_UpstreamSendsItsOwn_PolicyKeptOthersReplaced()
    {
        const string policy = "default-src 'self'; frame-ancestors 'self'";
        await using var web = await StubUpstream.StartAsync(c =>
        {
            c.Response.Headers.ContentSecurityPolicy = policy;
            c.Response.Headers.XFrameOptions = "SAMEORIGIN";
            c.Response.Headers["Referrer-Policy"] = "unsafe-url";
            c.Response.Headers.XContentTypeOptions = "sniff-please";
        });
        using var gateway = new GatewayHost(new() { ["Services:Web"] = web.Address });

        using var response = await gateway.Http.GetAsync("/follow");

        // The process's policy is its own business: never replaced, never weakened (nor tightened) here.
        Assert.Equal(policy, Header(response, "Content-Security-Policy"));
        AssertAlwaysThere(response);
    }

    [Fact]
    public async Task Headers_ForwardedHttpsFromTrustedProxy_HstsAndTheSchemePassedOn()
    {
        await using var web = await StubUpstream.StartAsync();
        using var gateway = new GatewayHost(new() { ["Services:Web"] = web.Address, ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        request.Headers.Add("X-Forwarded-Proto", "https");

        using var response = await gateway.Http.SendAsync(request);

        Assert.Equal("max-age=31536000", Header(response, "Strict-Transport-Security"));
        AssertAlwaysThere(response);
        Assert.Equal("https", Assert.Single(web.Requests).Headers["X-Forwarded-Proto"]);
    }

    [Theory]
    [InlineData("10.9.9.9")]
    [InlineData(null)]
    public async Task Headers_ForwardedHttpsFromUntrustedSource_NoHsts(string? trustedProxy)
    {
        await using var web = await StubUpstream.StartAsync();
        var settings = new Dictionary<string, string?> { ["Services:Web"] = web.Address };
        if (trustedProxy is not null)
        {
            settings["ForwardedHeaders:KnownProxies:0"] = trustedProxy;
        }
        using var gateway = new GatewayHost(settings);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("X-Forwarded-For", "203.0.113.8");
        request.Headers.Add("X-Forwarded-Proto", "https");

        using var response = await gateway.Http.SendAsync(request);

        // The test connects from 127.0.0.1, which is not trusted here: its claim of https is not believed.
        Assert.Null(Header(response, "Strict-Transport-Security"));
        AssertAlwaysThere(response);
        Assert.Equal("http", Assert.Single(web.Requests).Headers["X-Forwarded-Proto"]);
    }

    [Fact]
    public async Task Headers_TlsToTheGatewayItself_Hsts()
    {
        await using var web = await StubUpstream.StartAsync();
        using var certificate = new TempFolder("complaints-gateway-tls");
        var pfx = Path.Combine(certificate.Path, "gateway.pfx");
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        await File.WriteAllBytesAsync(pfx, SelfSigned().Export(X509ContentType.Pfx, password));
        var tlsPort = TestKeys.FreePort();
        using var gateway = new GatewayHost(new()
        {
            ["Services:Web"] = web.Address,
            ["Kestrel:Endpoints:Tls:Url"] = $"https://127.0.0.1:{tlsPort}",
            ["Kestrel:Endpoints:Tls:Protocols"] = "Http1",
            ["Kestrel:Endpoints:Tls:Certificate:Path"] = pfx,
            ["Kestrel:Endpoints:Tls:Certificate:Password"] = password,
        });
        using var tls = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator })
        {
            BaseAddress = new Uri($"https://127.0.0.1:{tlsPort}"),
        };

        using var overTls = await tls.GetAsync("/");
        using var plain = await gateway.Http.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, overTls.StatusCode);
        Assert.Equal("max-age=31536000", Header(overTls, "Strict-Transport-Security"));
        AssertAlwaysThere(overTls);
        Assert.Null(Header(plain, "Strict-Transport-Security"));
    }

    [Fact]
    public async Task Headers_GatewaysOwnAnswers_CarryThemToo()
    {
        using var gateway = new GatewayHost(new() { ["RateLimiting:PermitsPerMinute"] = "1" });

        using var unavailable = await gateway.Http.GetAsync("/");
        using var limited = await gateway.Http.GetAsync("/api/v1/cases");
        using var health = await gateway.Http.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        foreach (var response in new[] { unavailable, limited, health })
        {
            AssertAlwaysThere(response);
            Assert.NotNull(Header(response, "Content-Security-Policy"));
        }
        // The unavailable page's own policy (its stylesheet), not the bare frame-ancestors one.
        Assert.StartsWith("default-src 'none'", Header(unavailable, "Content-Security-Policy"));
        Assert.Equal("frame-ancestors 'none'", Header(limited, "Content-Security-Policy"));
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }
}
