using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Complaints.Insights.V1;
using Complaints.Intake.V1;
using Grpc.Core;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;

namespace Complaints.Web.Portal.Feedback;

/// <summary>The suggestion as posted; <see cref="FormId"/> is the form instance's random id (a resubmission's key).</summary>
public sealed class SuggestionForm
{
    public string? Topic { get; set; }
    public string? Text { get; set; }
    public string? Origin { get; set; }
    public string? Kind { get; set; }
    /// <summary>Optional: where to hear back. Sent to Intake only (RegisterSuggestionContact); Insights gets an opaque id.</summary>
    public string? Email { get; set; }
    public string? FormId { get; set; }
}

public sealed class SuggestionPageState : FeedbackForm
{
    public SuggestionForm Form { get; init; } = new() { Origin = SuggestionFlow.Box, Kind = SuggestionFlow.Anonymous, FormId = SuggestionFlow.NewFormId() };
}

/// <summary>What the submitter must keep: shown once, after the redirect, from a short-lived encrypted cookie.</summary>
public sealed record SuggestionReceipt(string Reference, string AccessCode);

public sealed class SuggestionSubmittedState : FeedbackForm
{
    public required SuggestionReceipt Receipt { get; init; }
}

/// <summary>The look-up as posted: never in a URL.</summary>
public sealed class SuggestionLookupForm
{
    public string? Reference { get; set; }
    public string? AccessCode { get; set; }
}

public sealed class SuggestionViewState : FeedbackForm
{
    public SuggestionLookupForm Form { get; init; } = new();
    public ViewSuggestionResponse? Suggestion { get; init; }
}

/// <summary>
/// The suggestion box (<c>/suggestions</c>): a suggestion or town-hall input goes to Insights' <c>SubmitSuggestion</c>,
/// which answers with a reference and a secret access code; the next page shows both (carried over the redirect in an
/// encrypted, HttpOnly cookie, never in a URL). <c>/suggestions/view</c> takes both by POST and shows the suggestion
/// with the organisation's response once there is one. An email to hear back goes first to Intake's
/// <c>RegisterSuggestionContact</c>, which keeps it encrypted and answers with an opaque contact id for Insights (decision 19).
/// </summary>
public static class SuggestionFlow
{
    public const string Topic = "topic";
    public const string Text = "text";
    public const string Origin = "origin";
    public const string Kind = "kind";
    public const string Email = "email";
    public const string Reference = "reference";
    public const string AccessCode = "accessCode";

    public const string Box = "suggestion_box";
    public const string TownHall = "town_hall";
    public const string Anonymous = "anonymous";
    public const string Member = "member";
    public const string Customer = "customer";

    public static readonly IReadOnlyList<string> Origins = [Box, TownHall];
    public static readonly IReadOnlyList<string> Kinds = [Anonymous, Member, Customer];

    /// <summary>Insights' limits.</summary>
    public const int MinTopic = 2, MaxTopic = 100, MinText = 5, MaxText = 4000;

    /// <summary>Intake's limit for an address (RFC 5321).</summary>
    public const int MaxEmail = 254;

    public const string ReceiptCookie = "portal_suggestion";

    /// <summary>Long enough to read, copy or print the code; short, so a shared computer does not keep showing it.</summary>
    public static readonly TimeSpan ReceiptLifetime = TimeSpan.FromMinutes(15);

    private static readonly string[] Fields = [Topic, Text, Origin, Kind, Email];

    public static IEndpointRouteBuilder MapSuggestions(this IEndpointRouteBuilder endpoints)
    {
        // Before the components' own endpoints for these pages, which would render them without their data.
        endpoints.MapGet("/suggestions", (HttpContext context) => FeedbackPages.Render(context, new SuggestionPageState())).WithOrder(-1);
        endpoints.MapPost("/suggestions", SubmitAsync).WithOrder(-1).DisableAntiforgery();
        endpoints.MapGet("/suggestions/submitted", (HttpContext context, IDataProtectionProvider protection) =>
            ReadReceipt(context, protection) is { } receipt
                ? FeedbackPages.Render(context, new SuggestionSubmittedState { Receipt = receipt })
                : Results.Redirect("/suggestions/view")).WithOrder(-1);
        // A message's link names the reference (never the code): the form starts with it filled in.
        endpoints.MapGet("/suggestions/view", (HttpContext context, [FromQuery] string? reference) => FeedbackPages.Render(context,
            new SuggestionViewState { Form = new SuggestionLookupForm { Reference = ReferenceShaped(reference) } })).WithOrder(-1);
        endpoints.MapPost("/suggestions/view", ViewAsync).WithOrder(-1).DisableAntiforgery();
        return endpoints;
    }

