using System.Net;
using Microsoft.Extensions.Configuration;

namespace Complaints.Gateway.Tests;

/// <summary>
/// Request body limits on real sockets: the portal's upload forms (<c>POST /submit</c>, <c>POST /follow/answer</c>,
/// <c>POST /follow/documents</c>: up to 5 attachments of 10 MiB each, multipart) pass the gateway whole, past Kestrel's
/// default of 30 MB; every other request keeps that default.
/// </summary>
public sealed class BodyLimitTests
{
    private const int MiB = 1024 * 1024;

    /// <summary>Five attachments of <paramref name="eachBytes"/> and a text field, as the portal's form sends them.</summary>
    private static MultipartFormDataContent Upload(int eachBytes)
    {
        var content = new MultipartFormDataContent { { new StringContent("The meter was read twice."), "Description" } };
        for (var i = 1; i <= 5; i++)
        {
            var file = new ByteArrayContent(new byte[eachBytes]);
            file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
            content.Add(file, "Attachments", $"evidence-{i}.pdf");
        }
        return content;
    }

    private static HttpClient Client(GatewayHost gateway) =>
        new() { BaseAddress = gateway.Http.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };

    [Theory]
    [InlineData("/submit")]
    [InlineData("/follow/answer")]
    [InlineData("/follow/documents")]
    [InlineData("/Follow/Answer/")]
    public async Task BodyLimit_51MiBMultipartToAnUploadForm_ReachesTheWebAppWhole(string path)
    {
        await using var web = await StubUpstream.StartAsync();
        using var gateway = new GatewayHost(new() { ["Services:Web"] = web.Address });
        using var client = Client(gateway);
        using var content = Upload(eachBytes: 51 * MiB / 5);
        var length = content.Headers.ContentLength!.Value;

        using var response = await client.PostAsync(path, content);

        Assert.True(length > 51 * MiB - 16 && length > 30_000_000, $"the body is {length} bytes");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(length, Assert.Single(web.Requests).BodyBytes);
    }

    [Theory]
    [InlineData("POST", "/follow")]
    [InlineData("POST", "/submitted")]
    [InlineData("PUT", "/submit")]
    public async Task BodyLimit_31MBElsewhere_RefusedWith413BeforeTheWebAppGetsItAll(string method, string path)
    {
        await using var web = await StubUpstream.StartAsync();
        using var gateway = new GatewayHost(new() { ["Services:Web"] = web.Address });
        using var client = Client(gateway);
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent(new byte[31_000_000]) };
        // The gateway answers before the body is sent and closes the connection; with 100-continue the client reads
        // that answer instead of failing on a broken pipe halfway through the body (as a browser may).
        request.Headers.ExpectContinue = true;

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.DoesNotContain(web.Requests, r => r.BodyBytes >= 31_000_000);
    }

    [Fact]
    public async Task BodyLimit_OverTheUploadLimit_RefusedWith413()
    {
        await using var web = await StubUpstream.StartAsync();
        using var gateway = new GatewayHost(new() { ["Services:Web"] = web.Address });
        using var client = Client(gateway);
        var limit = UploadLimit();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/submit") { Content = Upload(eachBytes: (int)(limit / 5) + MiB) };
        request.Headers.ExpectContinue = true;

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.DoesNotContain(web.Requests, r => r.BodyBytes > limit);
    }

    [Fact]
    public void UploadRoutes_Appsettings_RoomForFiveAttachmentsOfTenMiBAndTheFormAroundThem()
    {
        var limit = UploadLimit();

        // 5 × 10 MiB of files, plus the text fields and the multipart framing (a few KiB); not unbounded.
        Assert.InRange(limit, (5 * 10 * MiB) + MiB, 64 * MiB);
        var uploads = new[] { ("web-submit", "/submit"), ("web-follow-answer", "/follow/answer"), ("web-follow-documents", "/follow/documents") };
        foreach (var (name, path) in uploads)
        {
            var route = Routes()[name];
            Assert.Equal(limit, route.GetValue<long>("MaxRequestBodySize"));
            Assert.Equal(ProxyExtensions.WebCluster, route["ClusterId"]);
            Assert.Equal(path, route["Match:Path"]);
            Assert.Equal(["POST"], route.GetSection("Match:Methods").Get<string[]>() ?? []);
        }
        // No other route raises the limit.
        Assert.All(Routes().Where(r => !uploads.Any(u => u.Item1 == r.Key)), r => Assert.Null(r.Value["MaxRequestBodySize"]));
    }

    private static Dictionary<string, IConfigurationSection> Routes() =>
        new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json")).Build()
            .GetSection("ReverseProxy:Routes").GetChildren().ToDictionary(r => r.Key);

    private static long UploadLimit() => Routes()["web-submit"].GetValue<long>("MaxRequestBodySize");
}
