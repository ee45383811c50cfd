using System.Security.Claims;
using Complaints.Common.V1;
using Complaints.Routing.Clocks;
using Complaints.Routing.Data;
using Complaints.Routing.Directory;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Auth;
using Complaints.ServiceDefaults.Errors;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using static Complaints.Routing.Domain.CaseJournal;

namespace Complaints.Routing.Domain;

/// <summary>
/// The staff's operations on a case. Each loads the case the caller may see, checks the state machine,
/// changes the case, its clocks, its audit trail and its events, and saves them in one SaveChanges (the
/// case's version makes a concurrent change fail with Aborted instead of being lost).
/// </summary>
public sealed class CaseWork(RoutingDbContext db, CaseAccess access, CaseJournal journal, CaseClocks clocks, CaseRouter router,
    FinalResponsePolicy finalResponse, IOptions<ResolutionOptions> options)
{
    public const int TextMax = 10_000;
    private const int ReasonMax = 2_000;

    private ResolutionOptions Policy => options.Value;

    public async Task<CaseSummary> AssignAsync(AssignCaseRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var (c, actor, viewer) = await LoadAsync(request.Reference, user, null, ct);
        var v = new Validator();
        var reason = Optional(v, "reason", request.Reason, ReasonMax);
        v.ThrowIfInvalid();
        EnsureOpen(c, "assign");
        await router.AssignAsync(db, c, Blank(request.QueueId), Blank(request.AssigneeId), actor, viewer, reason, Now, ct);
        return await SaveAsync(c, ct);
    }

    public async Task<CaseSummary> StartInvestigationAsync(CaseActionRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var (c, actor, _) = await LoadAsync(request.Reference, user, StaffOperations.StartInvestigation, ct);
        var v = new Validator();
        var reason = Optional(v, "reason", request.Reason, ReasonMax);
        v.ThrowIfInvalid();
        await MoveAsync(c, CaseStatus.InInvestigation, "start investigating", actor, "Investigation started",
            "We are looking into your complaint.", reason: reason, code: PublicCodes.InvestigationStarted, ct: ct);
        return await SaveAsync(c, ct);
    }

    public async Task<CaseSummary> AddNoteAsync(AddNoteRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var (c, actor, _) = await LoadAsync(request.Reference, user, StaffOperations.AddNote, ct);
        var v = new Validator();
        var text = v.Text("text", request.Text, 1, TextMax);
        v.ThrowIfInvalid();
        EnsureNotErased(c);
        journal.Record(db, c, EntryKinds.Note, "Internal note", actor, text);
        return await SaveAsync(c, ct);
    }

    public async Task<CaseSummary> PostPublicUpdateAsync(PostPublicUpdateRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var (c, actor, _) = await LoadAsync(request.Reference, user, StaffOperations.PostPublicUpdate, ct);
        var v = new Validator();
        var text = v.Text("text", request.Text, 1, TextMax);
        v.ThrowIfInvalid();
        EnsureOpen(c, "post an update on");
        EnsureNotErased(c);
        var entry = journal.Record(db, c, EntryKinds.PublicUpdate, "Update from your handler", actor, text, isPublic: true, code: PublicCodes.UpdatePosted);
        await FirstResponseAsync(c, ct);
        journal.Append(db, c, new PublicUpdatePosted
        {
            ComplaintId = c.ComplaintId.ToString(),
            Reference = c.Reference,
            EntryId = entry.Seq,
            At = Stamp(entry.At),
        });
        return await SaveAsync(c, ct);
    }

    public async Task<CaseSummary> RequestInformationAsync(RequestInformationRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var (c, actor, _) = await LoadAsync(request.Reference, user, StaffOperations.RequestInformation, ct);
        var v = new Validator();
        var question = v.Text("question", request.Question, 1, TextMax);
        if (request.RespondWithinDays is < 0 or > 90)
        {
            v.Add("respondWithinDays", "must be between 1 and 90 (0: the default)");
        }
        v.ThrowIfInvalid();
        EnsureNotErased(c);
        var now = Now;
        // A number of days to answer: the end of the last of them, in the jurisdiction's calendar (a date, not a time).
        var calendar = clocks.Policies.CalendarFor((Jurisdiction)c.Jurisdiction);
        var due = calendar.EndOfCalendarDaysAfter(now, request.RespondWithinDays > 0 ? request.RespondWithinDays : Policy.DefaultRespondWithinDays);
        var parameters = new Dictionary<string, string>();
        PublicCodes.AddDeadline(parameters, PublicCodes.InformationDue, due, calendar);
        var entry = await MoveAsync(c, CaseStatus.AwaitingComplainant, "request information on", actor,
            "Information requested", question, code: PublicCodes.InformationRequested, parameters: parameters, ct: ct);
        c.InformationRequestEntryId = entry.Seq;
        c.InformationDueAt = due;
        await clocks.PauseSlaAsync(db, c, now, ct);
        await FirstResponseAsync(c, ct);
        journal.Append(db, c, new InformationRequested
        {
            ComplaintId = c.ComplaintId.ToString(),
            Reference = c.Reference,
            EntryId = entry.Seq,
            DueBy = Stamp(c.InformationDueAt),
            DueByDate = DeadlineDates.OrEmpty(c.InformationDueAt, calendar),
            At = Stamp(now),
        });
        return await SaveAsync(c, ct);
    }

    public async Task<CaseSummary> RecordFindingsAsync(RecordFindingsRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var (c, actor, _) = await LoadAsync(request.Reference, user, StaffOperations.RecordFindings, ct);
        var v = new Validator();
        var findings = v.Text("findings", request.Findings, 1, TextMax);
        var rootCause = (request.RootCause ?? "").Trim();
        if (!Policy.RootCauses.Contains(rootCause, StringComparer.Ordinal))
        {
            v.Add("rootCause", $"must be one of: {string.Join(", ", Policy.RootCauses)}");
        }
        var detail = rootCause == "other"
            ? v.Text("rootCauseDetail", request.RootCauseDetail, 1, TextMax)
            : Optional(v, "rootCauseDetail", request.RootCauseDetail, TextMax);
        var corrective = Optional(v, "correctiveAction", request.CorrectiveAction, TextMax);
        v.ThrowIfInvalid();
        CaseStateMachine.EnsureIn((CaseStatus)c.Status, "record findings on",
            CaseStatus.InInvestigation, CaseStatus.AwaitingComplainant, CaseStatus.ResolutionProposed, CaseStatus.Reopened);
        var fields = journal.Text.Open(c);
        c.Findings = fields.Seal(findings, "findings");
        c.RootCause = rootCause;
        c.RootCauseDetail = fields.Seal(detail, "root_cause_detail");
        c.CorrectiveAction = fields.Seal(corrective, "corrective_action");
        journal.Record(db, c, EntryKinds.Investigation, $"Findings recorded (root cause: {rootCause})", actor,
            corrective is null ? findings : $"{findings}\n\nCorrective action: {corrective}");
        return await SaveAsync(c, ct);
    }

    public async Task<CaseSummary> ProposeResolutionAsync(ProposeResolutionRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var (c, actor, _) = await LoadAsync(request.Reference, user, StaffOperations.ProposeResolution, ct);
        var v = new Validator();
        if (request.Outcome is not (Outcome.Upheld or Outcome.PartlyUpheld or Outcome.NotUpheld))
        {
            v.Add("outcome", "must be OUTCOME_UPHELD, OUTCOME_PARTLY_UPHELD or OUTCOME_NOT_UPHELD (a withdrawal comes from the complainant)");
        }
        var summary = v.Text("summary", request.Summary, 1, TextMax);
        var remedy = request.Remedy ?? new Remedy();
        var refund = v.Money("remedy.refund", remedy.Refund?.Amount, remedy.Refund?.Currency);
        var compensation = v.Money("remedy.compensation", remedy.Compensation?.Amount, remedy.Compensation?.Currency);
        var relief = Optional(v, "remedy.nonMonetaryRelief", remedy.NonMonetaryRelief, TextMax);
        if (request.Outcome == Outcome.NotUpheld && (refund.Amount is not null || compensation.Amount is not null))
        {
            v.Add("remedy", "a complaint not upheld carries no refund or compensation (record a goodwill payment as partly upheld)");
        }
        v.ThrowIfInvalid();
        CaseStateMachine.Ensure((CaseStatus)c.Status, CaseStatus.ResolutionProposed, "propose a resolution for");
        if (c.RootCause is null)
        {
            throw new PreconditionException("Record the findings and root cause (RecordFindings) before proposing a resolution.");
        }
        var fields = journal.Text.Open(c);
        c.Outcome = (int)request.Outcome;
        c.ResolutionSummary = fields.Seal(summary, "resolution_summary");
        c.RemedyApology = remedy.Apology;
        c.RemedyExplanation = remedy.Explanation;
        (c.RefundAmount, c.RefundCurrency) = refund;
        (c.CompensationAmount, c.CompensationCurrency) = compensation;
        c.NonMonetaryRelief = fields.Seal(relief, "non_monetary_relief");
        c.ProposedBy = actor;
        c.ResolutionApproved = false;
        c.ApprovedBy = null;
        c.AwaitingApproval = NeedsApproval(c);
        await MoveAsync(c, CaseStatus.ResolutionProposed, "propose a resolution for", actor,
            c.AwaitingApproval ? $"Resolution proposed ({ProtoEnums.Name(request.Outcome)}), awaiting approval" : $"Resolution proposed ({ProtoEnums.Name(request.Outcome)})",
            summary, isPublic: false, ct: ct);
        return await SaveAsync(c, ct);
    }

    public async Task<CaseSummary> DecideResolutionAsync(DecideResolutionRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var (c, actor, _) = await LoadAsync(request.Reference, user, StaffOperations.DecideResolution, ct);
        var v = new Validator();
        var comment = request.Approve ? Optional(v, "comment", request.Comment, ReasonMax) : v.Text("comment", request.Comment, 1, ReasonMax);
        v.ThrowIfInvalid();
        if ((CaseStatus)c.Status != CaseStatus.ResolutionProposed || !c.AwaitingApproval)
        {
            throw new PreconditionException("There is no resolution awaiting approval on this case.");
        }
        if (c.ProposedBy == actor)
        {
            throw new PreconditionException("The resolution must be approved by someone other than the person who proposed it.");
        }
        c.AwaitingApproval = false;
        if (request.Approve)
        {
            c.ResolutionApproved = true;
            c.ApprovedBy = actor;
            journal.Record(db, c, EntryKinds.Resolution, "Resolution approved", actor, comment);
        }
        else
        {
            await MoveAsync(c, CaseStatus.InInvestigation, "reject the resolution of", actor, "Resolution rejected", comment, isPublic: false, ct: ct);
        }
        return await SaveAsync(c, ct);
    }

    public async Task<FinalResponseRequirements> RequirementsAsync(CaseRef request, ClaimsPrincipal user, CancellationToken ct)
    {
        var (c, _, _) = await LoadAsync(request.Reference, user, StaffOperations.GetFinalResponseRequirements, ct);
        var summary = IsSummary(c, Now);
        var response = new FinalResponseRequirements { Jurisdiction = (Jurisdiction)c.Jurisdiction, SummaryResolutionAvailable = summary };
        response.Statements.AddRange(finalResponse.Required((Jurisdiction)c.Jurisdiction, summary, c.PreferredLanguage));
        return response;
    }

    public async Task<CaseSummary> SendFinalResponseAsync(SendFinalResponseRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var (c, actor, _) = await LoadAsync(request.Reference, user, StaffOperations.SendFinalResponse, ct);
        var v = new Validator();
        var text = v.Text("text", request.Text, 1, TextMax);
        v.ThrowIfInvalid();
        CaseStateMachine.Ensure((CaseStatus)c.Status, CaseStatus.Resolved, "send the final response for");
        if (c.AwaitingApproval || (NeedsApproval(c) && !c.ResolutionApproved))
        {
            throw new PreconditionException("This resolution needs a supervisor's approval before the final response can be sent.");
        }
        var now = Now;
        var summary = IsSummary(c, now);
        var missing = finalResponse.Missing((Jurisdiction)c.Jurisdiction, summary, c.PreferredLanguage, text);
        if (missing.Count > 0)
        {
            throw new PreconditionException(
                $"The final response lacks what {ProtoEnums.Name((Jurisdiction)c.Jurisdiction)} requires: "
                + string.Join("; ", missing.Select(m => $"{m.Code} ({m.Description})"))
                + ". GetFinalResponseRequirements gives standard wording.");
        }
        var withinSla = await clocks.WithinAsync(db, c, ClockKind.SlaResolve, now, ct);
        var withinStatutory = await clocks.WithinAsync(db, c, ClockKind.StatutoryFinalResponse, now, ct);
        var entry = await MoveAsync(c, CaseStatus.Resolved, "send the final response for", actor,
            summary ? "Summary resolution sent" : "Final response sent", text, kind: EntryKinds.FinalResponse,
            code: summary ? PublicCodes.SummaryResolutionSent : PublicCodes.FinalResponseSent, ct: ct);
        c.FinalResponseSentAt = now;
        c.ResolvedAt = now;
        await FirstResponseAsync(c, ct);
        await clocks.StopAsync(db, c, ClockKind.SlaResolve, now, ct);
        await clocks.StopAsync(db, c, ClockKind.StatutoryFinalResponse, now, ct);
        journal.Append(db, c, new FinalResponseSent
        {
            ComplaintId = c.ComplaintId.ToString(),
            Reference = c.Reference,
            EntryId = entry.Seq,
            Outcome = (Outcome)c.Outcome,
            Remedy = new Remedy
            {
                Apology = c.RemedyApology,
                Explanation = c.RemedyExplanation,
                Refund = CaseQueries.MoneyOf(c.RefundAmount, c.RefundCurrency),
                Compensation = CaseQueries.MoneyOf(c.CompensationAmount, c.CompensationCurrency),
            },
            RootCause = c.RootCause ?? "",
            At = Stamp(now),
            ReceivedAt = Stamp(c.ReceivedAt),
            WithinSla = withinSla,
            WithinStatutory = withinStatutory,
            SummaryResolution = summary,
            Category = c.Category,
            Jurisdiction = (Jurisdiction)c.Jurisdiction,
        });
        return await SaveAsync(c, ct);
    }

    public async Task<CaseSummary> CloseAsync(CaseActionRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var (c, actor, _) = await LoadAsync(request.Reference, user, StaffOperations.CloseCase, ct);
        var v = new Validator();
        var reason = Optional(v, "reason", request.Reason, ReasonMax);
        v.ThrowIfInvalid();
        // Staff close a resolved case; an open case ends only by the complainant's withdrawal.
        CaseStateMachine.EnsureIn((CaseStatus)c.Status, "close", CaseStatus.Resolved);
        await CloseCaseAsync(c, actor, reason, withdrawn: false, commandId: null, ct);
        return await SaveAsync(c, ct);
    }

    public async Task<CaseSummary> ReopenAsync(CaseActionRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var (c, actor, _) = await LoadAsync(request.Reference, user, StaffOperations.ReopenCase, ct);
        var v = new Validator();
        var reason = v.Text("reason", request.Reason, 1, ReasonMax);
        v.ThrowIfInvalid();
        var now = Now;
        await MoveAsync(c, CaseStatus.Reopened, "reopen", actor, "Complaint reopened",
            "We have reopened your complaint and will review it again.", reason: reason, code: PublicCodes.CaseReopened, ct: ct);
        c.Outcome = (int)Outcome.Unspecified;
        c.AwaitingApproval = false;
        c.ResolutionApproved = false;
        c.ApprovedBy = null;
        c.ProposedBy = null;
        c.ReopenRequested = false;
        c.ClosedAt = null;
        c.ResolvedAt = null;
        await clocks.RestartOnReopenAsync(db, c, now, ct);
        journal.Append(db, c, new CaseReopened
        {
            ComplaintId = c.ComplaintId.ToString(),
            Reference = c.Reference,
            At = Stamp(now),
            Actor = actor,
            ResolveBy = Stamp(c.ResolveBy),
            ResolveByDate = DeadlineDates.OrEmpty(c.ResolveBy, clocks.Policies.CalendarFor((Jurisdiction)c.Jurisdiction)),
        });
        return await SaveAsync(c, ct);
    }

    public async Task<CaseSummary> EscalateAsync(EscalateCaseRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var (c, actor, _) = await LoadAsync(request.Reference, user, StaffOperations.EscalateCase, ct);
        var v = new Validator();
        var reason = v.Text("reason", request.Reason, 1, ReasonMax);
        var tier = request.Tier == 0 ? c.EscalationTier + 1 : request.Tier;
        if (tier <= c.EscalationTier || tier > Policy.MaxEscalationTier)
        {
            v.Add("tier", $"must be above the current tier {c.EscalationTier} and at most {Policy.MaxEscalationTier}");
        }
        v.ThrowIfInvalid();
        EnsureOpen(c, "escalate");
        c.EscalationTier = tier;
        journal.Record(db, c, EntryKinds.Escalation, $"Escalated to tier {tier}", actor, reason: reason);
        journal.Append(db, c, new CaseEscalated
        {
            ComplaintId = c.ComplaintId.ToString(),
            Reference = c.Reference,
            Tier = tier,
            Actor = actor,
            At = Stamp(Now),
            QueueId = c.QueueId ?? "",
            AssigneeId = c.AssigneeId ?? "",
        });
        return await SaveAsync(c, ct);
    }

    public async Task<CaseSummary> OverrideSeverityAsync(OverrideSeverityRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var (c, actor, viewer) = await LoadAsync(request.Reference, user, StaffOperations.OverrideSeverity, ct);
        var v = new Validator();
        if (request.Severity is not (Severity.Low or Severity.Medium or Severity.High or Severity.Critical))
        {
            v.Add("severity", "must be SEVERITY_LOW, SEVERITY_MEDIUM, SEVERITY_HIGH or SEVERITY_CRITICAL");
        }
        var reason = v.Text("reason", request.Reason, 1, ReasonMax);
        v.ThrowIfInvalid();
        EnsureOpen(c, "change the severity of");
        var previous = (Severity)c.Severity;
        if (request.Severity < previous && !viewer.IsSupervisorOf(c))
        {
            throw new ForbiddenException("Only a supervisor can lower a case's severity.");
        }
        c.Severity = (int)request.Severity;
        c.SeverityOverridden = true;
        await clocks.RetimeSlaAsync(db, c, previous, Now, ct);
        if ((CaseStatus)c.Status == CaseStatus.ResolutionProposed && !c.ResolutionApproved && NeedsApproval(c))
        {
            // A higher severity can make a pending proposal need approval; a lower one never cancels a pending approval.
            c.AwaitingApproval = true;
        }
        journal.Record(db, c, EntryKinds.Severity, $"Severity {ProtoEnums.Name(previous)} → {ProtoEnums.Name(request.Severity)}", actor, reason: reason);
        journal.Append(db, c, new SeverityAssessed
        {
            ComplaintId = c.ComplaintId.ToString(),
            Reference = c.Reference,
            Severity = request.Severity,
            Override = true,
            Actor = actor,
            At = Stamp(Now),
        });
        return await SaveAsync(c, ct);
    }

    public async Task<CaseSummary> ExtendStatutoryAsync(CaseActionRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var (c, actor, _) = await LoadAsync(request.Reference, user, StaffOperations.ExtendStatutoryDeadline, ct);
        var v = new Validator();
        var reason = v.Text("reason", request.Reason, 1, ReasonMax);
        v.ThrowIfInvalid();
        EnsureOpen(c, "extend the deadline of");
        var now = Now;
        var (previous, due) = await clocks.ExtendStatutoryAsync(db, c, now, ct);
        c.StatutoryExtended = true;
        var calendar = clocks.Policies.CalendarFor((Jurisdiction)c.Jurisdiction);
        var parameters = new Dictionary<string, string>();
        PublicCodes.AddDeadline(parameters, PublicCodes.FinalResponseDue, due, calendar);
        // The holding reply: the reason for the delay and the new date (PSD2 requires both).
        journal.Record(db, c, EntryKinds.Deadline, "We need more time", actor,
            $"We need more time to answer your complaint: {reason} We will send you our final response by {DeadlineDates.Describe(due, calendar)}.",
            isPublic: true, reason: reason, code: PublicCodes.DeadlineExtended, parameters: parameters);
        journal.Append(db, c, new StatutoryDeadlineExtended
        {
            ComplaintId = c.ComplaintId.ToString(),
            Reference = c.Reference,
            Jurisdiction = (Jurisdiction)c.Jurisdiction,
            PreviousDue = Stamp(previous),
            FinalResponseDue = Stamp(due),
            PreviousDueDate = DeadlineDates.OrEmpty(previous, calendar),
            FinalResponseDueDate = DeadlineDates.OrEmpty(due, calendar),
            At = Stamp(now),
        });
        return await SaveAsync(c, ct);
    }

    /// <summary>
    /// Every status change goes through here, so leaving a state undoes what the state set up: leaving
    /// AWAITING_COMPLAINANT resumes the paused SLA clocks and clears the request; leaving RESOLUTION_PROPOSED for
    /// anything but RESOLVED drops the proposal and its approval.
    /// </summary>
    internal async Task<CaseHistoryEntry> MoveAsync(Case c, CaseStatus to, string action, string actor, string title,
        string? detail = null, bool isPublic = true, string? reason = null, string? commandId = null,
        string kind = EntryKinds.Transition, string? code = null, IReadOnlyDictionary<string, string>? parameters = null, CancellationToken ct = default)
    {
        var from = (CaseStatus)c.Status;
        var now = Now;
        var entry = journal.Transition(db, c, to, action, actor, title, detail, isPublic, reason, now, commandId, kind, code, parameters);
        if (from == CaseStatus.AwaitingComplainant && to != CaseStatus.AwaitingComplainant)
        {
            c.InformationRequestEntryId = null;
            c.InformationDueAt = null;
            await clocks.ResumeSlaAsync(db, c, now, ct);
        }
        if (from == CaseStatus.ResolutionProposed && to is not (CaseStatus.Resolved or CaseStatus.ResolutionProposed))
        {
            c.AwaitingApproval = false;
            c.ResolutionApproved = false;
            c.ApprovedBy = null;
            c.ProposedBy = null;
            c.Outcome = (int)Outcome.Unspecified;
        }
        return entry;
    }

    /// <summary>Closes the case (resolved, or withdrawn by the complainant): every clock stops, CaseClosed goes on the feed.</summary>
    internal async Task CloseCaseAsync(Case c, string actor, string? reason, bool withdrawn, string? commandId, CancellationToken ct)
    {
        var now = Now;
        await MoveAsync(c, CaseStatus.Closed, withdrawn ? "withdraw" : "close", actor,
            withdrawn ? "Complaint withdrawn" : "Case closed",
            withdrawn ? "You withdrew your complaint. It is now closed." : "Your complaint is now closed.",
            reason: reason, commandId: commandId, code: withdrawn ? PublicCodes.CaseWithdrawn : PublicCodes.CaseClosed, ct: ct);
        if (withdrawn)
        {
            c.Outcome = (int)Outcome.Withdrawn;
        }
        c.ClosedAt = now;
        await clocks.StopAllAsync(db, c, now, ct);
        journal.Append(db, c, new CaseClosed
        {
            ComplaintId = c.ComplaintId.ToString(),
            Reference = c.Reference,
            Outcome = (Outcome)c.Outcome,
            ClosedAt = Stamp(now),
            ReceivedAt = Stamp(c.ReceivedAt),
            Category = c.Category,
            Jurisdiction = (Jurisdiction)c.Jurisdiction,
            Withdrawn = withdrawn,
        });
    }

    private DateTimeOffset Now => journal.Clock.GetUtcNow();

    private bool NeedsApproval(Case c) =>
        c.Severity >= (int)Policy.ApprovalSeverity
        || (c.RefundAmount ?? 0) + (c.CompensationAmount ?? 0) >= Policy.ApprovalAmount;

    private bool IsSummary(Case c, DateTimeOffset at) =>
        finalResponse.HasSummaryPath((Jurisdiction)c.Jurisdiction) && clocks.IsSummaryResolution(c, at);

    /// <summary>
    /// The first message from staff to the complainant stops the first-response clock, also the one a reopening
    /// restarted; <see cref="Case.FirstRespondedAt"/> keeps the case's very first response.
    /// </summary>
    private async Task FirstResponseAsync(Case c, CancellationToken ct)
    {
        c.FirstRespondedAt ??= Now;
        await clocks.StopAsync(db, c, ClockKind.SlaFirstResponse, Now, ct);
    }

    /// <summary>
    /// The case, if the caller may see it (else NotFound), and the caller's right to <paramref name="operation"/> on it
    /// (the authorisation table's case scope). Assignment passes null: the router applies its scope, under which an
    /// agent may also take an unassigned case for themselves.
    /// </summary>
    private async Task<(Case Case, string Actor, Viewer Viewer)> LoadAsync(string? reference, ClaimsPrincipal user, StaffOperation? operation, CancellationToken ct)
    {
        var viewer = await access.ViewerAsync(user, ct);
        var c = await CaseQueries.FindVisibleAsync(db.Cases, reference, viewer, ct);
        var actor = viewer.StaffId ?? throw new ForbiddenException("The token has no subject.");
        if (operation is not null)
        {
            viewer.EnsureMayAct(operation, c);
        }
        return (c, actor, viewer);
    }

    private async Task<CaseSummary> SaveAsync(Case c, CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        return (await CaseQueries.SummariesAsync(db, [c], ct))[0];
    }

    /// <summary>After an erasure nothing more is written about the person; the case can still be resolved and closed.</summary>
    private static void EnsureNotErased(Case c)
    {
        if (c.WrappedKey is null)
        {
            throw new PreconditionException("This case's complainant was erased: nothing more can be written about them.");
        }
    }

    private static void EnsureOpen(Case c, string action) =>
        CaseStateMachine.EnsureIn((CaseStatus)c.Status, action, CaseStateMachine.OpenStatuses);

    private static string? Optional(Validator v, string field, string? value, int max) =>
        string.IsNullOrWhiteSpace(value) ? null : v.Text(field, value, 0, max);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
