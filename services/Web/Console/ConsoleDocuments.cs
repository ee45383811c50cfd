using Complaints.Intake.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Net.Http.Headers;

namespace Complaints.Web.Console;

/// <summary>
/// A complaint's document, opened by staff with a purpose: streamed from Intake (which checks the reader may see the
/// case and audits the download with its purpose) to the browser as a download, never rendered inline, under a name
/// made safe for a header.
/// </summary>
public static class ConsoleDocuments
{
    public static async Task<IResult> DownloadAsync(string reference, HttpContext context, IAntiforgery antiforgery, ConsoleCalls calls)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return Results.Redirect(ConsolePaths.Case(reference));
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var purpose = form["purpose"].ToString().Trim();
        var attachment = form["attachment"].ToString();
        if (purpose.Length < 3 || attachment.Length == 0)
        {
            // The browser's own check (required, minlength) stops this first; without it, back to the page.
            return Results.Redirect(ConsolePaths.Case(reference) + "#words");
        }
        var call = calls.Client<AttachmentService.AttachmentServiceClient>().DownloadAttachment(
            new DownloadAttachmentRequest { AttachmentId = attachment, Purpose = purpose }, ConsoleCalls.Options(context.RequestAborted));
        try
        {
            if (!await call.ResponseStream.MoveNext(context.RequestAborted) || call.ResponseStream.Current.Info is not { } info)
            {
                return Results.NotFound();
            }
            var response = context.Response;
            response.ContentType = "application/octet-stream";
            response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = SafeName(info.FileName) }.ToString();
            response.Headers.CacheControl = "no-store";
            response.Headers.XContentTypeOptions = "nosniff";
            await foreach (var part in call.ResponseStream.ReadAllAsync(context.RequestAborted))
            {
                await response.Body.WriteAsync(part.Chunk.Memory, context.RequestAborted);
            }
            return Results.Empty;
        }
        catch (RpcException e) when (!context.Response.HasStarted)
        {
            return e.StatusCode switch
            {
                StatusCode.NotFound or StatusCode.PermissionDenied => Results.NotFound(),
                StatusCode.InvalidArgument => Results.Redirect(ConsolePaths.Case(reference) + "#words"),
                _ => Results.StatusCode(StatusCodes.Status503ServiceUnavailable),
            };
        }
        finally
        {
            call.Dispose();
        }
    }

    /// <summary>Only the name's last segment, without control or direction-override characters.</summary>
    private static string SafeName(string name)
    {
        var last = name.Replace('\\', '/').Split('/').LastOrDefault() ?? "";
        var clean = new string([.. last.Where(c => !char.IsControl(c) && c is not ('\u202a' or '\u202b' or '\u202c' or '\u202d' or '\u202e' or '\u2066' or '\u2067' or '\u2068' or '\u2069'))]).Trim();
        return clean.Length == 0 ? "document" : clean;
    }
}
