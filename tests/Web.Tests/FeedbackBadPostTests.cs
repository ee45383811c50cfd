using System.Net;

namespace Complaints.Web.Tests;

/// <summary>
/// Posts a browser would never send (no fields, no antiforgery token, a token from nowhere) to the feedback pages: a
/// clear 400 page, never a 500, and nothing sent on.
/// </summary>
public sealed class FeedbackBadPostTests(SuggestionPageTests.Host host) : IClassFixture<SuggestionPageTests.Host>
{
    public static TheoryData<string, string> Posts()
    {
        var data = new TheoryData<string, string>();
        foreach (var path in new[] { "/suggestions", "/suggestions/view", "/preferences" })
        {
            data.Add(path, "no fields");
            data.Add(path, "bad token");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Posts))]
    public async Task Post_FormABrowserWouldNotSend_BadRequestPageNotAServerError(string path, string what)
    {
        using var http = host.Feedback.Web.Browser();
        var fields = what == "no fields"
            ? new Dictionary<string, string>()
            : new Dictionary<string, string> { ["__RequestVerificationToken"] = "not-a-token", ["unknown"] = "x" };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("Accept-Language", "bg");

        using var response = await http.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {html[..Math.Min(html.Length, 3000)]}");
        Assert.Contains("lang=\"bg\"", html);
    }
}
