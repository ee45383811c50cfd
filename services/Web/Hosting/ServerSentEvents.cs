using System.Text;
using System.Text.Json;
using Grpc.Core;

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

    /// <summary>
    /// The next item of a gRPC stream relayed as events, with a comment written every <paramref name="heartbeat"/> while
    /// it is quiet (so the gateway does not cut an idle stream); false when the stream ended.
    /// </summary>
    public sealed class Relay<T>(HttpContext context, IAsyncStreamReader<T> stream, TimeSpan heartbeat, TimeProvider time)
    {
        private Task<bool>? _next;

        public async Task<bool> MoveNextAsync(CancellationToken ct)
        {
            _next ??= stream.MoveNext(ct);
            while (true)
            {
                using var quiet = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var beat = Task.Delay(heartbeat, time, quiet.Token);
                if (await Task.WhenAny(_next, beat) == beat)
                {
                    await beat;
                    await WriteAsync(context, ": still here\n\n", ct);
                    continue;
                }
                await quiet.CancelAsync();
                var more = await _next;
                _next = null;
                return more;
            }
        }

        public T Current => stream.Current;

        /// <summary>A read still pending when the relay ended fails with the cancellation: observed here.</summary>
        public void Abandon() =>
            _ = _next?.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }
}
