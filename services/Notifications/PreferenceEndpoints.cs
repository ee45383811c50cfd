using Complaints.Notifications.Domain;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Errors;
using Microsoft.Extensions.Options;

namespace Complaints.Notifications;

/// <summary>
/// The complainant's HTTP endpoints (no login: the link's token is the proof). The pages are the web portal's
/// (<c>{PublicBaseUrl}/preferences?token=...</c>, over <c>PreferenceService</c>); what stays here is what mail clients
/// and earlier messages need: POST unsubscribes (RFC 8058 one-click, the List-Unsubscribe address); GET, the link of
/// messages sent before the portal, sends the browser to the portal's page and changes nothing (mail scanners follow
/// GETs); PUT sets channels in JSON.
/// </summary>
public static class PreferenceEndpoints
{
    public const string UnsubscribePath = Preferences.UnsubscribePath;
    public const string PreferencesPath = "/api/v1/notifications/preferences";

    public static void MapPreferenceEndpoints(this WebApplication app)
    {
        app.MapGet(UnsubscribePath, (string? token, LinkTokens tokens, IOptions<NotificationOptions> options) =>
            tokens.Verify(token) is null
                ? Results.Text("This link is not valid.", statusCode: 400)
                : Results.Redirect(PortalLinks.Preferences(options.Value.PublicBaseUrl, token!))).AllowAnonymous();

        app.MapPost(UnsubscribePath, async (string? token, Preferences preferences, CancellationToken ct) =>
        {
            try
            {
                await preferences.ChangeAsync(new PreferenceChange(token, null, null, null, OptedOut: true), ct);
            }
            catch (ValidationException)
            {
                return Results.Text("This link is not valid.", statusCode: 400);
            }
            return Results.Text("You will no longer receive updates about this complaint.");
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
}