    public static string NewFormId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    private static async Task<IResult> SubmitAsync([FromForm] SuggestionForm? form, HttpContext context, SuggestionService.SuggestionServiceClient insights,
        IntakeService.IntakeServiceClient intake, IDataProtectionProvider protection, CancellationToken ct)
    {
        // Binding gives no form at all when none of its fields was posted: an empty one, then the usual checks.
        form ??= new SuggestionForm();
        if (form.FormId is not { Length: 32 } || !form.FormId.All(char.IsAsciiHexDigit))
        {
            // A form from elsewhere (or tampered with): a fresh id, so this one at least cannot be sent twice.
            form.FormId = NewFormId();
        }
        var state = new SuggestionPageState { Form = form };
        if (!await FeedbackPages.AntiforgeryValidAsync(context))
        {
            state.GeneralError = "FormExpired";
            return FeedbackPages.Render(context, state, StatusCodes.Status400BadRequest);
        }
        var topic = Clean(form.Topic);
        var text = Clean(form.Text);
        CheckText(state, Topic, topic, MinTopic, MaxTopic, allowNewlines: false);
        CheckText(state, Text, text, MinText, MaxText, allowNewlines: true);
        if (!Origins.Contains(form.Origin ?? string.Empty))
        {
            state.AddError(Origin, "Error_origin_Required", FeedbackForm.OptionId(Origin, Box));
        }
        if (!Kinds.Contains(form.Kind ?? string.Empty))
        {
            state.AddError(Kind, "Error_kind_Required", FeedbackForm.OptionId(Kind, Anonymous));
        }
        var email = Clean(form.Email);
        if (email.Length > 0 && (email.Length > MaxEmail || !LooksLikeEmail(email)))
        {
            state.AddError(Email, "Error_email_Invalid");
        }
        if (state.HasErrors)
        {
            state.Order(Fields);
            return FeedbackPages.Render(context, state, StatusCodes.Status400BadRequest);
        }

        SubmitSuggestionResponse submitted;
        try
        {
            // The address to Intake only; Insights gets the opaque id. The form's id makes a retry the same contact.
            var contactId = email.Length == 0 ? string.Empty : (await intake.RegisterSuggestionContactAsync(new RegisterSuggestionContactRequest
            {
                Email = email,
                Language = PortalCultures.Current,
                IdempotencyKey = form.FormId,
            }, deadline: FeedbackPages.Deadline, cancellationToken: ct)).ContactId;
            submitted = await insights.SubmitSuggestionAsync(new SubmitSuggestionRequest
            {
                Topic = topic,
                Text = text,
                Origin = form.Origin == TownHall ? SuggestionOrigin.TownHall : SuggestionOrigin.SuggestionBox,
                SubmitterKind = form.Kind switch { Member => SubmitterKind.Member, Customer => SubmitterKind.Customer, _ => SubmitterKind.Anonymous },
                Language = PortalCultures.Current,
                // The same form sent again (a double click, a reload, the back button) is the same suggestion.
                IdempotencyKey = form.FormId,
                ContactId = contactId,
            }, deadline: FeedbackPages.Deadline, cancellationToken: ct);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument && FeedbackPages.Violations(e).Count > 0)
        {
            foreach (var violation in FeedbackPages.Violations(e))
            {
                if (violation.Field == Email)
                {
                    state.AddError(Email, "Error_email_Invalid");
                }
                else if (violation.Field is Topic or Text)
                {
                    state.AddError(violation.Field, $"Error_{violation.Field}_Length", null,
                        violation.Field == Topic ? MinTopic : MinText, violation.Field == Topic ? MaxTopic : MaxText);
                }
                else
                {
                    state.GeneralError = "SuggestionNotAccepted";
                }
            }
            state.Order(Fields);
            return FeedbackPages.Render(context, state, StatusCodes.Status400BadRequest);
        }
        catch (RpcException e) when (FeedbackPages.IsUnavailable(e))
        {
            state.GeneralError = "SuggestionUnavailable";
            return FeedbackPages.Render(context, state, StatusCodes.Status503ServiceUnavailable);
        }
        WriteReceipt(context, protection, new SuggestionReceipt(submitted.Reference, submitted.AccessCode));
        // Post/redirect/get: the code travels in the encrypted cookie, never in the address.
        return Results.Redirect("/suggestions/submitted");
    }

