using System.Security.Claims;
using Complaints.Eventing;
using Complaints.Intake.Data;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Auth;
using Complaints.ServiceDefaults.Errors;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Domain;

/// <summary>
/// Staff merge a duplicate complaint into its primary: the duplicate keeps its record and its tracking token but
/// points at the primary (<see cref="ComplaintRecord.MergedIntoId"/>); Routing closes its case on
/// <see cref="ComplaintMerged"/>. Record, audit and event commit in one SaveChanges.
/// </summary>
public sealed class ComplaintMerge(IntakeDbContext db, IntakeAccess access, TimeProvider clock, ILogger<ComplaintMerge> logger)
{
    public async Task<MergeComplaintsResponse> MergeAsync(MergeComplaintsRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var v = new Validator();
        if (string.IsNullOrWhiteSpace(request.PrimaryReference))
        {
            v.Add("primaryReference", "is required");
        }
        if (string.IsNullOrWhiteSpace(request.DuplicateReference))
        {
            v.Add("duplicateReference", "is required");
        }
        var reason = v.Text("reason", request.Reason?.Trim(), 1, 500, allowNewlines: false);
        var primaryReference = ReferenceGenerator.Normalize(request.PrimaryReference);
        var duplicateReference = ReferenceGenerator.Normalize(request.DuplicateReference);
        if (v.IsValid && primaryReference == duplicateReference)
        {
            v.Add("duplicateReference", "must differ from primaryReference: a complaint cannot be merged into itself");
        }
        v.ThrowIfInvalid();

        var viewer = await access.ViewerAsync(user, ct);
        var duplicate = IntakeAccess.Visible(await FindAsync(duplicateReference, ct), viewer, duplicateReference);
        var primary = IntakeAccess.Visible(await FindAsync(primaryReference, ct), viewer, primaryReference);
        // The duplicate's case closes: that is its handler's or a supervisor's call.
        viewer.EnsureMayAct(StaffOperations.MergeComplaints, duplicate);
        if (duplicate.Confidential != primary.Confidential)
        {
            // Each timeline names the other complaint: a confidential one would appear where its circle does not reach.
            throw new PreconditionException(
                $"{duplicate.Reference} and {primary.Reference} differ in confidentiality: a confidential complaint merges only with another confidential complaint.");
        }
        var answer = new MergeComplaintsResponse { PrimaryReference = primary.Reference, DuplicateReference = duplicate.Reference };
        if (duplicate.MergedIntoId == primary.Id)
        {
            return answer; // Already done: same answer, no second event.
        }

        foreach (var c in new[] { duplicate, primary })
        {
            if (c.ErasedAt is { } erasedAt)
            {
                throw new PreconditionException($"The complainant's data of {c.Reference} was erased on {erasedAt:yyyy-MM-dd}: it cannot be merged.");
            }
        }
        if (duplicate.MergedIntoId is { } earlier)
        {
            throw new PreconditionException($"{duplicate.Reference} is already merged into {await ReferenceOfAsync(earlier, ct)}.");
        }
        if (primary.MergedIntoId is { } primaryTarget)
        {
            throw new PreconditionException(
                $"{primary.Reference} is itself merged into {await ReferenceOfAsync(primaryTarget, ct)}: merge into that complaint instead (no chains).");
        }
        if (await db.Complaints.AsNoTracking().Where(c => c.MergedIntoId == duplicate.Id).Select(c => c.Reference).FirstOrDefaultAsync(ct) is { } child)
        {
            throw new PreconditionException(
                $"{child} is merged into {duplicate.Reference}, so {duplicate.Reference} cannot be merged into another complaint (no chains).");
        }
        if (!SameComplainant(primary, duplicate))
        {
            throw new PreconditionException(
                $"{duplicate.Reference} and {primary.Reference} are not the same complainant (neither linked as possible duplicates nor sharing an email or phone).");
        }

        var now = clock.GetUtcNow();
        duplicate.MergedIntoId = primary.Id;
        // The checks above are re-checked at commit: both rows' versions must be the ones read, so a concurrent merge
        // (this duplicate taken as another's primary, or this primary merged away), an erasure or a hold fails the save.
        db.Entry(primary).Property(x => x.Version).IsModified = true;
        var actor = user.FindFirst("sub")?.Value ?? "unknown";
        db.AccessAudit.Add(AccessAudit.By(user, "merge", duplicate.Id, reason, now));
        db.AccessAudit.Add(AccessAudit.By(user, "merge-primary", primary.Id, reason, now));
        db.AppendEvent(new ComplaintMerged
        {
            ComplaintId = duplicate.Id.ToString(),
            Reference = duplicate.Reference,
            PrimaryComplaintId = primary.Id.ToString(),
            PrimaryReference = primary.Reference,
            MergedAt = Timestamp.FromDateTimeOffset(now),
            Actor = actor,
        }, duplicate.Id.ToString(), clock);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new RpcException(new Status(StatusCode.Aborted,
                $"{duplicate.Reference} or {primary.Reference} changed while they were merged (another merge, an erasure or a legal hold "
                + "at the same moment); nothing was merged. Look at both complaints again before retrying."));
        }
        logger.LogInformation("Complaint {Duplicate} merged into {Primary} by {Actor}", duplicate.Reference, primary.Reference, actor);
        return answer;
    }

    /// <summary>
    /// The same complainant: a shared email or phone blind index. Possible duplicates (<see cref="StaffAccess.SearchAsync"/>)
    /// are linked through these indexes plus category and time window, so every linked pair passes this test too.
    /// </summary>
    public static bool SameComplainant(ComplaintRecord a, ComplaintRecord b) =>
        (a.EmailIndex is not null && b.EmailIndex is not null && a.EmailIndex.AsSpan().SequenceEqual(b.EmailIndex))
        || (a.PhoneIndex is not null && b.PhoneIndex is not null && a.PhoneIndex.AsSpan().SequenceEqual(b.PhoneIndex));

    private Task<ComplaintRecord?> FindAsync(string reference, CancellationToken ct) =>
        db.Complaints.FirstOrDefaultAsync(c => c.Reference == reference, ct);

    private async Task<string> ReferenceOfAsync(Guid id, CancellationToken ct) =>
        await db.Complaints.AsNoTracking().Where(c => c.Id == id).Select(c => c.Reference).SingleAsync(ct);
}
