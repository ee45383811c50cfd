using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Complaints.ServiceDefaults;

public static class BodyLimits
{
    /// <summary>
    /// REST/JSON bodies over <paramref name="maxBytes"/> are refused with 413 and a JSON error before anything is parsed.
    /// (gRPC enforces its own MaxReceiveMessageSize per message; JSON transcoding does not.)
    /// <para>
    /// A chunked body (no Content-Length) is read here, up to the limit, and handed on buffered: the server's own
    /// body limit would only fail inside JSON transcoding's read, which turns any such error into a 500.
    /// </para>
    /// </summary>
    public static WebApplication UseRestBodyLimit(this WebApplication app, long maxBytes)
    {
        app.Use(async (context, next) =>
        {
            var isGrpc = context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;
            if (!isGrpc)
            {
                if (context.Request.ContentLength > maxBytes)
                {
                    await TooLargeAsync(context, maxBytes);
                    return;
                }
                // The server stops reading at the limit too (where it supports the feature: Kestrel does, the test server not).
                if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                {
                    limit.MaxRequestBodySize = maxBytes;
                }
                if (context.Request.ContentLength is null && !await BufferChunkedBodyAsync(context, maxBytes))
                {
                    await TooLargeAsync(context, maxBytes);
                    return;
                }
            }
            await next(context);
        });
        return app;
    }

    /// <summary>Reads a body of unknown length into memory; false as soon as it passes the limit.</summary>
    private static async Task<bool> BufferChunkedBodyAsync(HttpContext context, long maxBytes)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return false;
                }
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return false;
        }
        buffer.Position = 0;
        context.Request.Body = buffer;
        context.Request.ContentLength = buffer.Length;
        context.Response.RegisterForDispose(buffer);
        return true;
    }

    private static Task TooLargeAsync(HttpContext context, long maxBytes)
    {
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        return context.Response.WriteAsJsonAsync(new { code = 8, message = $"The request body is larger than the maximum of {maxBytes} bytes." });
    }
}
