using System.Buffers;
using System.Text;
using Complaints.Intake.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Localization;
using Microsoft.Net.Http.Headers;

namespace Complaints.Web.Portal.Submit;

/// <summary>
/// POST /submit. Reads the multipart body in order, never buffering it: the antiforgery token (the first field), the
/// form id, the other fields; then submits the complaint to Intake (channel WEB, the form id as idempotency key); then
/// streams each file to Intake with the new reference and token. The answer is kept for the form id, so a repeat of
/// the same form (a double click, a reload, going back and sending again, a retry after a lost answer) shows the same
/// complaint and makes no second one. Ends with post/redirect/get to the confirmation, or the page again with errors.
/// </summary>
public sealed class SubmitHandler(
    FormIds formIds,
    SubmittedAnswers answers,
    SubmitTaxonomy taxonomy,
    SubmitUploads uploads,
    IntakeFieldErrors fieldErrors,
    FollowSession followSession,
    IntakeService.IntakeServiceClient intake,
    IStringLocalizer<SubmitTexts> texts,
    TimeProvider time,
    ILogger<SubmitHandler> logger)
{
    /// <summary>The longest field: a 20,000-character description in four-byte characters, with room to spare.</summary>
    private const int MaxFieldBytes = 128 * 1024;

    private const int MaxFields = 100;

    private static readonly TimeSpan SubmitDeadline = TimeSpan.FromSeconds(20);

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = SubmitEndpoints.MaxBodyBytes;
        }
        if (MultipartForm.Reader(context.Request) is not { } reader)
        {
            return Refused(context, texts["ErrorNotAForm"], StatusCodes.Status415UnsupportedMediaType);
        }

        if (!await MultipartForm.ValidateAntiforgeryAsync(context, reader))
        {
            // Nothing posted without a valid token is read, shown or sent on.
            await SubmitUploads.DiscardAsync(reader, null, ct);
            return Refused(context, texts["ErrorFormNotAccepted"], StatusCodes.Status400BadRequest);
        }

        var (form, protectedId, firstFile) = await ReadFieldsAsync(reader, ct);
        var formId = formIds.Read(protectedId, SubmitEndpoints.FormPurpose);
        if (formId is null)
        {
            var fresh = new SubmitPageState(form, formIds.Issue(SubmitEndpoints.FormPurpose, SubmitEndpoints.FormLifetime).Protected);
            fresh.GeneralErrors.Add(texts["ErrorFormExpired"]);
            fresh.FilesToChooseAgain = await SubmitUploads.DiscardAsync(reader, firstFile, ct);
            return SubmitEndpoints.Page(context, fresh, StatusCodes.Status400BadRequest);
        }

        var key = SubmitEndpoints.IdempotencyKey(formId);
        var stored = await answers.FindAsync(formId, ct);
        var repeat = stored is not null;
        if (stored is { UploadsDone: true })
        {
            await SubmitUploads.DiscardAsync(reader, firstFile, ct);
            return await ConfirmAsync(context, stored, repeat: true, ct);
        }

        if (stored is null)
        {
            var state = new SubmitPageState(form, protectedId!);
            try
            {
                var answer = await intake.SubmitComplaintAsync(form.ToRequest(key), deadline: time.GetUtcNow().UtcDateTime + SubmitDeadline, cancellationToken: ct);
                stored = new SubmittedAnswer(answer.Reference, answer.TrackingToken, answer.ReceivedAt.ToDateTimeOffset(),
                    form["timeZone"], form.IsAnonymous, [], UploadsDone: false);
                await answers.SaveAsync(formId, stored, ct);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
            {
                if (!fieldErrors.AddTo(state, ex))
                {
                    state.GeneralErrors.Add(texts["ErrorNotAccepted"]);
                }
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.AlreadyExists)
            {
                // The same form, changed, after its answer left this cache: Intake keeps the first complaint.
                if (await answers.FindAsync(formId, ct) is { } concurrent)
                {
                    await SubmitUploads.DiscardAsync(reader, firstFile, ct);
                    return await ConfirmAsync(context, concurrent, repeat: true, ct);
                }
                state.GeneralErrors.Add(texts["ErrorAlreadySent"]);
                state.AlreadySent = true;
                state.FilesToChooseAgain = await SubmitUploads.DiscardAsync(reader, firstFile, ct);
                return SubmitEndpoints.Page(context, state, StatusCodes.Status409Conflict);
            }
            catch (RpcException ex) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning("Intake did not take a web complaint: {Status}", ex.StatusCode);
                state.GeneralErrors.Add(texts[ex.StatusCode == StatusCode.ResourceExhausted ? "ErrorBusy" : "ErrorUnavailable"]);
                state.FilesToChooseAgain = await SubmitUploads.DiscardAsync(reader, firstFile, ct);
                return SubmitEndpoints.Page(context, state, ex.StatusCode == StatusCode.ResourceExhausted
                    ? StatusCodes.Status429TooManyRequests
                    : StatusCodes.Status503ServiceUnavailable);
            }
            if (stored is null)
            {
                state.FilesToChooseAgain = await SubmitUploads.DiscardAsync(reader, firstFile, ct);
                return SubmitEndpoints.Page(context, state, StatusCodes.Status400BadRequest);
            }
        }

        var files = await uploads.UploadAsync(reader, firstFile, stored, key, await LimitsAsync(ct), ct);
        // A repeat whose first post was cut off during its uploads sent the files again (Intake keeps one of each).
        var done = stored with { Files = files.Count > 0 || !repeat ? files : stored.Files, UploadsDone = true };
        await answers.SaveAsync(formId, done, ct);
        return await ConfirmAsync(context, done, repeat, ct);
    }

    /// <summary>Intake's attachment limits; when they cannot be read, Intake's own checks alone decide.</summary>
    private async Task<SubmitChoices> LimitsAsync(CancellationToken ct)
    {
        try
        {
            return await taxonomy.GetAsync(PortalCultures.Current, ct);
        }
        catch (RpcException ex) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("Intake's attachment limits could not be read ({Status}); its own checks apply", ex.StatusCode);
            return new SubmitChoices([], long.MaxValue, int.MaxValue, []);
        }
    }

    /// <summary>The fields up to the first file (the page puts the file inputs last).</summary>
    private static async Task<(SubmitForm Form, string? ProtectedId, MultipartSection? FirstFile)> ReadFieldsAsync(MultipartReader reader, CancellationToken ct)
    {
        var form = new SubmitForm();
        string? protectedId = null;
        var count = 0;
        MultipartSection? section;
        while ((section = await reader.ReadNextSectionAsync(ct)) is not null)
        {
            if (section.GetContentDispositionHeader() is not { } disposition)
            {
                continue;
            }
            if (disposition.IsFileDisposition())
            {
                return (form, protectedId, section);
            }
            if (!disposition.IsFormDisposition() || ++count > MaxFields)
            {
                continue;
            }
            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? string.Empty;
            if (name == FormIds.FieldName)
            {
                protectedId = await ReadValueAsync(section, ct);
            }
            else if (SubmitForm.FieldNames.Contains(name))
            {
                form[name] = await ReadValueAsync(section, ct);
            }
        }
        return (form, protectedId, null);
    }

    /// <summary>A field's value as UTF-8 text, cut at <see cref="MaxFieldBytes"/> (Intake then names it too long).</summary>
    private static async Task<string> ReadValueAsync(MultipartSection section, CancellationToken ct)
    {
        // Rented: a form has dozens of fields, most of them a few bytes.
        var buffer = ArrayPool<byte>.Shared.Rent(MaxFieldBytes);
        try
        {
            var filled = 0;
            int read;
            while (filled < MaxFieldBytes && (read = await section.Body.ReadAsync(buffer.AsMemory(filled, MaxFieldBytes - filled), ct)) > 0)
            {
                filled += read;
            }
            // Browsers send form fields with CRLF line ends; the text is stored with LF.
            return Encoding.UTF8.GetString(buffer, 0, filled).Replace("\r\n", "\n", StringComparison.Ordinal);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A post that is not a submit form's: a fresh form, nothing of the post kept.</summary>
    private IResult Refused(HttpContext context, string message, int status)
    {
        var state = new SubmitPageState(SubmitForm.Fresh(PortalCultures.Current, texts["DefaultTimeZone"], texts["DefaultCurrency"]), formIds.Issue(SubmitEndpoints.FormPurpose, SubmitEndpoints.FormLifetime).Protected);
        state.GeneralErrors.Add(message);
        return SubmitEndpoints.Page(context, state, status);
    }

    /// <summary>Opens the follow session (the token only in its encrypted cookie) and redirects to the confirmation (303).</summary>
    private async Task<IResult> ConfirmAsync(HttpContext context, SubmittedAnswer answer, bool repeat, CancellationToken ct)
    {
        var followed = followSession.Open(context, answer.Reference, answer.TrackingToken);
        await answers.SaveShownAsync(followed.SessionId, new ShownSubmission(answer, repeat), ct);
        context.Response.Headers.Location = "/submitted";
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }
}
