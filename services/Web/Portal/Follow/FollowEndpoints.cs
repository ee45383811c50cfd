using Complaints.Web.Components;
using Complaints.Web.Portal.Follow;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;

// In the portal's namespace, so PortalExtensions registers the follow pages with one line each.
namespace Complaints.Web.Portal;

/// <summary>
/// Following a complaint: the pages (Components/Pages/Follow) and these form posts, each of which either redirects to
/// the follow view (post/redirect/get) or renders the page again with the posted values and the errors. The tracking
/// token is read from the open form's body once, then only from the follow session's cookie: never from or into a URL.
/// </summary>
public static class FollowEndpoints
{
    /// <summary>Where the answer to a request for information posts (multipart, up to the documents' limit).</summary>
    public const string AnswerPath = "/follow/answer";

    /// <summary>Where "add documents" posts (multipart, up to the documents' limit).</summary>
    public const string DocumentsPath = "/follow/documents";

    public static WebApplicationBuilder AddFollow(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<FollowOptions>().BindConfiguration(FollowOptions.Section);
        builder.Services.AddSingleton<FollowWatches>();
        builder.Services.AddScoped<FollowIntake>();
        builder.Services.AddScoped<FollowWords>();
        return builder;
    }

    public static IEndpointRouteBuilder MapFollow(this IEndpointRouteBuilder endpoints)
    {
        var uploadLimit = endpoints.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<FollowOptions>>().Value.MaxUploadBodyBytes;
        // Order -1: ahead of the page components' own endpoints for the same paths (they accept POST too).
        endpoints.MapPost("/follow", OpenAsync).WithOrder(-1);
        endpoints.MapPost("/follow/sign-out", SignOutAsync).WithOrder(-1);
        // The two upload forms; the gateway raises its body limit for these paths (routes web-follow-answer and
        // web-follow-documents).
        endpoints.MapPost(AnswerPath, (HttpContext c, FollowWords w) => DocumentsAsync(c, w, FollowAction.Answer))
            .DisableAntiforgery().WithMetadata(new BodyLimit(uploadLimit)).WithOrder(-1);
        endpoints.MapPost(DocumentsPath, (HttpContext c, FollowWords w) => DocumentsAsync(c, w, FollowAction.AddDocument))
            .DisableAntiforgery().WithMetadata(new BodyLimit(uploadLimit)).WithOrder(-1);
        endpoints.MapPost("/follow/lost", LostAsync).WithOrder(-1);
        endpoints.MapPost("/follow/withdraw", (HttpContext c, FollowWords w) => ConfirmedAsync(c, w, FollowAction.Withdraw)).WithOrder(-1);
        endpoints.MapPost("/follow/reopen", (HttpContext c, FollowWords w) => ConfirmedAsync(c, w, FollowAction.Reopen)).WithOrder(-1);
        // The address bar keeps a form's address after an error: opening it again leads back to the view.
        endpoints.MapGet("/follow/{form:regex(^(answer|documents|sign-out)$)}", () => Results.Redirect("/follow"));
        endpoints.MapGet(FollowEvents.Path, FollowEvents.StreamAsync);
        return endpoints;
    }

