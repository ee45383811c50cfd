using System.Globalization;
using System.Security.Claims;
using Complaints.Common.V1;
using Complaints.Routing.Data;
using Complaints.Routing.Domain;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Errors;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Complaints.Routing.Watch;

public sealed class CaseWatchOptions
{
    /// <summary>How long a watcher waits for a signal before it looks anyway, so a lost signal cannot stall it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most entries read at once.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>How long a queue watch waits at a gap in revision numbers before passing it (<see cref="Eventing.SequenceGaps"/>).</summary>
    public TimeSpan GapGrace { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Streams a case's timeline after a resume token (the last <see cref="CaseHistoryEntry.Seq"/> seen; "" or "0":
/// from the beginning), then each new entry as it is committed. Woken by <see cref="CaseChangeSignal"/>, with a
/// slow poll behind it. Ends when the caller cancels or the host stops. Each change carries the case's status as
/// read with it (a replay shows the current status, not the status of the time of the entry).
/// </summary>
public sealed partial class CaseWatch(
    IServiceScopeFactory scopes,
    CaseChangeSignal signal,
    CaseText text,
    IOptions<CaseWatchOptions> options,
    IOptions<ResolutionOptions> resolution,
    IHostApplicationLifetime lifetime,
    TimeProvider clock)
{
    /// <summary>Internal, for Intake (which verified the tracking token): public entries only.</summary>
    public async Task WatchPublicAsync(string complaintId, string resumeToken, IServerStreamWriter<PublicCaseChange> writer, CancellationToken ct)
    {
        var id = CaseQueries.ParseId(complaintId);
        var after = ParseResumeToken(resumeToken);
        await EnsureResumableAsync(id, after, ct);
        await StreamAsync(id, after, includeInternal: false, check: null, (c, entry, fields) => new PublicCaseChange
        {
            ResumeToken = Token(entry.Seq),
            Status = (CaseStatus)c.Status,
            Entry = CaseQueries.PublicEntry(entry, c, fields),
        }, writer, ct);
    }

    /// <summary>Staff: every entry, public and internal, of a case the caller may see (else NotFound).</summary>
    public async Task WatchStaffAsync(string reference, string resumeToken, ClaimsPrincipal user, IServerStreamWriter<CaseChange> writer, CancellationToken ct)
    {
        var after = ParseResumeToken(resumeToken);
        Guid id;
        ServiceDefaults.Auth.Viewer viewer;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
            viewer = await scope.ServiceProvider.GetRequiredService<Directory.CaseAccess>().ViewerAsync(user, ct);
            var c = await CaseQueries.FindVisibleAsync(db.Cases.AsNoTracking(), reference, viewer, ct);
            EnsureWithin(c, after);
            id = c.ComplaintId;
        }
        // Checked again at each read: a confidential case reassigned away from the caller stops streaming to them.
        await StreamAllAsync(id, after, writer, ct, c =>
        {
            if (!viewer.MaySee(c))
            {
                throw new NotFoundException($"No case with reference {c.Reference}.");
            }
        });
    }

    /// <summary>Every entry of a case whose visibility the caller has already checked; <paramref name="check"/> throws to end the stream.</summary>
    public Task StreamAllAsync(Guid complaintId, int after, IServerStreamWriter<CaseChange> writer, CancellationToken ct, Action<Case>? check = null) =>
        StreamAsync(complaintId, after, includeInternal: true, check, (c, entry, fields) => new CaseChange
        {
            ResumeToken = Token(entry.Seq),
            At = Timestamp.FromDateTimeOffset(entry.At),
            Status = (CaseStatus)c.Status,
            Title = entry.Title,
            Detail = fields.ReadEntry(entry.Detail) ?? "",
            Public = entry.IsPublic,
            Actor = entry.Actor,
        }, writer, ct);

    /// <summary>"" or "0": from the beginning; otherwise the Seq of the last entry seen.</summary>
    public static int ParseResumeToken(string? resumeToken)
    {
        if (string.IsNullOrWhiteSpace(resumeToken))
        {
            return 0;
        }
        return int.TryParse(resumeToken.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
            ? seq
            : throw new ValidationException("resumeToken", "must be the resume_token of an earlier change or view (a whole number), or empty to start from the beginning");
    }

    private static string Token(int seq) => seq.ToString(CultureInfo.InvariantCulture);

    private async Task EnsureResumableAsync(Guid id, int after, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var c = await db.Cases.AsNoTracking().FirstOrDefaultAsync(x => x.ComplaintId == id, ct)
            ?? throw new NotFoundException("No case for this complaint yet.");
        EnsureWithin(c, after);
    }

    /// <summary>The timeline only grows: a token past its end was not given for this case.</summary>
    private static void EnsureWithin(Case c, int after)
    {
        if (after > c.EntryCount)
        {
            throw new ValidationException("resumeToken", "is past the end of this case's timeline: pass the resume_token of an earlier change of this case");
        }
    }

    private Task StreamAsync<T>(Guid id, int after, bool includeInternal, Action<Case>? check, Func<Case, CaseHistoryEntry, CaseText.Fields, T> map,
        IServerStreamWriter<T> writer, CancellationToken callToken)
    {
        var batchSize = options.Value.BatchSize;
        return RunAsync(signal.Subscribe(id), async ct =>
        {
            var (c, entries) = await ReadAsync(id, after, batchSize, ct);
            if (c is null)
            {
                return Next.Stop;
            }
            check?.Invoke(c);
            var fields = text.Open(c);
            foreach (var entry in entries)
            {
                if (includeInternal || entry.IsPublic)
                {
                    await writer.WriteAsync(map(c, entry, fields), ct);
                }
                after = entry.Seq;
            }
            return entries.Count == batchSize ? Next.Read : Next.Wait;
        }, callToken);
    }

    /// <summary>What a watch does after a pass: read again at once, wait for a signal (or the slow poll), look again soon (a gap), or end.</summary>
    private enum Next
    {
        Read,
        Wait,
        Soon,
        Stop,
    }

    /// <summary>
    /// The loop every watch shares: take the signal's waiter, run a pass (read what is new after the watch's position
    /// and write it), then wait for the signal, with the slow poll behind it. Ends when the caller cancels or the host
    /// stops; disposes <paramref name="subscription"/>.
    /// </summary>
    private async Task RunAsync(CaseChangeSignal.Subscription subscription, Func<CancellationToken, Task<Next>> pass, CancellationToken callToken)
    {
        using var _ = subscription;
        // End with the host, or graceful shutdown would wait for every watcher.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(callToken, lifetime.ApplicationStopping);
        var ct = linked.Token;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                // Taken before reading: a change committed while we read still wakes the wait below.
                var waiter = subscription.Next();
                var next = await pass(ct);
                if (next == Next.Stop)
                {
                    return;
                }
                if (next == Next.Read)
                {
                    continue;
                }
                try
                {
                    await waiter.WaitAsync(next == Next.Soon ? TimeSpan.FromMilliseconds(100) : options.Value.PollInterval, clock, ct);
                }
                catch (TimeoutException)
                {
                    // The slow poll: look anyway.
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The caller went away or the host is stopping: the stream ends.
        }
    }

    /// <summary>The case and its entries after <paramref name="after"/> in one query, so the status is never older than the entries.</summary>
    private async Task<(Case? Case, List<CaseHistoryEntry> Entries)> ReadAsync(Guid id, int after, int max, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var c = await db.Cases.AsNoTracking()
            .Include(x => x.Timeline.Where(t => t.Seq > after).OrderBy(t => t.Seq).Take(max))
            .FirstOrDefaultAsync(x => x.ComplaintId == id, ct);
        return c is null ? (null, []) : (c, c.Timeline.OrderBy(t => t.Seq).ToList());
    }
}
