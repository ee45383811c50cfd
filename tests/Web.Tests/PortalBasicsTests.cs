using System.Net;
using System.Xml.Linq;
using Complaints.Web.Portal;

namespace Complaints.Web.Tests;

public sealed class PortalBasicsTests : IClassFixture<PortalBasicsTests.Host>
{
    private readonly WebHost _web;

    public PortalBasicsTests(Host host) => _web = host.Web;

    public sealed class Host : IDisposable
    {
        public WebHost Web { get; } = new();

        public void Dispose() => Web.Dispose();
    }

    [Theory]
    [InlineData("ko-KR,ko;q=0.9,en;q=0.5", "ko", "무엇이 잘못되었는지")]
    [InlineData("bg", "bg", "Кажете ни какво")]
    [InlineData("fr-FR", "en", "Tell us what went wrong")]
    public async Task GetHome_AcceptLanguage_PageInThatLanguageWithLang(string acceptLanguage, string lang, string heading)
    {
        using var browser = _web.Browser();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Accept-Language", acceptLanguage);
        using var response = await browser.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"<html lang=\"{lang}\">", html);
        Assert.Contains(heading, html);
    }

    [Fact]
    public async Task LanguageSwitch_Chosen_OverridesAcceptLanguageAndReturnsToThePage()
    {
        using var browser = _web.Browser();
        using var switched = await browser.GetAsync("/language/bg?returnUrl=%2Fnot-found");
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal("/not-found", switched.Headers.Location!.OriginalString);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Accept-Language", "ko");
        using var page = await browser.SendAsync(request);
        Assert.Contains("<html lang=\"bg\">", await page.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    public async Task LanguageSwitch_OffSiteReturnUrl_RedirectsToTheStartPage(string returnUrl)
    {
        using var browser = _web.Browser();
        using var response = await browser.GetAsync("/language/ko?returnUrl=" + Uri.EscapeDataString(returnUrl));

        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task LanguageSwitch_UnknownLanguage_NotFound()
    {
        using var browser = _web.Browser();
        using var response = await browser.GetAsync("/language/xx");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task GetPage_Any_ContentSecurityPolicyWithoutInlineScriptsOrFrames()
    {
        using var browser = _web.Browser();
        using var response = await browser.GetAsync("/");
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));

        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.DoesNotContain("<script>", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GetUnknownPath_Any_NotFoundPageInTheReadersLanguage()
    {
        using var browser = _web.Browser();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/no-such-page");
        request.Headers.Add("Accept-Language", "ko");
        using var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("페이지를 찾을 수 없습니다", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("https", true)]
    [InlineData(null, false)]
    public async Task GetPage_SchemeForwardedByTheLocalGateway_CookiesSecureOnlyForHttps(string? forwardedProto, bool secure)
    {
        using var browser = _web.Browser();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/language/bg?returnUrl=%2F");
        if (forwardedProto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        }
        using var response = await browser.SendAsync(request);

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("portal_language=", StringComparison.Ordinal));
        Assert.Equal(secure, cookie.Contains("; secure", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("/", null)]
    [InlineData("/", "CfDJ8-not-a-token")]
    [InlineData("/submitted", null)]
    [InlineData("/not-found", "CfDJ8-not-a-token")]
    public async Task PostPage_NoOrBadAntiforgeryToken_BadRequestWithFormNotAcceptedPageInTheReadersLanguage(string path, string? token)
    {
        using var browser = _web.Browser();
        // The antiforgery cookie of an earlier visit, so only the token is wrong.
        (await browser.GetAsync("/follow")).Dispose();
        using var response = await PostFormAsync(browser, path, token, "bg");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<html lang=\"bg\">", html);
        Assert.Contains("<h1>Формулярът не можа да бъде приет</h1>", html);
    }

    [Theory]
    [InlineData("/follow", null)]
    [InlineData("/follow", "CfDJ8-not-a-token")]
    [InlineData("/follow/lost", "CfDJ8-not-a-token")]
    [InlineData("/submit?send=1", null)]
    [InlineData("/submit?send=1", "CfDJ8-not-a-token")]
    public async Task PostForm_NoOrBadAntiforgeryToken_BadRequestWithTheFormPageAndItsError(string path, string? token)
    {
        using var browser = _web.Browser();
        (await browser.GetAsync("/follow")).Dispose();
        using var response = await PostFormAsync(browser, path, token, "ko", multipart: path.StartsWith("/submit", StringComparison.Ordinal));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html lang=\"ko\">", html);
        Assert.Contains("class=\"error-summary\"", html);
    }

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient browser, string path, string? token, string language, bool multipart = false)
    {
        var fields = new List<KeyValuePair<string, string>>();
        if (token is not null)
        {
            fields.Add(new("__RequestVerificationToken", token));
        }
        fields.Add(new("reference", "C-2027-000001"));
        HttpContent content;
        if (multipart)
        {
            var parts = new MultipartFormDataContent();
            foreach (var (name, value) in fields)
            {
                parts.Add(new StringContent(value), name);
            }
            content = parts;
        }
        else
        {
            content = new FormUrlEncodedContent(fields);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add("Accept-Language", language);
        return await browser.SendAsync(request);
    }

    [Theory]
    [InlineData("/lib/pico/pico.min.css")]
    [InlineData("/portal.css")]
    [InlineData("/manifest.webmanifest")]
    public async Task GetStaticFile_AcceptsBrotli_Compressed(string path)
    {
        using var browser = _web.Browser();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Accept-Encoding", "br, gzip");
        using var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("br", response.Content.Headers.ContentEncoding.Single());
    }

    [Fact]
    public async Task GetPage_AcceptsBrotli_NotCompressedBecausePagesCarrySecrets()
    {
        using var browser = _web.Browser();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Accept-Encoding", "br, gzip");
        using var response = await browser.SendAsync(request);

        Assert.Empty(response.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task GetManifest_Any_InstallableWithIcons()
    {
        using var browser = _web.Browser();
        using var response = await browser.GetAsync("/manifest.webmanifest");
        using var manifest = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("application/manifest+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("/", manifest.RootElement.GetProperty("start_url").GetString());
        foreach (var icon in manifest.RootElement.GetProperty("icons").EnumerateArray())
        {
            using var file = await browser.GetAsync(icon.GetProperty("src").GetString());
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        }
    }

    [Fact]
    public void Texts_EveryLanguage_HasExactlyTheEnglishKeys()
    {
        // Every resource set in the folder (Texts, SubmitTexts, ...): each language file has the English file's keys.
        var folder = Path.Combine(Launcher.RepositoryLocator.FindRoot(), "services", "Web", "Resources");
        var sets = Directory.GetFiles(folder, "*.resx").Select(Path.GetFileName).Where(f => f!.Count(c => c == '.') == 1).ToList();
        Assert.Contains("Texts.resx", sets);
        foreach (var set in sets)
        {
            var english = Keys(Path.Combine(folder, set!));
            foreach (var language in PortalCultures.Supported.Where(c => c != "en"))
            {
                var path = Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(set)}.{language}.resx");
                Assert.True(File.Exists(path), $"{set}: no {language} file");
                var translated = Keys(path);
                Assert.True(english.SetEquals(translated),
                    $"{set} {language}: missing {string.Join(", ", english.Except(translated))}; extra {string.Join(", ", translated.Except(english))}");
            }
        }
    }

    private static HashSet<string> Keys(string path) =>
        XDocument.Load(path).Root!.Elements("data").Select(d => (string)d.Attribute("name")!).ToHashSet();
}
