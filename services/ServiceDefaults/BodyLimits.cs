using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Complaints.ServiceDefaults;

public static class BodyLimits
{
    /// <summary>
    /// REST/JSON bodies over <paramref name="maxBytes"/> are refused with 413 before anything is parsed.
    /// (gRPC enforces its own MaxReceiveMessageSize per message; JSON transcoding does not.)
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
                    context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                    await context.Response.WriteAsJsonAsync(new { code = 8, message = $"The request body is larger than the maximum of {maxBytes} bytes." });
                    return;
                }
                // Chunked bodies: the server stops reading at the limit.
                if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                {
                    limit.MaxRequestBodySize = maxBytes;
                }
            }
            await next(context);
        });
        return app;
    }
}