    private static async Task<IResult> ViewAsync([FromForm] SuggestionLookupForm? form, HttpContext context, SuggestionService.SuggestionServiceClient insights,
        CancellationToken ct)
    {
        // Binding gives no form at all when none of its fields was posted: an empty one, then the usual checks.
        form ??= new SuggestionLookupForm();
        var state = new SuggestionViewState { Form = form };
        if (!await FeedbackPages.AntiforgeryValidAsync(context))
        {
            state.GeneralError = "FormExpired";
            return FeedbackPages.Render(context, state, StatusCodes.Status400BadRequest);
        }
        if (string.IsNullOrWhiteSpace(form.Reference))
        {
            state.AddError(Reference, "Error_reference_Required");
        }
        if (string.IsNullOrWhiteSpace(form.AccessCode))
        {
            state.AddError(AccessCode, "Error_accessCode_Required");
        }
        if (state.HasErrors)
        {
            return FeedbackPages.Render(context, state, StatusCodes.Status400BadRequest);
        }
        try
        {
            var suggestion = await insights.ViewSuggestionAsync(new ViewSuggestionRequest { Reference = form.Reference!.Trim(), AccessCode = form.AccessCode!.Trim() },
                deadline: FeedbackPages.Deadline, cancellationToken: ct);
            // The code is not written back into the page once it has done its work.
            return FeedbackPages.Render(context, new SuggestionViewState { Form = new SuggestionLookupForm { Reference = suggestion.Reference }, Suggestion = suggestion });
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.NotFound or StatusCode.InvalidArgument)
        {
            state.GeneralError = "ViewNotFound";
            return FeedbackPages.Render(context, state, StatusCodes.Status404NotFound);
        }
        catch (RpcException e) when (FeedbackPages.IsUnavailable(e))
        {
            state.GeneralError = "ViewUnavailable";
            return FeedbackPages.Render(context, state, StatusCodes.Status503ServiceUnavailable);
        }
    }

    /// <summary>One @, something either side, a dot in the domain, no spaces: Intake checks the rest (and says so by field).</summary>
    private static bool LooksLikeEmail(string value) =>
        value.IndexOf('@') is var at and > 0 && at == value.LastIndexOf('@') && at < value.Length - 1
        && value[(at + 1)..].Contains('.') && !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));

    /// <summary>A reference from a link, kept only when it has a reference's characters (it is written back into the form).</summary>
    private static string? ReferenceShaped(string? reference) =>
        reference is { Length: > 0 and <= 20 } r && r.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') ? r : null;

    private static string Clean(string? value) => (value ?? string.Empty).Normalize(NormalizationForm.FormC).Trim();

    private static void CheckText(FeedbackForm state, string field, string value, int min, int max, bool allowNewlines)
    {
        var length = new StringInfo(value).LengthInTextElements;
        if (length == 0)
        {
            state.AddError(field, $"Error_{field}_Required");
        }
        else if (length < min || length > max)
        {
            state.AddError(field, $"Error_{field}_Length", null, min, max);
        }
        else if (value.Any(c => char.IsControl(c) && !(allowNewlines && c is '\n' or '\r' or '\t')))
        {
            state.AddError(field, "Error_Characters");
        }
    }

    private static ITimeLimitedDataProtector Protector(IDataProtectionProvider protection) =>
        protection.CreateProtector("Complaints.Web.SuggestionReceipt.v1").ToTimeLimitedDataProtector();

    private static void WriteReceipt(HttpContext context, IDataProtectionProvider protection, SuggestionReceipt receipt) =>
        context.Response.Cookies.Append(ReceiptCookie,
            Protector(protection).Protect(JsonSerializer.Serialize(receipt), ReceiptLifetime),
            new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = context.Request.IsHttps,
                IsEssential = true,
                Path = "/suggestions",
                MaxAge = ReceiptLifetime,
            });

    private static SuggestionReceipt? ReadReceipt(HttpContext context, IDataProtectionProvider protection)
    {
        if (!context.Request.Cookies.TryGetValue(ReceiptCookie, out var value) || string.IsNullOrEmpty(value))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<SuggestionReceipt>(Protector(protection).Unprotect(value));
        }
        catch (Exception e) when (e is CryptographicException or JsonException)
        {
            return null;
        }
    }
}
