using Complaints.Intake.V1;
using Complaints.Web.Hosting;
using Grpc.Core;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using static Complaints.Web.Hosting.ServerSentEvents;

namespace Complaints.Web.Portal.Follow;

/// <summary>
/// GET /follow/events: the followed complaint's public changes as Server-Sent Events, relayed from Intake's
/// <c>WatchComplaint</c> with the session's token (which stays on the server) from the page's resume token or the
/// browser's Last-Event-ID. One event per change, <c>event: change</c>, its id the change's resume token and its data
/// the announcement in the page's language; the page's script fetches the view again on each.
/// The stream ends when the browser goes away, the replica stops, the follow session expires (<c>event: expired</c>,
/// and the script stops), or after <see cref="FollowOptions.WatchLifetime"/> (the browser reconnects, and the cookie is
/// checked again). A session holding <see cref="FollowOptions.MaxWatchesPerSession"/> streams gets 429.
/// </summary>
public static class FollowEvents
{
    public const string Path = "/follow/events";

    /// <summary>How long the browser waits before reconnecting after a stream ended normally.</summary>
    private const int ReconnectMilliseconds = 5_000;

    /// <summary>The same after Intake could not watch (unavailable, or the complaint still being registered).</summary>
    private const int RetryLaterMilliseconds = 30_000;

    public static async Task StreamAsync(
        HttpContext context,
        FollowSession session,
        FollowWatches watches,
        FollowIntake intake,
        FollowWords words,
        IOptions<FollowOptions> options,
        TimeProvider time,
        IHostApplicationLifetime lifetime,
        ILogger<FollowWatches> logger)
    {
        // A refusal is a bare status for the script, not the not-found page.
        context.Features.Get<IStatusCodePagesFeature>()?.Enabled = false;
        context.Response.Headers.CacheControl = "no-store";
        var followed = session.Current(context);
        if (followed is null)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        using var lease = watches.TryAcquire(followed.SessionId);
        if (lease is null)
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = "30";
            return;
        }

        var sessionLeft = followed.OpenedAt + FollowSession.Lifetime - time.GetUtcNow();
        var streamLeft = sessionLeft < options.Value.WatchLifetime ? sessionLeft : options.Value.WatchLifetime;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        using var timeUp = new CancellationTokenSource(streamLeft > TimeSpan.Zero ? streamLeft : TimeSpan.Zero, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, timeUp.Token);
        var ct = linked.Token;

        context.Response.ContentType = "text/event-stream; charset=utf-8";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var resume = ResumeToken(context);
        Relay<ComplaintChange>? relay = null;
        try
        {
            await WriteAsync(context, $"retry: {ReconnectMilliseconds}\n\n", ct);
            using var call = intake.Watch(followed, resume, ct);
            relay = new Relay<ComplaintChange>(context, call.ResponseStream, options.Value.Heartbeat, time);
            // Until Intake ends the watch (e.g. it is stopping): the browser reconnects after the last id.
            while (await relay.MoveNextAsync(ct))
            {
                var change = relay.Current;
                await WriteAsync(context, Event("change", change.ResumeToken, new { message = words.Change(change), status = change.Status.ToString() }), ct);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or RpcException { StatusCode: StatusCode.Cancelled } && ct.IsCancellationRequested)
        {
            if (timeUp.IsCancellationRequested && !stop.IsCancellationRequested && sessionLeft <= options.Value.WatchLifetime)
            {
                await TryWriteAsync(context, Event("expired", null, new { message = words["LiveExpired"] }));
            }
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            // The token no longer opens the complaint: nothing more to watch with this session.
            await TryWriteAsync(context, Event("expired", null, new { message = words["LiveExpired"] }));
        }
        catch (RpcException ex)
        {
            logger.LogWarning("Follow watch ended: Intake answered {Status}", ex.StatusCode);
            await TryWriteAsync(context, $"retry: {RetryLaterMilliseconds}\n\n");
        }
        finally
        {
            relay?.Abandon();
        }
    }

    /// <summary>The browser's Last-Event-ID on a reconnect, else the page's resume token: a whole number, or empty.</summary>
    private static string ResumeToken(HttpContext context)
    {
        var value = context.Request.Headers["Last-Event-ID"].FirstOrDefault() is { Length: > 0 } last ? last : context.Request.Query["after"].FirstOrDefault();
        return value is { Length: > 0 and <= 18 } && value.All(char.IsAsciiDigit) ? value : "";
    }
}
