using Complaints.Eventing;
using Complaints.Eventing.V1;
using Complaints.Intake.V1;
using Complaints.Routing.Data;
using Complaints.ServiceDefaults.Data;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Routing.Domain;

/// <summary>
/// The complainant was erased in Intake: destroy the case's data key, so every sealed word about them (their
/// answers, notes, findings, remedy wording) becomes unreadable. The case's non-personal record stays for statistics.
/// </summary>
public sealed class DestroyCaseKeyOnComplainantErased(CaseJournal journal, ILogger<DestroyCaseKeyOnComplainantErased> logger)
    : FeedEventHandler<RoutingDbContext, ComplainantErased>(Sources.Intake)
{
    protected override async Task HandleAsync(ComplainantErased e, EventEnvelope envelope, RoutingDbContext db, CancellationToken ct)
    {
        // The case may have been opened earlier in the same batch, not yet saved: look there first.
        if (!Guid.TryParse(e.ComplaintId, out var id)
            || (db.Cases.Tracked().FirstOrDefault(x => x.ComplaintId == id) ?? await db.Cases.FirstOrDefaultAsync(x => x.ComplaintId == id, ct)) is not { } c
            || c.WrappedKey is null)
        {
            return;
        }
        c.WrappedKey = null;
        journal.Record(db, c, EntryKinds.System, "Complainant's personal data erased", CaseJournal.System);
        logger.LogInformation("Case {Reference}: data key destroyed after erasure", c.Reference);
    }
}
