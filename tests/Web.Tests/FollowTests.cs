using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;
using Complaints.Web.Portal;
using Complaints.Web.Portal.Follow;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.Web.Tests;

/// <summary>
/// The follow pages with the web app alone: the session cookie, sign-out, antiforgery on the upload form, the token kept
/// out of addresses and pages, and the cap on live-update streams per browser session. Intake here is a port that
/// accepts connections and never answers (so a watch stays open); journeys with the real Intake are in EndToEnd.Tests.
/// </summary>
public sealed class FollowTests : IClassFixture<FollowTests.Host>
{
    private const string Reference = "CMP-TEST-0001";
    private const string Token = "tracking-token-that-must-stay-secret-0123456789";

    private readonly Host _host;

    public FollowTests(Host host) => _host = host;

    public sealed class Host : IDisposable
    {
        public SilentIntake Intake { get; } = new();

        public WebHost Web { get; }

        public Host() => Web = new WebHost(new Dictionary<string, string?>
        {
            ["Services:Intake"] = Intake.Address,
            ["Portal:Follow:MaxWatchesPerSession"] = "3",
            ["Portal:Follow:Heartbeat"] = "00:00:01",
            ["Portal:Follow:CallTimeout"] = "00:00:01",
            ["Portal:Follow:UploadTimeout"] = "00:00:01",
        });

        public void Dispose()
        {
            Web.Dispose();
            Intake.Dispose();
        }
    }

