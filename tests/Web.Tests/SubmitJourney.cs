extern alias intake;

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Auth;

namespace Complaints.Web.Tests;

/// <summary>The web app on Kestrel in front of the real Intake on Kestrel (h2c), as in a deployment but in one process.</summary>
public sealed class SubmitHost : IDisposable
{
    public SubmitHost()
    {
        Intake = new ServiceOnKestrel<intake::Program>();
        Web = new WebHost(new Dictionary<string, string?> { ["Services:Intake"] = Intake.GrpcAddress });
    }

    public ServiceOnKestrel<intake::Program> Intake { get; }

    public WebHost Web { get; }

    /// <summary>The complaints Intake holds for an email address, as an administrator finds them.</summary>
    public async Task<IReadOnlyList<ComplaintSummary>> ComplaintsOfAsync(string email)
    {
        using var channel = Intake.SocketChannel(Intake.Token("web-tests-admin", Roles.Admin));
        var staff = new StaffIntakeService.StaffIntakeServiceClient(channel);
        return (await staff.SearchComplaintsAsync(new SearchComplaintsRequest { Email = email })).Complaints;
    }

    /// <summary>A complaint's contact data, as an administrator reads it.</summary>
    public async Task<GetComplaintContactResponse> ContactOfAsync(string reference)
    {
        using var channel = Intake.SocketChannel(Intake.Token("web-tests-admin", Roles.Admin));
        var staff = new StaffIntakeService.StaffIntakeServiceClient(channel);
        return await staff.GetComplaintContactAsync(new GetComplaintContactRequest { Reference = reference, Purpose = "check the web form's contact choice" });
    }

    public void Dispose()
    {
        Web.Dispose();
        Intake.Dispose();
    }
}

/// <summary>
/// A browser's part in the submit journey over plain HTTP: it reads the form's hidden fields (antiforgery token, form id)
/// and posts the fields as multipart in the page's order (token first, files last).
/// </summary>
public sealed partial class SubmitJourney(WebHost web, string language = "en") : IDisposable
{
    public HttpClient Browser { get; } = web.Browser();

    public string Language { get; } = language;

    /// <summary>The hidden fields of the last form read: the antiforgery token and the protected form id.</summary>
    public Dictionary<string, string> Hidden { get; private set; } = [];

    public string ProtectedFormId => Hidden["formId"];

    /// <summary>Fields a valid customer complaint needs, with a unique email to find it by.</summary>
    public static Dictionary<string, string> ValidFields(string email) => new()
    {
        ["kind"] = "customer",
        ["name"] = "Mina Park",
        ["email"] = email,
        ["phone"] = "",
        ["contactChannel"] = "email",
        ["language"] = "en",
        ["timeZone"] = "Europe/London",
        ["category"] = "billing",
        ["subcategory"] = "billing/double-charge",
        ["subject"] = "Charged twice",
        ["description"] = "My card was charged twice for order 1234.",
        ["remedy"] = "Refund the second charge",
        ["amount"] = "49.99",
        ["currency"] = "GBP",
        ["eventDate"] = "2026-11-02",
        ["consentContact"] = "on",
    };

    public static string UniqueEmail() => $"web-{Guid.NewGuid():N}@example.com";

    /// <summary>GET /submit; keeps its hidden fields for the next post.</summary>
    public async Task<string> OpenFormAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/submit");
        request.Headers.AcceptLanguage.ParseAdd(Language);
        using var response = await Browser.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Hidden = HtmlForms.HiddenFields(html);
        return html;
    }

    /// <summary>POST /submit: the antiforgery token, the form id, the fields, then the files.</summary>
    public async Task<HttpResponseMessage> PostAsync(IReadOnlyDictionary<string, string> fields, IEnumerable<(string Name, byte[] Content, string Type)>? files = null,
        string? antiforgeryToken = null, string? protectedFormId = null, bool withToken = true)
    {
        var content = new MultipartFormDataContent();
        if (withToken)
        {
            content.Add(new StringContent(antiforgeryToken ?? Hidden["__RequestVerificationToken"]), "__RequestVerificationToken");
        }
        content.Add(new StringContent(protectedFormId ?? ProtectedFormId), "formId");
        foreach (var (name, value) in fields)
        {
            content.Add(new StringContent(value, Encoding.UTF8), name);
        }
        foreach (var (name, bytes, type) in files ?? [])
        {
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = new MediaTypeHeaderValue(type);
            content.Add(file, "attachments", name);
        }
        var request = new HttpRequestMessage(HttpMethod.Post, "/submit?send=1") { Content = content };
        request.Headers.AcceptLanguage.ParseAdd(Language);
        return await Browser.SendAsync(request);
    }

    /// <summary>GET /submitted, the confirmation the post redirected to.</summary>
    public async Task<string> ConfirmationAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/submitted");
        request.Headers.AcceptLanguage.ParseAdd(Language);
        using var response = await Browser.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Posts and follows the redirect to the confirmation, asserting that it was one.</summary>
    public async Task<(string Reference, string Token, string Html)> SubmitAsync(IReadOnlyDictionary<string, string> fields,
        IEnumerable<(string Name, byte[] Content, string Type)>? files = null)
    {
        using var response = await PostAsync(fields, files);
        Assert.True(response.StatusCode == HttpStatusCode.SeeOther, $"expected 303, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("/submitted", response.Headers.Location?.OriginalString);
        var html = await ConfirmationAsync();
        return (Reference(html), Token(html), html);
    }

    public static string Reference(string html) => ReferencePattern().Match(html).Groups[1].Value;

    public static string Token(string html) => TokenPattern().Match(html).Groups[1].Value;

    public void Dispose() => Browser.Dispose();

    [GeneratedRegex("<dd class=\"token\" id=\"reference\">([^<]+)</dd>")]
    private static partial Regex ReferencePattern();

    [GeneratedRegex("<dd class=\"token\" id=\"token\">([^<]+)</dd>")]
    private static partial Regex TokenPattern();
}
