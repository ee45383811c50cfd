using Microsoft.AspNetCore.Mvc;

namespace Complaints.Web.Portal.Feedback;

/// <summary>What the preference page shows.</summary>
public enum PreferencePage
{
    Form,
    InvalidLink,
    Unavailable,
}

/// <summary>The preference form as posted: the link's token (a hidden field, never a new URL), what to do, the channels.</summary>
public sealed class PreferenceForm
{
    public string? Token { get; set; }
    public string? Change { get; set; }
    public string? Email { get; set; }
    public string? Sms { get; set; }
    public string? Push { get; set; }
}

public sealed class PreferencePageState : FeedbackForm
{
    public PreferencePage Page { get; init; }
    public string Token { get; init; } = string.Empty;
    public MessagePreferenceValues? Values { get; init; }

    /// <summary>The FeedbackTexts key of what was just done (saved, unsubscribed, resubscribed).</summary>
    public string? Done { get; init; }
}

/// <summary>
/// The message preferences behind the link in every non-statutory message, <c>/preferences?token=...</c>: stop
/// updates about the complaint (what the law requires is still sent), start them again, or choose the channels. GET
/// only reads (mail scanners follow links); every change is a POST with the token in the form's body. The token is the
/// link's only credential, checked by Notifications.
/// </summary>
public static class PreferenceFlow
{
    public const string Unsubscribe = "unsubscribe";
    public const string Resubscribe = "resubscribe";
    public const string Channels = "channels";

    /// <summary>A link token is a few dozen characters; anything much longer is not one.</summary>
    private const int MaxToken = 200;

    public static IEndpointRouteBuilder MapPreferences(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/preferences", ShowAsync).WithOrder(-1);
        endpoints.MapPost("/preferences", ChangeAsync).WithOrder(-1).DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> ShowAsync(string? token, HttpContext context, IMessagePreferences preferences, CancellationToken ct)
    {
        if (token is not { Length: > 0 and <= MaxToken })
        {
            return Invalid(context);
        }
        try
        {
            return FeedbackPages.Render(context, new PreferencePageState { Token = token, Values = await preferences.GetAsync(token, ct) });
        }
        catch (InvalidPreferenceLinkException)
        {
            return Invalid(context);
        }
        catch (PreferencesUnavailableException)
        {
            return Unavailable(context);
        }
    }

    private static async Task<IResult> ChangeAsync([FromForm] PreferenceForm form, HttpContext context, IMessagePreferences preferences, CancellationToken ct)
    {
        if (form.Token is not { Length: > 0 and <= MaxToken } token)
        {
            return Invalid(context);
        }
        try
        {
            if (!await FeedbackPages.AntiforgeryValidAsync(context))
            {
                return FeedbackPages.Render(context, new PreferencePageState { Token = token, Values = await preferences.GetAsync(token, ct), GeneralError = "FormExpired" },
                    StatusCodes.Status400BadRequest);
            }
            var (values, done) = form.Change switch
            {
                Unsubscribe => (await preferences.ChangeAsync(token, null, null, null, optedOut: true, ct), "UnsubscribedTitle"),
                Resubscribe => (await preferences.ChangeAsync(token, null, null, null, optedOut: false, ct), "ResubscribedText"),
                // Unticked boxes are not posted: absent means off.
                _ => (await preferences.ChangeAsync(token, On(form.Email), On(form.Sms), On(form.Push), null, ct), "ChannelsSaved"),
            };
            // The page again, with what changed said at the top; the token stays out of any new address.
            return FeedbackPages.Render(context, new PreferencePageState { Token = token, Values = values, Done = done });
        }
        catch (InvalidPreferenceLinkException)
        {
            return Invalid(context);
        }
        catch (PreferencesUnavailableException)
        {
            return Unavailable(context);
        }
    }

    private static bool On(string? box) => box is "on" or "true";

    private static IResult Invalid(HttpContext context) =>
        FeedbackPages.Render(context, new PreferencePageState { Page = PreferencePage.InvalidLink }, StatusCodes.Status400BadRequest);

    private static IResult Unavailable(HttpContext context) =>
        FeedbackPages.Render(context, new PreferencePageState { Page = PreferencePage.Unavailable }, StatusCodes.Status503ServiceUnavailable);
}
