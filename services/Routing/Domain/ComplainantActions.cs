using Complaints.Common.V1;
using Complaints.Routing.Data;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Errors;
using Microsoft.EntityFrameworkCore;
using static Complaints.Routing.Domain.CaseJournal;

namespace Complaints.Routing.Domain;

/// <summary>
/// The complainant's own actions, verified by Intake and forwarded as commands. Each command's id is stored on
/// the entry it creates (a unique column), so a retried command is applied once, even when two copies race.
/// </summary>
public sealed class ComplainantActions(RoutingDbContext db, CaseJournal journal, CaseWork work)
{
    public Task<ComplainantActionResponse> AnswerAsync(ComplainantActionRequest request, CancellationToken ct) =>
        ApplyAsync(request, requireText: request.AttachmentIds.Count == 0, async (c, text, at) =>
        {
            if ((CaseStatus)c.Status != CaseStatus.AwaitingComplainant)
            {
                throw new PreconditionException("There is no open request for information on this complaint.");
            }
            // Leaving AWAITING_COMPLAINANT resumes the SLA clocks and clears the request.
            await work.MoveAsync(c, CaseStatus.InInvestigation, "answer a request for information on", Complainant,
                "Your answer was received", PublicCodes.DescribeWithDocuments(text, request.AttachmentIds.Count), commandId: request.CommandId,
                code: PublicCodes.InformationAnswered, parameters: Documents(request), ct: ct);
            Responded(c, "answer", request, at);
        }, ct);

    public Task<ComplainantActionResponse> AddDocumentAsync(ComplainantActionRequest request, CancellationToken ct) =>
        ApplyAsync(request, requireText: false, (c, text, at) =>
        {
            if (request.AttachmentIds.Count == 0)
            {
                throw new ValidationException("attachmentIds", "must name at least one document");
            }
            if ((CaseStatus)c.Status == CaseStatus.Closed)
            {
                throw new PreconditionException("This complaint is closed: ask to reopen it first.");
            }
            journal.Record(db, c, EntryKinds.Complainant, "You added a document", Complainant, PublicCodes.DescribeWithDocuments(text, request.AttachmentIds.Count),
                isPublic: true, at: at, commandId: request.CommandId, code: PublicCodes.DocumentAdded, parameters: Documents(request));
            Responded(c, "document", request, at);
            return Task.CompletedTask;
        }, ct);

    public Task<ComplainantActionResponse> WithdrawAsync(ComplainantActionRequest request, CancellationToken ct) =>
        ApplyAsync(request, requireText: false, async (c, text, at) =>
        {
            if (!CaseStateMachine.IsOpen((CaseStatus)c.Status))
            {
                throw new PreconditionException("This complaint is already resolved or closed; it cannot be withdrawn.");
            }
            await work.CloseCaseAsync(c, Complainant, text, withdrawn: true, request.CommandId, ct);
            Responded(c, "withdrawal", request, at);
        }, ct);

    public Task<ComplainantActionResponse> RequestReopenAsync(ComplainantActionRequest request, CancellationToken ct) =>
        ApplyAsync(request, requireText: true, (c, text, at) =>
        {
            CaseStateMachine.EnsureIn((CaseStatus)c.Status, "ask to reopen", CaseStatus.Resolved, CaseStatus.Closed);
            c.ReopenRequested = true;
            journal.Record(db, c, EntryKinds.Complainant, "You asked us to reopen your complaint", Complainant, text,
                isPublic: true, at: at, commandId: request.CommandId, code: PublicCodes.ReopenRequested);
            journal.Append(db, c, new ReopenRequested
            {
                ComplaintId = c.ComplaintId.ToString(),
                Reference = c.Reference,
                AssigneeId = c.AssigneeId ?? "",
                At = Stamp(at),
            });
            return Task.CompletedTask;
        }, ct);

    private async Task<ComplainantActionResponse> ApplyAsync(ComplainantActionRequest request, bool requireText,
        Func<Case, string?, DateTimeOffset, Task> apply, CancellationToken ct)
    {
        var v = new Validator();
        if (string.IsNullOrWhiteSpace(request.CommandId) || request.CommandId.Length > 64)
        {
            v.Add("commandId", "is required (at most 64 characters)");
        }
        var text = requireText
            ? v.Text("text", request.Text, 1, CaseWork.TextMax)
            : string.IsNullOrWhiteSpace(request.Text) ? null : v.Text("text", request.Text, 0, CaseWork.TextMax);
        v.ThrowIfInvalid();
        var id = CaseQueries.ParseId(request.ComplaintId);
        if (await AppliedStatusAsync(id, request.CommandId, ct) is { } done)
        {
            return done;
        }
        var c = await db.Cases.FirstOrDefaultAsync(x => x.ComplaintId == id, ct)
            ?? throw new NotFoundException("No case for this complaint yet: try again in a moment.");
        await apply(c, text, journal.Clock.GetUtcNow());
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same command may have won on another request at the same moment.
            if (await AppliedStatusAsync(id, request.CommandId, ct, fresh: true) is { } raced)
            {
                return raced;
            }
            throw;
        }
        return new ComplainantActionResponse { Status = (CaseStatus)c.Status, Applied = true };
    }

    private async Task<ComplainantActionResponse?> AppliedStatusAsync(Guid id, string commandId, CancellationToken ct, bool fresh = false)
    {
        if (fresh)
        {
            db.ChangeTracker.Clear();
        }
        var applied = await db.Timeline.AsNoTracking().AnyAsync(t => t.CommandId == commandId && t.ComplaintId == id, ct);
        if (!applied)
        {
            return null;
        }
        var status = await db.Cases.AsNoTracking().Where(x => x.ComplaintId == id).Select(x => x.Status).FirstAsync(ct);
        return new ComplainantActionResponse { Status = (CaseStatus)status, Applied = false };
    }

    private void Responded(Case c, string kind, ComplainantActionRequest request, DateTimeOffset at) =>
        journal.Append(db, c, new ComplainantResponded
        {
            ComplaintId = c.ComplaintId.ToString(),
            Reference = c.Reference,
            AssigneeId = c.AssigneeId ?? "",
            Kind = kind,
            AttachmentCount = request.AttachmentIds.Count,
            At = Stamp(at),
        });

    private static Dictionary<string, string> Documents(ComplainantActionRequest request) =>
        new() { [PublicCodes.Documents] = request.AttachmentIds.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) };
}
