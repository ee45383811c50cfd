using Complaints.Common.V1;
using Complaints.Eventing;
using Complaints.Eventing.V1;
using Complaints.Insights.V1;
using Complaints.Routing.Data;
using Complaints.Routing.V1;
using Microsoft.EntityFrameworkCore;
using static Complaints.Routing.Domain.CaseJournal;

namespace Complaints.Routing.Domain;

/// <summary>
/// A follow-up survey said "not resolved": the case is flagged for review, as if the complainant had asked to
/// reopen it (ReopenRequested tells the handler; a handler or supervisor decides whether to reopen).
/// </summary>
public sealed class FlagForReviewOnSurveyNotResolved(CaseJournal journal, ILogger<FlagForReviewOnSurveyNotResolved> logger)
    : FeedEventHandler<RoutingDbContext, SurveyNotResolved>(Sources.Insights)
{
    protected override async Task HandleAsync(SurveyNotResolved e, EventEnvelope envelope, RoutingDbContext db, CancellationToken ct)
    {
        if (!Guid.TryParse(e.ComplaintId, out var id) || await db.Cases.FirstOrDefaultAsync(x => x.ComplaintId == id, ct) is not { } c)
        {
            return;
        }
        var at = e.AnsweredAt?.ToDateTimeOffset() ?? journal.Clock.GetUtcNow();
        journal.Record(db, c, EntryKinds.Complainant, "Survey: not resolved, flagged for review", Complainant,
            $"The follow-up survey says the complaint was not resolved (satisfaction {e.Satisfaction}/5).", at: at);
        if ((CaseStatus)c.Status is CaseStatus.Resolved or CaseStatus.Closed && !c.ReopenRequested)
        {
            c.ReopenRequested = true;
            journal.Append(db, c, new ReopenRequested { ComplaintId = e.ComplaintId, Reference = c.Reference, AssigneeId = c.AssigneeId ?? "", At = Stamp(at) });
        }
        logger.LogInformation("Case {Reference} flagged for review after a survey", c.Reference);
    }
}
