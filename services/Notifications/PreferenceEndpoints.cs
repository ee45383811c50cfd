using System.Net;
using Complaints.Notifications.Domain;
using Complaints.ServiceDefaults.Errors;

namespace Complaints.Notifications;

/// <summary>
/// The complainant's public endpoints, reached by the link in every non-statutory message (no login: the link's
/// token is the proof). GET shows a confirmation page (mail scanners follow GETs, so a GET changes nothing);
/// POST unsubscribes (RFC 8058 one-click, or the page's button); PUT sets channels in JSON.
/// </summary>
public static class PreferenceEndpoints
{
    public const string UnsubscribePath = "/api/v1/notifications/unsubscribe";
    public const string PreferencesPath = "/api/v1/notifications/preferences";

    public static void MapPreferenceEndpoints(this WebApplication app)
    {
        app.MapGet(UnsubscribePath, (string? token, LinkTokens tokens) =>
            tokens.Verify(token) is null
                ? Results.Content(Page("This link is not valid."), "text/html; charset=utf-8", statusCode: 400)
                : Results.Content(Page(
                    "Stop updates about this complaint? We will still send what we must by law (the acknowledgement, requests for information, a holding reply and the final response).",
                    $"<form method=\"post\" action=\"{UnsubscribePath}?token={WebUtility.HtmlEncode(token)}\"><button type=\"submit\">Unsubscribe</button></form>"),
                    "text/html; charset=utf-8")).AllowAnonymous();

        app.MapPost(UnsubscribePath, async (string? token, Preferences preferences, CancellationToken ct) =>
        {
            try
            {
                await preferences.ChangeAsync(new PreferenceChange(token, null, null, null, OptedOut: true), ct);
            }
            catch (ValidationException)
            {
                return Results.Content(Page("This link is not valid."), "text/html; charset=utf-8", statusCode: 400);
            }
            return Results.Content(Page("You will no longer receive updates about this complaint."), "text/html; charset=utf-8");
        }).AllowAnonymous().DisableAntiforgery();

        app.MapPut(PreferencesPath, async (PreferenceChange change, Preferences preferences, CancellationToken ct) =>
        {
            try
            {
                var p = await preferences.ChangeAsync(change, ct);
                return Results.Ok(new { email = p.Email, sms = p.Sms, push = p.Push, optedOut = p.OptedOut });
            }
            catch (ValidationException ex)
            {
                return Results.ValidationProblem(ex.Violations.GroupBy(v => v.Field).ToDictionary(g => g.Key, g => g.Select(v => v.Description).ToArray()));
            }
        }).AllowAnonymous();
    }

    private static string Page(string text, string form = "") =>
        $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Notifications</title></head><body><p>{WebUtility.HtmlEncode(text)}</p>{form}</body></html>";
}
