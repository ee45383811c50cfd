using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Complaints.Web.Portal;

/// <summary>
/// A multipart form (the submit form, the follow upload forms) read section by section (<see cref="MultipartReader"/>),
/// never buffered whole: files go on to Intake as they arrive. The antiforgery token is the form's first field (the
/// pages render it first); it is checked before anything else is read, with <see cref="IAntiforgery"/> given just that
/// field, because the automatic antiforgery check would buffer the form. Nothing posted without a valid token is read.
/// </summary>
public static class MultipartForm
{
    private const int BoundaryLengthLimit = 70;

    /// <summary>A reader of the request's body, or null when it is not multipart/form-data with a usable boundary.</summary>
    public static MultipartReader? Reader(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        return string.IsNullOrWhiteSpace(boundary) || boundary.Length > BoundaryLengthLimit
            ? null
            : new MultipartReader(boundary, request.Body) { HeadersCountLimit = 8, HeadersLengthLimit = 16 * 1024 };
    }

    /// <summary>
    /// True when the first section is the antiforgery field and its token matches the cookie; the rest of the form is
    /// left unread.
    /// </summary>
    public static async Task<bool> ValidateAntiforgeryAsync(HttpContext context, MultipartReader reader)
    {
        var fieldName = context.RequestServices.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.FormFieldName;
        var section = await reader.ReadNextSectionAsync(context.RequestAborted);
        if (section is null || Name(section) is not { } name || name != fieldName || IsFile(section))
        {
            return false;
        }
        var token = await ReadTextAsync(section, 4096, context.RequestAborted);
        if (token is null)
        {
            return false;
        }
        context.Features.Set<IFormFeature>(new FormFeature(new FormCollection(new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>
        {
            [fieldName] = token,
        })));
        try
        {
            await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context);
            return true;
        }
        catch (AntiforgeryValidationException ex)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MultipartForm))
                .LogInformation("A form post to {Path} was refused: {Reason}", context.Request.Path, ex.Message);
            return false;
        }
    }

    /// <summary>The field's name (a text field's or a file's), or null when the section is not form data.</summary>
    public static string? Name(MultipartSection section) =>
        section.GetContentDispositionHeader() is { } disposition && disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)
            ? HeaderUtilities.RemoveQuotes(disposition.Name).Value
            : null;

    public static bool IsFile(MultipartSection section) =>
        section.GetContentDispositionHeader() is { } disposition && disposition.IsFileDisposition();

    /// <summary>The file's name as the browser gave it, without any folder, at most 255 characters ("" for a file input left empty).</summary>
    public static string FileName(MultipartSection section)
    {
        var disposition = section.GetContentDispositionHeader();
        var raw = disposition is null ? "" : HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "";
        var name = raw[(raw.LastIndexOfAny(['/', '\\']) + 1)..].Trim();
        return name.Length > 255 ? name[..255] : name;
    }

    /// <summary>A text field's value with line breaks as \n, or null when it has more than <paramref name="maxChars"/> characters (the rest is drained).</summary>
    public static async Task<string?> ReadTextAsync(MultipartSection section, int maxChars, CancellationToken ct)
    {
        using var reader = new StreamReader(section.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: true);
        var buffer = new char[4096];
        var text = new StringBuilder();
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(), ct)) > 0)
        {
            text.Append(buffer, 0, read);
            // Browsers send line breaks as \r\n: up to twice the characters before they become \n.
            if (text.Length > 2 * maxChars + 16)
            {
                await DrainAsync(section.Body, ct);
                return null;
            }
        }
        var value = text.Replace("\r\n", "\n").Replace('\r', '\n').ToString();
        return value.Length > maxChars ? null : value;
    }

    /// <summary>Reads and discards the rest of a section (a refused file), so the next section can be read.</summary>
    public static async Task DrainAsync(Stream body, CancellationToken ct)
    {
        var scratch = new byte[64 * 1024];
        while (await body.ReadAsync(scratch, ct) > 0)
        {
        }
    }
}
