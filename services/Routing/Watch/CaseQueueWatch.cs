using System.Security.Claims;
using Complaints.Eventing;
using Complaints.Routing.Data;
using Complaints.Routing.Directory;
using Complaints.Routing.Domain;
using Complaints.Routing.Queues;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Auth;
using Complaints.ServiceDefaults.Errors;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Routing.Watch;

/// <summary>
/// WatchCases: a filtered set of cases, live. The position is the revision log's (<see cref="CaseRevision"/>, one row
/// per committed change of a case, numbered across cases): each revision after it is compared with the case's previous
/// revision under the filter and the need-to-know rule, giving ENTERED, CHANGED or LEFT (a case the caller may no longer
/// see has LEFT, with its reference only). Each message's resume token is its revision: resuming after it reads only
/// later revisions, so nothing is missed and nothing comes twice. Woken by the same signal and loop as the case watch.
/// </summary>
public sealed partial class CaseWatch
{
    public async Task WatchQueueAsync(WatchCasesRequest request, ClaimsPrincipal user, IServerStreamWriter<CaseListChange> writer, CancellationToken ct)
    {
        var v = new Validator();
        var filter = CaseQueueFilter.Parse(request.Filter, v, resolution.Value.MaxEscalationTier);
        var resume = CaseRevisions.Parse(request.ResumeToken, v);
        long position;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
            var viewer = await scope.ServiceProvider.GetRequiredService<CaseAccess>().ViewerAsync(user, ct);
            filter.EnsureConsistent(viewer.StaffId, v);
            v.ThrowIfInvalid();
            var end = await CaseRevisions.PositionAsync(db, ct);
            if (resume > end)
            {
                throw new ValidationException("resumeToken", "is past the end of the change feed: pass a resume_token this service gave");
            }
            position = resume ?? end;
        }

        var settings = options.Value;
        var gaps = new SequenceGaps(settings.GapGrace, clock);
        var synced = false;
        await RunAsync(signal.SubscribeAll(), async token =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
            // Read at each pass: a change of the directory (a queue's supervisors) applies from the next change on.
            var viewer = await scope.ServiceProvider.GetRequiredService<CaseAccess>().ViewerAsync(user, token);
            var rows = await db.Revisions.AsNoTracking().Where(r => r.Seq > position).OrderBy(r => r.Seq).Take(settings.BatchSize).ToListAsync(token);
            var (readable, waiting) = gaps.Readable(rows, position, r => r.Seq);
            if (readable.Count > 0)
            {
                foreach (var change in await ChangesAsync(db, filter, viewer, position, readable, token))
                {
                    await writer.WriteAsync(change, token);
                }
                position = readable[^1].Seq;
            }
            if (!synced && !waiting && rows.Count < settings.BatchSize)
            {
                // Caught up: the client knows the replay is over, and holds a position even if nothing changes.
                await writer.WriteAsync(new CaseListChange { Kind = CaseListChangeKind.Synced, ResumeToken = CaseRevisions.Token(position) }, token);
                synced = true;
            }
            return waiting ? Next.Soon : rows.Count == settings.BatchSize ? Next.Read : Next.Wait;
        }, ct);
    }

    /// <summary>The messages for <paramref name="revisions"/> (in order, all after <paramref name="position"/>).</summary>
    private async Task<List<CaseListChange>> ChangesAsync(RoutingDbContext db, CaseQueueFilter filter, Viewer viewer, long position,
        List<CaseRevision> revisions, CancellationToken ct)
    {
        var ids = revisions.Select(r => r.ComplaintId).Distinct().ToList();
        // Each case's revision at the position: what the client last learned of it.
        var previous = await db.Revisions.AsNoTracking()
            .Where(r => ids.Contains(r.ComplaintId)
                && r.Seq == db.Revisions.Where(x => x.ComplaintId == r.ComplaintId && x.Seq <= position).Max(x => (long?)x.Seq))
            .ToDictionaryAsync(r => r.ComplaintId, ct);
        var matches = filter.Compile<CaseRevision>(viewer.StaffId, clock.GetUtcNow());
        bool Member(CaseRevision? r) => r is not null && viewer.MaySee(r) && matches(r);
        var lastOfCase = revisions.GroupBy(r => r.ComplaintId).ToDictionary(g => g.Key, g => g.Max(r => r.Seq));

        var changes = new List<(CaseRevision Revision, CaseListChangeKind Kind)>();
        foreach (var revision in revisions)
        {
            var was = Member(previous.GetValueOrDefault(revision.ComplaintId));
            var now = Member(revision);
            previous[revision.ComplaintId] = revision;
            var kind = (was, now) switch
            {
                (false, true) => CaseListChangeKind.Entered,
                (true, true) => CaseListChangeKind.Changed,
                (true, false) => CaseListChangeKind.Left,
                _ => CaseListChangeKind.Unspecified,
            };
            // A change superseded by a later one of the same case in this batch says nothing the later one does not.
            if (kind == CaseListChangeKind.Unspecified || (kind == CaseListChangeKind.Changed && lastOfCase[revision.ComplaintId] != revision.Seq))
            {
                continue;
            }
            changes.Add((revision, kind));
        }

        var shown = changes.Where(x => x.Kind != CaseListChangeKind.Left).Select(x => x.Revision.ComplaintId).Distinct().ToList();
        var cases = shown.Count == 0 ? [] : await db.Cases.AsNoTracking().Where(c => shown.Contains(c.ComplaintId)).ToListAsync(ct);
        var summaries = (await CaseQueries.SummariesAsync(db, cases, ct)).ToDictionary(s => s.ComplaintId);
        return changes.Select(x => new CaseListChange
        {
            ResumeToken = CaseRevisions.Token(x.Revision.Seq),
            Kind = x.Kind,
            Reference = x.Revision.Reference,
            // The case as it is now: a later revision in this batch may already show in it.
            Summary = x.Kind == CaseListChangeKind.Left ? null : summaries.GetValueOrDefault(x.Revision.ComplaintId.ToString()),
        }).ToList();
    }
}
