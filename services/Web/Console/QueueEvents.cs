using Complaints.Routing.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using static Complaints.Web.Hosting.ServerSentEvents;

namespace Complaints.Web.Console;

/// <summary>
/// GET /console/queue/events: a queue view's changes as Server-Sent Events, relayed from Routing's <c>WatchCases</c>
/// with the page's filter and the signed-in staff member's token, from the list's resume token (then the browser's
/// Last-Event-ID): no change between the list and the stream is missed, none is sent twice. Each event names the case and
/// whether it entered, changed or left the view; the page's script fetches the list again. Streams end after ten
/// minutes (the browser reconnects, and the session is checked again) or when the replica stops.
/// </summary>
public static class QueueEvents
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(20);

    public static async Task StreamAsync(HttpContext context, ConsoleCalls calls, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<ConsoleCalls> logger)
    {
        context.Features.Get<IStatusCodePagesFeature>()?.Enabled = false;
        context.Response.Headers.CacheControl = "no-store";
        using var timeUp = new CancellationTokenSource(Lifetime, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping, timeUp.Token);
        var ct = linked.Token;
        context.Response.ContentType = "text/event-stream; charset=utf-8";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var resume = context.Request.Headers["Last-Event-ID"].FirstOrDefault() is { Length: > 0 } last ? last : context.Request.Query["after"].FirstOrDefault() ?? "";
        var request = new WatchCasesRequest { Filter = QueueQuery.From(context.Request.Query).Filter(), ResumeToken = resume.Length <= 64 ? resume : "" };
        Relay<CaseListChange>? relay = null;
        try
        {
            await WriteAsync(context, "retry: 5000\n\n", ct);
            using var call = calls.Client<CaseWorkService.CaseWorkServiceClient>().WatchCases(request, cancellationToken: ct);
            relay = new Relay<CaseListChange>(context, call.ResponseStream, Heartbeat, time);
            while (await relay.MoveNextAsync(ct))
            {
                var change = relay.Current;
                // Caught up: nothing for the page to do, but the id moves on.
                var name = change.Kind == CaseListChangeKind.Synced ? "synced" : "change";
                await WriteAsync(context, Event(name, change.ResumeToken, new { reference = change.Reference, kind = change.Kind.ToString() }), ct);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or RpcException { StatusCode: StatusCode.Cancelled } && ct.IsCancellationRequested)
        {
            // The browser left, the replica stops, or the stream's time is up: the browser reconnects from the last id.
        }
        catch (RpcException ex)
        {
            logger.LogWarning("Queue watch ended: Routing answered {Status}", ex.StatusCode);
            await TryWriteAsync(context, "retry: 30000\n\n");
        }
        finally
        {
            relay?.Abandon();
        }
    }
}
