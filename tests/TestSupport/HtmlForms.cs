using System.Net;
using System.Text.RegularExpressions;

namespace Complaints.TestSupport;

/// <summary>What a browser reads off Identity's server-rendered pages: a form's hidden fields, the authenticator key, the next link.</summary>
public static partial class HtmlForms
{
    /// <summary>The form's hidden inputs (antiforgery token, return address), decoded.</summary>
    public static Dictionary<string, string> HiddenFields(string html) =>
        HiddenInput().Matches(html).ToDictionary(m => m.Groups["name"].Value, m => WebUtility.HtmlDecode(m.Groups["value"].Value));

    /// <summary>The base32 key the second-factor set-up page shows.</summary>
    public static string AuthenticatorKey(string html) => KeyCode().Match(html).Groups["key"].Value;

    /// <summary>The first link's address, decoded (the recovery codes page's "Continue").</summary>
    public static string FirstLink(string html) => WebUtility.HtmlDecode(ContinueLink().Match(html).Groups["href"].Value);

    [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*name=\"(?<name>[^\"]+)\"[^>]*value=\"(?<value>[^\"]*)\"|<input[^>]*name=\"(?<name>[^\"]+)\"[^>]*type=\"hidden\"[^>]*value=\"(?<value>[^\"]*)\"")]
    private static partial Regex HiddenInput();

    [GeneratedRegex("<code id=\"key\">(?<key>[A-Z2-7]+)</code>")]
    private static partial Regex KeyCode();

    [GeneratedRegex("<a href=\"(?<href>[^\"]+)\">")]
    private static partial Regex ContinueLink();
}
