namespace Complaints.ServiceDefaults;

/// <summary>
/// The complainant portal's addresses that services put in messages and answers, built in one place so they match the
/// pages the web app serves (a test in Web.Tests checks each path against its routes).
/// </summary>
public static class PortalLinks
{
    public const string FollowPath = "/follow";
    public const string PreferencesPath = "/preferences";
    public const string SurveysPath = "/surveys";
    public const string SuggestionViewPath = "/suggestions/view";

    /// <summary>The follow page for a complaint: the reference only, never the tracking token.</summary>
    public static string Follow(string baseUrl, string reference) => $"{Root(baseUrl)}{FollowPath}?reference={Uri.EscapeDataString(reference)}";

    public static string Preferences(string baseUrl, string token) => $"{Root(baseUrl)}{PreferencesPath}?token={Uri.EscapeDataString(token)}";

    public static string Survey(string baseUrl, string token) => $"{Root(baseUrl)}{SurveysPath}/{Uri.EscapeDataString(token)}";

    /// <summary>The suggestion look-up, its reference filled in: the submitter gives the access code there, never in a message.</summary>
    public static string SuggestionView(string baseUrl, string reference = "") =>
        Root(baseUrl) + SuggestionViewPath + (reference.Length > 0 ? $"?reference={Uri.EscapeDataString(reference)}" : "");

    private static string Root(string baseUrl) => baseUrl.TrimEnd('/');
}
