using System.Text;
using System.Text.Json;

namespace Complaints.Web.Hosting;

/// <summary>Writing Server-Sent Events: the portal's follow stream and the console's queue stream.</summary>
public static class ServerSentEvents
{
    public static string Event(string name, string? id, object data)
    {
        var text = new StringBuilder();
        text.Append("event: ").Append(name).Append('\n');
        if (!string.IsNullOrEmpty(id))
        {
            text.Append("id: ").Append(id).Append('\n');
        }
        // JSON has no raw newlines, so the data is one line.
        text.Append("data: ").Append(JsonSerializer.Serialize(data)).Append("\n\n");
        return text.ToString();
    }

    public static async Task WriteAsync(HttpContext context, string text, CancellationToken ct)
    {
        await context.Response.WriteAsync(text, ct);
        await context.Response.Body.FlushAsync(ct);
    }

    public static async Task TryWriteAsync(HttpContext context, string text)
    {
        if (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        try
        {
            await WriteAsync(context, text, context.RequestAborted);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The browser went away meanwhile.
        }
    }
}
