using Complaints.Common.V1;
using Complaints.Notifications.V1;
using Grpc.Core;
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
    public ComplaintPreferences? Preferences { get; init; }

    /// <summary>The FeedbackTexts key of what was just done (saved, unsubscribed, resubscribed).</summary>
    public string? Done { get; init; }
}

/// <summary>
/// The message preferences behind the link in every message that may be stopped, <c>/preferences?token=...</c>,
/// over Notifications' public <c>PreferenceService</c>: stop the messages about the complaint that are not owed, take
/// them back, choose the channels, and see which messages are sent. The page is in the language of the complaint's
/// latest message unless the reader switched. GET only reads (mail scanners follow links); every change is a POST with
/// the token in the form's body. The token is the link's only credential, checked by Notifications.
/// </summary>
public static class PreferenceFlow
{
    public const string Unsubscribe = "unsubscribe";
    public const string Resubscribe = "resubscribe";
    public const string Channels = "channels";

    /// <summary>A link token is a few dozen characters; anything much longer is not one.</summary>
    private const int MaxToken = 200;

    /// <summary>The messages a complainant may get, in the order the page lists them (others are not listed).</summary>
    public static readonly IReadOnlyList<MessageKind> Listed =
    [
        MessageKind.Acknowledgement, MessageKind.InformationRequest, MessageKind.HoldingReply, MessageKind.FinalResponse,
        MessageKind.Assignment, MessageKind.PublicUpdate, MessageKind.CaseClosed, MessageKind.Reopened, MessageKind.SurveyInvitation,
    ];

    public static IEndpointRouteBuilder MapPreferences(this IEndpointRouteBuilder endpoints)
    {
        // Before the component's own endpoint for the page, which would render it without its data.
        endpoints.MapGet("/preferences", ShowAsync).WithOrder(-1);
        endpoints.MapPost("/preferences", ChangeAsync).WithOrder(-1).DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> ShowAsync(string? token, HttpContext context, PreferenceService.PreferenceServiceClient notifications, CancellationToken ct)
    {
        if (token is not { Length: > 0 and <= MaxToken })
        {
            return Invalid(context);
        }
        try
        {
            var preferences = (await notifications.GetPreferencesAsync(new GetPreferencesRequest { Token = token }, deadline: FeedbackPages.Deadline, cancellationToken: ct)).Preferences;
            return Page(context, new PreferencePageState { Token = token, Preferences = preferences });
        }
        catch (RpcException e)
        {
            return Refused(context, e);
        }
    }

    private static async Task<IResult> ChangeAsync([FromForm] PreferenceForm? form, HttpContext context, PreferenceService.PreferenceServiceClient notifications,
        CancellationToken ct)
    {
        // Binding gives no form at all when none of its fields was posted: an empty one, then the usual checks.
        form ??= new PreferenceForm();
        if (form.Token is not { Length: > 0 and <= MaxToken } token)
        {
            return Invalid(context);
        }
        var deadline = FeedbackPages.Deadline;
        try
        {
            if (!await FeedbackPages.AntiforgeryValidAsync(context))
            {
                var current = (await notifications.GetPreferencesAsync(new GetPreferencesRequest { Token = token }, deadline: deadline, cancellationToken: ct)).Preferences;
                return Page(context, new PreferencePageState { Token = token, Preferences = current, GeneralError = "FormExpired" }, StatusCodes.Status400BadRequest);
            }
            var (preferences, done) = form.Change switch
            {
                Unsubscribe => ((await notifications.UnsubscribeAsync(new UnsubscribeRequest { Token = token }, deadline: deadline, cancellationToken: ct)).Preferences,
                    "UnsubscribedTitle"),
                Resubscribe => ((await notifications.SetPreferencesAsync(new SetPreferencesRequest { Token = token, Unsubscribed = false }, deadline: deadline, cancellationToken: ct)).Preferences,
                    "ResubscribedText"),
                // Unticked boxes are not posted: absent means off.
                _ => ((await notifications.SetPreferencesAsync(new SetPreferencesRequest { Token = token, Email = On(form.Email), Sms = On(form.Sms), Push = On(form.Push) },
                    deadline: deadline, cancellationToken: ct)).Preferences, "ChannelsSaved"),
            };
            // The page again, with what changed said at the top; the token stays out of any new address.
            return Page(context, new PreferencePageState { Token = token, Preferences = preferences, Done = done });
        }
        catch (RpcException e)
        {
            return Refused(context, e);
        }
    }

    private static bool On(string? box) => box is "on" or "true";

    private static IResult Page(HttpContext context, PreferencePageState state, int status = StatusCodes.Status200OK) =>
        FeedbackPages.Render(context, state, status, FeedbackPages.Language(context, state.Preferences?.Language));

    /// <summary>A token Notifications does not accept (InvalidArgument) or whose complaint it does not know (NotFound): the link does not work.</summary>
    private static IResult Refused(HttpContext context, RpcException error) =>
        error.StatusCode is StatusCode.InvalidArgument or StatusCode.NotFound ? Invalid(context)
        : FeedbackPages.Render(context, new PreferencePageState { Page = PreferencePage.Unavailable }, StatusCodes.Status503ServiceUnavailable);

    private static IResult Invalid(HttpContext context) =>
        FeedbackPages.Render(context, new PreferencePageState { Page = PreferencePage.InvalidLink }, StatusCodes.Status400BadRequest);
}