    /// <summary>A browser: cookies kept, redirects not followed.</summary>
    private sealed class Browser : IDisposable
    {
        public Browser(Uri address) =>
            Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = Cookies }) { BaseAddress = address };

        public CookieContainer Cookies { get; } = new();

        public HttpClient Http { get; }

        public Cookie? Session => Cookies.GetCookies(Http.BaseAddress!).FirstOrDefault(c => c.Name == FollowSession.CookieName);

        public void Dispose() => Http.Dispose();
    }

    private Browser NewBrowser() => new(_host.Web.Address);

    /// <summary>Puts a follow session into the browser as the app makes it after a verified POST /follow.</summary>
    private void OpenSession(Browser browser, DateTimeOffset? openedAt = null)
    {
        var clock = openedAt is { } at ? new FixedClock(at) : TimeProvider.System;
        var session = new FollowSession(_host.Web.Services.GetRequiredService<IDataProtectionProvider>(), clock);
        var context = new DefaultHttpContext();
        session.Open(context, Reference, Token);
        browser.Cookies.SetCookies(_host.Web.Address, context.Response.Headers.SetCookie.ToString());
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static async Task<string> AntiforgeryTokenAsync(Browser browser)
    {
        // The open form of another complaint: shown without asking Intake, whether or not a session exists.
        using var page = await browser.Http.GetAsync("/follow?reference=CMP-OTHER-0002");
        var html = await page.Content.ReadAsStringAsync();
        return HtmlForms.HiddenFields(html)["__RequestVerificationToken"];
    }

    [Fact]
    public async Task GetFollow_TamperedSessionCookie_AsksForReferenceAndCode()
    {
        using var browser = NewBrowser();
        browser.Cookies.Add(_host.Web.Address, new Cookie(FollowSession.CookieName, "CfDJ8forged-not-a-protected-value"));

        using var response = await browser.Http.GetAsync("/follow");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("name=\"trackingToken\"", html);
        Assert.DoesNotContain("id=\"follow-live\"", html);
    }

    [Fact]
    public async Task GetEvents_TamperedSessionCookie_Unauthorized()
    {
        using var browser = NewBrowser();
        browser.Cookies.Add(_host.Web.Address, new Cookie(FollowSession.CookieName, "CfDJ8forged-not-a-protected-value"));

        using var response = await browser.Http.GetAsync("/follow/events");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GetEvents_ExpiredSession_Unauthorized()
    {
        using var browser = NewBrowser();
        OpenSession(browser, DateTimeOffset.UtcNow - FollowSession.Lifetime - TimeSpan.FromMinutes(1));

        using var response = await browser.Http.GetAsync("/follow/events");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task SignOut_WithSession_DeletesTheCookieAndShowsTheForm()
    {
        using var browser = NewBrowser();
        OpenSession(browser);
        var token = await AntiforgeryTokenAsync(browser);

        using var response = await browser.Http.PostAsync("/follow/sign-out", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
        }));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/follow?done=signed-out", response.Headers.Location!.OriginalString);
        var deletion = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(FollowSession.CookieName + "=", StringComparison.Ordinal));
        Assert.StartsWith(FollowSession.CookieName + "=;", deletion);
        Assert.Contains("expires=Thu, 01 Jan 1970", deletion);
        Assert.Null(browser.Session);
        using var after = await browser.Http.GetAsync(response.Headers.Location);
        Assert.Contains("name=\"trackingToken\"", await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SignOut_WithoutAntiforgeryToken_SessionKept()
    {
        using var browser = NewBrowser();
        OpenSession(browser);

        using var response = await browser.Http.PostAsync("/follow/sign-out", new FormUrlEncodedContent(new Dictionary<string, string>()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith(FollowSession.CookieName, StringComparison.Ordinal)));
        Assert.NotNull(browser.Session);
    }

    [Fact]
    public async Task SessionCookie_Opened_HttpOnlyStrictAndWithoutTheTokenInClear()
    {
        var context = new DefaultHttpContext();
        new FollowSession(_host.Web.Services.GetRequiredService<IDataProtectionProvider>(), TimeProvider.System).Open(context, Reference, Token);
        var cookie = context.Response.Headers.SetCookie.ToString();

        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Token, cookie);
        Assert.DoesNotContain(Reference, cookie);
    }

    [Theory]
    [InlineData("/follow")]
    [InlineData("/follow?reference=CMP-TEST-0001")]
    [InlineData("/follow/withdraw")]
    [InlineData("/follow/reopen")]
    [InlineData("/follow.js")]
    public async Task GetFollowPage_WithSession_TokenInNoPageScriptOrAddress(string path)
    {
        using var browser = NewBrowser();
        OpenSession(browser);

        using var response = await browser.Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();

        Assert.DoesNotContain(Token, body);
        Assert.DoesNotContain(Token, response.Headers.Location?.OriginalString ?? "");
        Assert.DoesNotContain("<script>", body);
    }

    [Fact]
    public async Task PostAnswer_WithoutAntiforgeryToken_RefusedBeforeAnyUpload()
    {
        using var browser = NewBrowser();
        OpenSession(browser);
        using var form = new MultipartFormDataContent
        {
            { new StringContent("my answer"), "text" },
            { new ByteArrayContent(Encoding.ASCII.GetBytes("%PDF-1.4 a document")), "documents", "statement.pdf" },
        };

        using var response = await browser.Http.PostAsync("/follow/answer", form);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("This form has expired or did not come from this page", html);
    }

    [Fact]
    public async Task PostAnswer_AntiforgeryTokenOfAnotherBrowser_Refused()
    {
        using var other = NewBrowser();
        var othersToken = await AntiforgeryTokenAsync(other);
        using var browser = NewBrowser();
        OpenSession(browser);
        await AntiforgeryTokenAsync(browser);
        using var form = new MultipartFormDataContent
        {
            { new StringContent(othersToken), "__RequestVerificationToken" },
            { new StringContent("my answer"), "text" },
        };

        using var response = await browser.Http.PostAsync("/follow/answer", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("This form has expired or did not come from this page", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PostAnswer_AntiforgeryTokenAfterOtherFields_Refused()
    {
        using var browser = NewBrowser();
        OpenSession(browser);
        var token = await AntiforgeryTokenAsync(browser);
        using var form = new MultipartFormDataContent
        {
            { new StringContent("my answer"), "text" },
            { new StringContent(token), "__RequestVerificationToken" },
        };

        using var response = await browser.Http.PostAsync("/follow/answer", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task PostAnswer_ForgedFormKey_RefusedBeforeAnyUpload()
    {
        using var browser = NewBrowser();
        OpenSession(browser);
        var token = await AntiforgeryTokenAsync(browser);
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent("CfDJ8-not-a-form-key"), "formId" },
            { new StringContent("my answer"), "text" },
            { new ByteArrayContent(Encoding.ASCII.GetBytes("%PDF-1.4 a document")), "documents", "statement.pdf" },
        };

        using var response = await browser.Http.PostAsync("/follow/answer", form);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("This form has expired or did not come from this page", html);
    }

    [Fact]
    public async Task PostDocuments_EmptyFile_RefusedNamingTheFile()
    {
        using var browser = NewBrowser();
        OpenSession(browser);
        var token = await AntiforgeryTokenAsync(browser);
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent(FormKey(FollowPosted.Document)), "formId" },
            { new StringContent("a note"), "text" },
            { new ByteArrayContent([]), "documents", "empty.pdf" },
        };

        using var response = await browser.Http.PostAsync("/follow/documents", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The file empty.pdf is empty.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PostDocuments_SixFiles_SixthRefusedAndNoMoreUploadedAfterAnError()
    {
        using var browser = NewBrowser();
        OpenSession(browser);
        var token = await AntiforgeryTokenAsync(browser);
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent(FormKey(FollowPosted.Document)), "formId" },
        };
        for (var i = 1; i <= 6; i++)
        {
            form.Add(new ByteArrayContent(Encoding.ASCII.GetBytes($"document {i}")), "documents", $"note-{i}.txt");
        }

        using var response = await browser.Http.PostAsync("/follow/documents", form);
        var html = await response.Content.ReadAsStringAsync();

        // The first file went to Intake, which does not answer here: the others were read past, not uploaded.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("We could not do this right now.", html);
        Assert.Contains("You can attach at most 5 files at a time.", html);
        Assert.Contains("Please choose your documents again.", html);
    }

    [Fact]
    public async Task PostAnswer_BodyPastKestrelsDefaultLimit_ReadToTheEndNotRefusedAsTooLarge()
    {
        using var browser = NewBrowser();
        OpenSession(browser);
        var token = await AntiforgeryTokenAsync(browser);
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent(FormKey(FollowPosted.Answer)), "formId" },
            { new StringContent("three large documents"), "text" },
        };
        // 33 MiB in all, past Kestrel's default 30 MB: five documents of 10 MiB must fit.
        for (var i = 1; i <= 3; i++)
        {
            form.Add(new ByteArrayContent(new byte[11 * 1024 * 1024]), "documents", $"scan-{i}.pdf");
        }

        using var response = await browser.Http.PostAsync("/follow/answer", form);
        var html = await response.Content.ReadAsStringAsync();

        // Intake does not answer here: the first upload fails, the rest is read through, and the form comes back.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("We could not do this right now.", html);
    }

    private string FormKey(string form) => FollowEndpoints.IssueFormKey(_host.Web.Services.GetRequiredService<FormIds>(), Reference, form);

    [Fact]
    public async Task PostAnswer_KeyOfTheAddDocumentsForm_RefusedAsAnotherForm()
    {
        using var browser = NewBrowser();
        OpenSession(browser);
        var token = await AntiforgeryTokenAsync(browser);
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent(FormKey(FollowPosted.Document)), "formId" },
            { new StringContent("my answer"), "text" },
        };

        using var response = await browser.Http.PostAsync("/follow/answer", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("This form has expired or did not come from this page", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PostAnswer_WithoutSession_SentToTheFollowPage()
    {
        using var browser = NewBrowser();
        var token = await AntiforgeryTokenAsync(browser);
        using var form = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" }, { new StringContent("my answer"), "text" } };

        using var response = await browser.Http.PostAsync("/follow/answer", form);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/follow?done=session-ended", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task GetEvents_MoreStreamsThanTheCap_TooManyRequestsForThatSessionOnly()
    {
        using var browser = NewBrowser();
        OpenSession(browser);
        var open = new List<HttpResponseMessage>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var stream = await browser.Http.GetAsync("/follow/events", HttpCompletionOption.ResponseHeadersRead);
                open.Add(stream);
                Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
                Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
            }

            using var refused = await browser.Http.GetAsync("/follow/events", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);

            using var otherBrowser = NewBrowser();
            OpenSession(otherBrowser);
            using var others = await otherBrowser.Http.GetAsync("/follow/events", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, others.StatusCode);

            // A closed tab gives its place back.
            open[0].Dispose();
            open.RemoveAt(0);
            var reopened = await Eventually.Get(async () => await browser.Http.GetAsync("/follow/events", HttpCompletionOption.ResponseHeadersRead),
                r => r.StatusCode == HttpStatusCode.OK, "a stream accepted after one closed", TimeSpan.FromSeconds(10), r => r.StatusCode.ToString());
            open.Add(reopened);
        }
        finally
        {
            open.ForEach(r => r.Dispose());
        }
    }

    [Fact]
    public async Task GetEvents_SessionExpiresWhileWatching_StreamEndsWithExpired()
    {
        using var browser = NewBrowser();
        OpenSession(browser, DateTimeOffset.UtcNow - FollowSession.Lifetime + TimeSpan.FromSeconds(3));

        using var response = await browser.Http.GetAsync("/follow/events", HttpCompletionOption.ResponseHeadersRead);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var events = await response.Content.ReadAsStringAsync(timeout.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("retry: ", events);
        Assert.Contains(": still here", events);
        Assert.Contains("event: expired", events);
        Assert.DoesNotContain(Token, events);
    }

    [Theory]
    [InlineData("+82 10-1234-5678", "+821012345678")]
    [InlineData("(+44) 7700 900123", "+447700900123")]
    [InlineData("0044 7700 900123", "+447700900123")]
    [InlineData("010-1234-5678", null)]
    [InlineData("+0 123 4567", null)]
    [InlineData("+82 10 12ab 5678", null)]
    public void LostContactPhone_TypedNumber_E164OrNothing(string typed, string? expected) =>
        Assert.Equal(expected, LostContact.Phone(typed));

    [Theory]
    [InlineData("", "mina@example.com", "Enter the reference.")]
    [InlineData("CMP-TEST-0001", "", "Enter the email address or phone number you gave us.")]
    [InlineData("CMP-TEST-0001", "010-1234-5678", "Enter the phone number with its country code")]
    [InlineData("CMP-TEST-0001", "mina@", "Enter the email address as name@example.com.")]
    public async Task PostLost_MissingOrMalformedDetails_FormAgainWithTheErrorAndNothingAsked(string reference, string contact, string error)
    {
        using var browser = NewBrowser();
        var token = await AntiforgeryTokenAsync(browser);

        using var response = await browser.Http.PostAsync("/follow/lost", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["reference"] = reference,
            ["contact"] = contact,
        }));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(error, html);
        Assert.Contains("name=\"contact\"", html);
        Assert.DoesNotContain("id=\"lost-sent\"", html);
    }

    [Fact]
    public async Task PostLost_WithoutAntiforgeryToken_Refused()
    {
        using var browser = NewBrowser();

        using var response = await browser.Http.PostAsync("/follow/lost", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["reference"] = Reference,
            ["contact"] = "mina@example.com",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("This form has expired or did not come from this page", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void FollowTexts_EveryLanguage_HasExactlyTheEnglishKeys()
    {
        var folder = Path.Combine(Launcher.RepositoryLocator.FindRoot(), "services", "Web", "Resources");
        var english = Keys(Path.Combine(folder, "FollowTexts.resx"));
        foreach (var language in new[] { "ko", "bg" })
        {
            var translated = Keys(Path.Combine(folder, $"FollowTexts.{language}.resx"));
            Assert.True(english.SetEquals(translated),
                $"{language}: missing {string.Join(", ", english.Except(translated))}; extra {string.Join(", ", translated.Except(english))}");
        }
    }

    private static HashSet<string> Keys(string path) =>
        XDocument.Load(path).Root!.Elements("data").Select(d => (string)d.Attribute("name")!).ToHashSet();
}