    private static async Task<IResult> OpenAsync(HttpContext context, IAntiforgery antiforgery, FollowSession session, FollowIntake intake, FollowWords words)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Expired(context, "/follow", FollowPosted.Open, words);
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var reference = form["reference"].ToString().Trim();
        var token = form["trackingToken"].ToString().Trim();
        var errors = new List<FollowError>();
        if (reference.Length == 0)
        {
            errors.Add(new("reference", words["ReferenceRequired"]));
        }
        if (token.Length == 0)
        {
            errors.Add(new("trackingToken", words["TokenRequired"]));
        }
        var status = StatusCodes.Status400BadRequest;
        if (errors.Count == 0)
        {
            var outcome = reference.Length > 64 || token.Length > 256
                ? new FollowOutcome<Intake.V1.TrackComplaintResponse>(null, FollowFailure.NotFound, [])
                : await intake.TrackAsync(reference, token, context.RequestAborted);
            if (outcome.Succeeded)
            {
                session.Open(context, outcome.Value!.Reference, token);
                return SeeOther("/follow");
            }
            // A wrong reference and a wrong token read the same: no hint which it was.
            (var message, status) = outcome.Failure == FollowFailure.Unavailable
                ? (words["Unavailable"], StatusCodes.Status503ServiceUnavailable)
                : (words["NotFound"], StatusCodes.Status400BadRequest);
            errors.Add(new("", message));
        }
        return Render(context, "/follow", new FollowPosted(FollowPosted.Open, new Dictionary<string, string> { ["reference"] = reference }, errors), status);
    }

    /// <summary>
    /// A lost tracking code: the reference and the email or phone given with the complaint go to Intake, which sends a
    /// new code to that address only if they match. The page says the same either way; the address never goes into a
    /// URL (the redirect carries the reference only).
    /// </summary>
    private static async Task<IResult> LostAsync(HttpContext context, IAntiforgery antiforgery, FollowIntake intake, FollowWords words)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Expired(context, "/follow/lost", FollowPosted.Lost, words);
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var reference = form["reference"].ToString().Trim();
        var contact = form["contact"].ToString().Trim();
        var errors = new List<FollowError>();
        if (reference.Length == 0)
        {
            errors.Add(new("reference", words["ReferenceRequired"]));
        }
        string? email = null;
        string? phone = null;
        if (contact.Length == 0)
        {
            errors.Add(new("contact", words["ContactRequired"]));
        }
        else if (contact.Contains('@'))
        {
            email = contact.Length <= 320 && !contact.Any(char.IsWhiteSpace) && contact.IndexOf('@') > 0 && contact.IndexOf('@') < contact.Length - 1
                ? contact
                : null;
            if (email is null)
            {
                errors.Add(new("contact", words["EmailFormat"]));
            }
        }
        else if ((phone = LostContact.Phone(contact)) is null)
        {
            errors.Add(new("contact", words["PhoneFormat"]));
        }
        var status = StatusCodes.Status400BadRequest;
        if (errors.Count == 0)
        {
            var outcome = reference.Length > 64
                ? FollowOutcome<Intake.V1.RequestTrackingAccessResponse>.Of(new())
                : await intake.RequestAccessAsync(reference, email, phone, context.RequestAborted);
            if (outcome.Succeeded || outcome.Failure is FollowFailure.NotFound or FollowFailure.NotAllowed or FollowFailure.TooLarge)
            {
                // Whatever Intake found, the complainant reads the same.
                return SeeOther("/follow/lost?done=sent&reference=" + Uri.EscapeDataString(reference));
            }
            if (outcome.Failure == FollowFailure.Invalid)
            {
                errors.Add(outcome.Fields.Contains("reference")
                    ? new("reference", words["ReferenceFormat"])
                    : new("contact", email is null ? words["PhoneFormat"] : words["EmailFormat"]));
            }
            else
            {
                errors.Add(new("", words["ActionUnavailable"]));
                status = StatusCodes.Status503ServiceUnavailable;
            }
        }
        return Render(context, "/follow/lost", new FollowPosted(FollowPosted.Lost, new Dictionary<string, string>
        {
            ["reference"] = reference,
            ["contact"] = contact,
        }, errors), status);
    }

    private static async Task<IResult> SignOutAsync(HttpContext context, IAntiforgery antiforgery, FollowSession session, FollowWords words)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Expired(context, "/follow", FollowPosted.Open, words);
        }
        session.Close(context);
        return SeeOther("/follow?done=signed-out");
    }

    /// <summary>
    /// An answer to the open request for information, or documents added without one: a multipart form read section by
    /// section, each file streamed to Intake as it arrives, then the action with the text, the attachment ids and the
    /// form's idempotency key (also the uploads' batch).
    /// </summary>
    private static async Task<IResult> DocumentsAsync(HttpContext context, FollowWords words, FollowAction action)
    {
        var services = context.RequestServices;
        var intake = services.GetRequiredService<FollowIntake>();
        var limits = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<FollowOptions>>().Value;
        var form = action == FollowAction.Answer ? FollowPosted.Answer : FollowPosted.Document;
        var ct = context.RequestAborted;

        var reader = MultipartForm.Reader(context.Request);
        if (reader is null || !await MultipartForm.ValidateAntiforgeryAsync(context, reader))
        {
            return Expired(context, "/follow", form, words);
        }
        var followed = services.GetRequiredService<FollowSession>().Current(context);
        if (followed is null)
        {
            return SeeOther("/follow?done=session-ended");
        }

        string? formKeyField = null;
        string? key = null;
        var text = "";
        var errors = new List<FollowError>();
        var attachmentIds = new List<string>();
        var files = 0;
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            var name = MultipartForm.Name(section);
            if (name == "documents" && MultipartForm.IsFile(section))
            {
                var fileName = MultipartForm.FileName(section);
                var first = new byte[256 * 1024];
                var read = await FollowIntake.FillAsync(section.Body, first, ct);
                if (fileName.Length == 0 && read == 0)
                {
                    // The file field left empty.
                    continue;
                }
                var shown = fileName.Length == 0 ? words["UnnamedFile"] : fileName;
                if (++files == limits.MaxFiles + 1)
                {
                    errors.Add(new("documents", words.Format("TooManyFiles", limits.MaxFiles)));
                }
                if (key is null || errors.Count > 0)
                {
                    // Nothing more is uploaded once the form is going back with an error.
                    await MultipartForm.DrainAsync(section.Body, ct);
                    continue;
                }
                if (read == 0)
                {
                    errors.Add(new("documents", words.Format("FileEmpty", shown)));
                    continue;
                }
                var upload = await intake.UploadAsync(followed, key, fileName.Length == 0 ? "document" : fileName,
                    section.ContentType, first.AsMemory(0, read), section.Body, ct);
                await MultipartForm.DrainAsync(section.Body, ct);
                if (upload.Succeeded)
                {
                    attachmentIds.Add(upload.Value!.AttachmentId);
                    continue;
                }
                if (upload.Failure == FollowFailure.NotFound)
                {
                    return await SessionEndedAsync(context, reader, words);
                }
                errors.Add(new("documents", upload.Failure switch
                {
                    FollowFailure.TooLarge => words.Format("FileTooLarge", shown, limits.MaxFileBytes / (1024 * 1024)),
                    FollowFailure.Invalid => words.Format("FileType", shown),
                    FollowFailure.NotAllowed => words["ComplaintFull"],
                    _ => words["ActionUnavailable"],
                }));
                continue;
            }
            switch (name)
            {
                case FormIds.FieldName:
                    formKeyField = await MultipartForm.ReadTextAsync(section, 1024, ct);
                    // A key issued for the other upload form is refused too: a form only does what it said.
                    key = FormKey(services, formKeyField, followed.Reference, form);
                    if (key is null)
                    {
                        return await ExpiredAfterDrainAsync(context, reader, form, words);
                    }
                    break;
                case "text":
                    if (await MultipartForm.ReadTextAsync(section, limits.MaxTextLength, ct) is { } value)
                    {
                        text = value.Trim();
                    }
                    else
                    {
                        errors.Add(new("text", words.Format("TextTooLong", limits.MaxTextLength)));
                    }
                    break;
                default:
                    await MultipartForm.DrainAsync(section.Body, ct);
                    break;
            }
        }
        if (key is null)
        {
            return Expired(context, "/follow", form, words);
        }
        if (errors.Count == 0 && action == FollowAction.Answer && text.Length == 0 && attachmentIds.Count == 0)
        {
            errors.Add(new("text", words["AnswerRequired"]));
        }
        if (errors.Count == 0 && action == FollowAction.AddDocument && attachmentIds.Count == 0)
        {
            errors.Add(new("documents", words["DocumentRequired"]));
        }
        var status = StatusCodes.Status400BadRequest;
        if (errors.Count == 0)
        {
            var outcome = await intake.ActAsync(action, followed, text, attachmentIds, key, ct);
            if (outcome.Succeeded)
            {
                return SeeOther(action == FollowAction.Answer ? "/follow?done=answered" : "/follow?done=documents-added");
            }
            if (outcome.Failure == FollowFailure.NotFound)
            {
                return SeeOther("/follow?done=session-ended");
            }
            (var field, var message, status) = ActionError(outcome, action, words);
            errors.Add(new(field, message));
        }
        if (files > 0)
        {
            // A file input cannot be filled again by the server.
            errors.Add(new("documents", words["ChooseFilesAgain"]));
        }
        return Render(context, "/follow", new FollowPosted(form, new Dictionary<string, string>
        {
            ["text"] = text,
            [FormIds.FieldName] = formKeyField ?? "",
        }, errors), status);
    }

    /// <summary>Withdraw, or ask to reopen, after the confirmation page: a small urlencoded form with the reason.</summary>
    private static async Task<IResult> ConfirmedAsync(HttpContext context, FollowWords words, FollowAction action)
    {
        var services = context.RequestServices;
        var (form, page) = action == FollowAction.Withdraw
            ? (FollowPosted.Withdraw, "/follow/withdraw")
            : (FollowPosted.Reopen, "/follow/reopen");
        if (!await services.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context))
        {
            return Expired(context, page, form, words);
        }
        var followed = services.GetRequiredService<FollowSession>().Current(context);
        if (followed is null)
        {
            return SeeOther("/follow?done=session-ended");
        }
        var fields = await context.Request.ReadFormAsync(context.RequestAborted);
        var formKeyField = fields[FormIds.FieldName].ToString();
        var key = FormKey(services, formKeyField, followed.Reference, form);
        if (key is null)
        {
            return Expired(context, page, form, words);
        }
        var limits = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<FollowOptions>>().Value;
        var reason = fields["reason"].ToString().Replace("\r\n", "\n").Trim();
        var errors = new List<FollowError>();
        if (reason.Length > limits.MaxTextLength)
        {
            errors.Add(new("reason", words.Format("TextTooLong", limits.MaxTextLength)));
        }
        else if (action == FollowAction.Reopen && reason.Length == 0)
        {
            errors.Add(new("reason", words["ReasonRequired"]));
        }
        var status = StatusCodes.Status400BadRequest;
        if (errors.Count == 0)
        {
            var outcome = await services.GetRequiredService<FollowIntake>().ActAsync(action, followed, reason, [], key, context.RequestAborted);
            if (outcome.Succeeded)
            {
                return SeeOther(action == FollowAction.Withdraw ? "/follow?done=withdrawn" : "/follow?done=reopen-requested");
            }
            if (outcome.Failure == FollowFailure.NotFound)
            {
                return SeeOther("/follow?done=session-ended");
            }
            (var field, var message, status) = ActionError(outcome, action, words);
            errors.Add(new(field == "text" ? "reason" : field, message));
        }
        return Render(context, page, new FollowPosted(form, new Dictionary<string, string>
        {
            ["reason"] = reason,
            [FormIds.FieldName] = formKeyField,
        }, errors), status);
    }

    /// <summary>How long a follow form may stay open before it is sent.</summary>
    public static readonly TimeSpan FormLifetime = TimeSpan.FromDays(1);

    /// <summary>
    /// A follow form's id (<see cref="FormIds"/>), issued for that form of that complaint: one from another complaint's
    /// page, or for the other upload form, is refused, never applied to the complaint the session now follows.
    /// </summary>
    public static string IssueFormKey(FormIds formIds, string reference, string form) => formIds.Issue(FormPurpose(reference, form), FormLifetime).Protected;

    /// <summary>The idempotency key at Intake ("web-follow:" + the form id), or null when the field is not one issued for this form and complaint.</summary>
    private static string? FormKey(IServiceProvider services, string? field, string reference, string form) =>
        services.GetRequiredService<FormIds>().Read(field, FormPurpose(reference, form)) is { } id ? "web-follow:" + id : null;

    private static string FormPurpose(string reference, string form) => $"follow/{form}/{reference}";

    private static (string Field, string Message, int Status) ActionError<T>(FollowOutcome<T> outcome, FollowAction action, FollowWords words) where T : class =>
        outcome.Failure switch
        {
            FollowFailure.Invalid when outcome.Fields.Contains("text") => ("text", words["TextInvalid"], StatusCodes.Status400BadRequest),
            FollowFailure.Invalid => ("", words["FormInvalid"], StatusCodes.Status400BadRequest),
            FollowFailure.NotAllowed when action == FollowAction.Answer => ("", words["NoOpenRequest"], StatusCodes.Status409Conflict),
            FollowFailure.NotAllowed => ("", words["NotAllowedNow"], StatusCodes.Status409Conflict),
            _ => ("", words["ActionUnavailable"], StatusCodes.Status503ServiceUnavailable),
        };

    /// <summary>Renders the page at <paramref name="page"/> (as the address bar keeps the form's address) with the posted form.</summary>
    private static RazorComponentResult<App> Render(HttpContext context, string page, FollowPosted posted, int status)
    {
        context.Items[typeof(FollowPosted)] = posted;
        // The page components' router reads the path: the form's page is shown, not a not-found page.
        context.Request.Path = page;
        context.Request.QueryString = QueryString.Empty;
        return new RazorComponentResult<App> { StatusCode = status };
    }

    /// <summary>A form whose antiforgery token or form key is missing, forged or too old: nothing was done.</summary>
    private static RazorComponentResult<App> Expired(HttpContext context, string page, string form, FollowWords words) =>
        Render(context, page, new FollowPosted(form, new Dictionary<string, string>(), [new("", words["FormExpired"])]), StatusCodes.Status400BadRequest);

    private static async Task<IResult> ExpiredAfterDrainAsync(HttpContext context, Microsoft.AspNetCore.WebUtilities.MultipartReader reader, string form, FollowWords words)
    {
        await DrainAllAsync(context, reader);
        return Expired(context, "/follow", form, words);
    }

    private static async Task<IResult> SessionEndedAsync(HttpContext context, Microsoft.AspNetCore.WebUtilities.MultipartReader reader, FollowWords words)
    {
        await DrainAllAsync(context, reader);
        return SeeOther("/follow?done=session-ended");
    }

    /// <summary>Reads the rest of an upload before answering, so the browser sees the answer rather than a reset connection.</summary>
    private static async Task DrainAllAsync(HttpContext context, Microsoft.AspNetCore.WebUtilities.MultipartReader reader)
    {
        while (await reader.ReadNextSectionAsync(context.RequestAborted) is { } section)
        {
            await MultipartForm.DrainAsync(section.Body, context.RequestAborted);
        }
    }

    /// <summary>303: the browser follows with a GET, so a reload never posts the form again.</summary>
    private static IResult SeeOther(string location) => new SeeOtherResult(location);

    private sealed class SeeOtherResult(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }

    /// <summary>The upload forms' body limit (Kestrel's default of 30 MB is less than five documents of 10 MiB).</summary>
    private sealed record BodyLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;
}
