using Complaints.Common.V1;
using Complaints.Eventing;
using Complaints.Eventing.V1;
using Complaints.Intake.V1;
using Complaints.Routing.Clocks;
using Complaints.Routing.Data;
using Complaints.Routing.V1;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Routing.Domain;

/// <summary>
/// Staff merged a duplicate complaint into a primary one in Intake. An open duplicate case closes (public entry
/// "Merged into ...", every clock stops, <see cref="CaseClosed"/> with <c>merged_into_reference</c> and no outcome: a
/// merged duplicate is not a resolved complaint for the regulator returns); a resolved or closed one only gets the
/// entry. The primary case gets an internal entry so its handler sees the merge.
/// <para>
/// Both cases are opened from ComplaintReceived events that precede the merge on Intake's feed, so a missing case is
/// practically impossible; if it happens anyway the handler throws and the subscriber retries the batch from its
/// checkpoint later rather than losing the merge.
/// </para>
/// </summary>
public sealed class CloseCaseOnComplaintMerged(CaseJournal journal, CaseClocks clocks, ILogger<CloseCaseOnComplaintMerged> logger)
    : FeedEventHandler<RoutingDbContext, ComplaintMerged>(Sources.Intake)
{
    protected override async Task HandleAsync(ComplaintMerged e, EventEnvelope envelope, RoutingDbContext db, CancellationToken ct)
    {
        var duplicate = await FindAsync(db, e.ComplaintId, e.Reference, ct);
        var primary = await FindAsync(db, e.PrimaryComplaintId, e.PrimaryReference, ct);
        if (duplicate.MergedIntoReference is not null)
        {
            return; // Applied before (the inbox normally skips a redelivery already).
        }
        var now = journal.Clock.GetUtcNow();
        var actor = string.IsNullOrEmpty(e.Actor) ? CaseJournal.System : e.Actor;
        var title = $"Merged into {e.PrimaryReference}";
        var detail = $"Your complaint is handled together with complaint {e.PrimaryReference}, which covers the same matter. Updates will follow there.";
        var parameters = new Dictionary<string, string> { [PublicCodes.MergedIntoReference] = e.PrimaryReference };
        duplicate.MergedIntoReference = e.PrimaryReference;
        if (CaseStateMachine.IsOpen((CaseStatus)duplicate.Status))
        {
            // Not an outcome: whatever resolution was proposed on the duplicate no longer applies.
            duplicate.Outcome = (int)Outcome.Unspecified;
            journal.Transition(db, duplicate, CaseStatus.Closed, "merge", actor, title, detail, at: now, code: PublicCodes.CaseMerged, parameters: parameters);
            duplicate.ClosedAt = now;
            await clocks.StopAllAsync(db, duplicate, now, ct);
            journal.Append(db, duplicate, new CaseClosed
            {
                ComplaintId = duplicate.ComplaintId.ToString(),
                Reference = duplicate.Reference,
                Outcome = Outcome.Unspecified,
                ClosedAt = CaseJournal.Stamp(now),
                ReceivedAt = CaseJournal.Stamp(duplicate.ReceivedAt),
                Category = duplicate.Category,
                Jurisdiction = (Jurisdiction)duplicate.Jurisdiction,
                MergedIntoReference = e.PrimaryReference,
            });
        }
        else
        {
            journal.Record(db, duplicate, EntryKinds.System, title, actor, detail, isPublic: true, at: now, code: PublicCodes.CaseMerged, parameters: parameters);
        }
        journal.Record(db, primary, EntryKinds.System, $"Duplicate {e.Reference} merged into this case", actor, at: now);
        logger.LogInformation("Case {Duplicate} merged into {Primary}", e.Reference, e.PrimaryReference);
    }

    private static async Task<Case> FindAsync(RoutingDbContext db, string complaintId, string reference, CancellationToken ct) =>
        Guid.TryParse(complaintId, out var id) && await db.Cases.FirstOrDefaultAsync(x => x.ComplaintId == id, ct) is { } c
            ? c
            : throw new InvalidOperationException($"No case yet for complaint {reference}: the merge is retried once the case is opened.");
}
