using System.Security.Claims;
using Complaints.Calendars;
using Complaints.Common.V1;
using Complaints.Intake.V1;
using Complaints.Routing.Data;
using Complaints.Routing.Directory;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Auth;
using Complaints.ServiceDefaults.Errors;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using static Complaints.Routing.Domain.CaseJournal;

namespace Complaints.Routing.Domain;

public sealed class CaseQueries(RoutingDbContext db, CaseAccess access, CaseText text, JurisdictionCalendars calendars)
{
    public async Task<GetPublicCaseViewResponse> PublicViewAsync(string complaintId, CancellationToken ct)
    {
        var id = ParseId(complaintId);
        var c = await db.Cases.AsNoTracking().Include(x => x.Timeline.Where(t => t.IsPublic))
            .FirstOrDefaultAsync(x => x.ComplaintId == id, ct)
            ?? throw new NotFoundException("No case for this complaint yet.");
        var fields = text.Open(c);
        var calendar = calendars.For((Jurisdiction)c.Jurisdiction);
        var view = new GetPublicCaseViewResponse
        {
            ComplaintId = c.ComplaintId.ToString(),
            Reference = c.Reference,
            Status = (CaseStatus)c.Status,
            AcknowledgeBy = Stamp(c.AcknowledgeBy),
            ResolveBy = Stamp(c.ResolveBy),
            AcknowledgedAt = Stamp(c.AcknowledgedAt),
            FirstResponseBy = Stamp(c.FirstResponseBy),
            FinalResponseDue = Stamp(c.FinalResponseDue),
            InformationDue = Stamp(c.InformationDueAt),
            NextStep = NextStep.For(c),
            NextStepCode = NextStep.CodeFor(c),
            ResumeToken = c.EntryCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ResolveByDate = DeadlineDates.OrEmpty(c.ResolveBy, calendar),
            FirstResponseByDate = DeadlineDates.OrEmpty(c.FirstResponseBy, calendar),
            FinalResponseDueDate = DeadlineDates.OrEmpty(c.FinalResponseDue, calendar),
            InformationDueDate = DeadlineDates.OrEmpty(c.InformationDueAt, calendar),
        };
        view.NextStepParameters.Add(NextStep.ParametersFor(c, calendar));
        var ordered = c.Timeline.OrderBy(t => t.Seq).ToList();
        view.Timeline.AddRange(ordered.Select(t => PublicEntry(t, c, fields)));
        if (c.InformationRequestEntryId is { } requestSeq && ordered.FirstOrDefault(t => t.Seq == requestSeq) is { } request)
        {
            view.InformationRequested = fields.ReadEntry(request.Detail) ?? "";
        }
        return view;
    }

    public async Task<PublicTimelineEntry> PublicEntryAsync(GetPublicEntryRequest request, CancellationToken ct)
    {
        var id = ParseId(request.ComplaintId);
        var entry = await db.Timeline.AsNoTracking().FirstOrDefaultAsync(t => t.ComplaintId == id && t.Seq == request.EntryId && t.IsPublic, ct)
            ?? throw new NotFoundException("No such public entry.");
        var c = await db.Cases.AsNoTracking().FirstAsync(x => x.ComplaintId == id, ct);
        return PublicEntry(entry, c, text.Open(c));
    }

    public async Task<GetCaseResponse> ByReferenceAsync(string? reference, ClaimsPrincipal user, CancellationToken ct)
    {
        var c = await FindVisibleAsync(db.Cases.AsNoTracking().Include(x => x.Timeline), reference, await access.ViewerAsync(user, ct), ct);
        var clocks = await db.Set<CaseClock>().AsNoTracking().Where(k => k.ComplaintId == c.ComplaintId).OrderBy(k => k.Kind).ToListAsync(ct);
        var fields = text.Open(c);
        var response = new GetCaseResponse
        {
            ComplaintId = c.ComplaintId.ToString(),
            Reference = c.Reference,
            Status = (CaseStatus)c.Status,
            Category = c.Category,
            Subcategory = c.Subcategory ?? "",
            Channel = (Channel)c.Channel,
            Jurisdiction = (Jurisdiction)c.Jurisdiction,
            Confidential = c.Confidential,
            PreferredLanguage = c.PreferredLanguage,
            ReceivedAt = Timestamp.FromDateTimeOffset(c.ReceivedAt),
            AcknowledgeBy = Stamp(c.AcknowledgeBy),
            ResolveBy = Stamp(c.ResolveBy),
            AcknowledgedAt = Stamp(c.AcknowledgedAt),
            FinalResponseDue = Stamp(c.FinalResponseDue),
            FinalResponseSentAt = Stamp(c.FinalResponseSentAt),
            StatutoryExtended = c.StatutoryExtended,
            Severity = (Severity)c.Severity,
            EscalationTier = c.EscalationTier,
            QueueId = c.QueueId ?? "",
            AssigneeId = c.AssigneeId ?? "",
            Outcome = (Outcome)c.Outcome,
            RootCause = c.RootCause ?? "",
            RootCauseDetail = fields.Read(c.RootCauseDetail, "root_cause_detail") ?? "",
            Findings = fields.Read(c.Findings, "findings") ?? "",
            CorrectiveAction = fields.Read(c.CorrectiveAction, "corrective_action") ?? "",
            ResolutionSummary = fields.Read(c.ResolutionSummary, "resolution_summary") ?? "",
            Remedy = RemedyOf(c, fields),
            AwaitingApproval = c.AwaitingApproval,
            ApprovedBy = c.ApprovedBy ?? "",
            Version = c.Version,
        };
        response.Clocks.AddRange(clocks.Select(ClockOf));
        response.Timeline.AddRange(c.Timeline.OrderBy(t => t.Seq).Select(t => new V1.CaseTimelineEntry
        {
            At = Timestamp.FromDateTimeOffset(t.At),
            Title = t.Title,
            Detail = fields.ReadEntry(t.Detail) ?? "",
            Reason = fields.ReadEntry(t.Reason) ?? "",
            Public = t.IsPublic,
            Kind = t.Kind,
            Actor = t.Actor,
            FromStatus = (CaseStatus)(t.FromStatus ?? 0),
            ToStatus = (CaseStatus)(t.ToStatus ?? 0),
        }));
        return response;
    }

    /// <summary>The case by reference, if the caller may see it (a confidential case the caller may not see is NotFound, so its existence does not leak).</summary>
    public static async Task<Case> FindVisibleAsync(IQueryable<Case> cases, string? reference, Viewer viewer, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            throw new ValidationException("reference", "is required");
        }
        var normalized = reference.Trim().ToUpperInvariant();
        var c = await cases.FirstOrDefaultAsync(x => x.Reference == normalized, ct);
        if (c is null || !viewer.MaySee(c))
        {
            throw new NotFoundException($"No case with reference {normalized}.");
        }
        return c;
    }

    /// <summary>Queue rows: each case with its running clocks (paused ones included), read in one query for all.</summary>
    public static async Task<List<CaseSummary>> SummariesAsync(RoutingDbContext db, IReadOnlyList<Case> cases, CancellationToken ct)
    {
        var ids = cases.Select(c => c.ComplaintId).ToList();
        var clocks = ids.Count == 0 ? [] : await db.Set<CaseClock>().AsNoTracking()
            .Where(k => ids.Contains(k.ComplaintId) && k.StoppedAt == null)
            .ToListAsync(ct);
        var byCase = clocks.ToLookup(k => k.ComplaintId);
        return cases.Select(c => SummaryOf(c, byCase[c.ComplaintId])).ToList();
    }

    public static CaseSummary SummaryOf(Case c, IEnumerable<CaseClock> runningClocks)
    {
        var summary = SummaryOf(c);
        summary.Clocks.AddRange(runningClocks.OrderBy(k => k.Kind).Select(ClockOf));
        return summary;
    }

    private static CaseSummary SummaryOf(Case c) => new()
    {
        ComplaintId = c.ComplaintId.ToString(),
        Reference = c.Reference,
        Status = (CaseStatus)c.Status,
        Severity = (Severity)c.Severity,
        EscalationTier = c.EscalationTier,
        QueueId = c.QueueId ?? "",
        AssigneeId = c.AssigneeId ?? "",
        Category = c.Category,
        Channel = (Channel)c.Channel,
        Jurisdiction = (Jurisdiction)c.Jurisdiction,
        Confidential = c.Confidential,
        ReceivedAt = Timestamp.FromDateTimeOffset(c.ReceivedAt),
        ResolveBy = Stamp(c.ResolveBy),
        FinalResponseDue = Stamp(c.FinalResponseDue),
        NextDeadline = Stamp(c.NextDeadline),
        Outcome = (Outcome)c.Outcome,
        AwaitingApproval = c.AwaitingApproval,
        PreferredLanguage = c.PreferredLanguage,
        Version = c.Version,
    };

    public static V1.Clock ClockOf(CaseClock k) => new()
    {
        Kind = (ClockKind)k.Kind,
        DueAt = Timestamp.FromDateTimeOffset(k.DueAt),
        Paused = k.PausedAt is not null && k.StoppedAt is null,
        StoppedAt = Stamp(k.StoppedAt),
        Breached = k.Breached,
        WarningPercent = k.Breached ? 100 : k.LastPercentFired,
    };

    /// <summary>
    /// A public entry as the complainant sees it: the English title and detail, and the entry's code, parameters and
    /// text (<see cref="PublicCodes"/>). An entry written before codes gets the code of its title and what parameters
    /// it still shows.
    /// </summary>
    public static PublicTimelineEntry PublicEntry(CaseHistoryEntry t, Case c, CaseText.Fields fields)
    {
        var detail = fields.ReadEntry(t.Detail) ?? "";
        var code = t.Code ?? PublicCodes.ForLegacyTitle(t.Title);
        var parameters = PublicCodes.Deserialize(t.Parameters);
        if (t.Code is null)
        {
            if (code == PublicCodes.CaseMerged)
            {
                parameters[PublicCodes.MergedIntoReference] = t.Title["Merged into ".Length..];
            }
            else if (code is PublicCodes.InformationAnswered or PublicCodes.DocumentAdded)
            {
                parameters[PublicCodes.Documents] = PublicCodes.SplitDocuments(detail).Documents.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        var entry = new PublicTimelineEntry
        {
            At = Timestamp.FromDateTimeOffset(t.At),
            Title = t.Title,
            Detail = detail,
            EntryId = t.Seq,
            Code = code,
            Text = (PublicCodes.Find(code)?.Text ?? PublicCodes.TextSource.None) switch
            {
                PublicCodes.TextSource.Detail => detail,
                PublicCodes.TextSource.ComplainantWords => parameters.GetValueOrDefault(PublicCodes.Documents) is null or "0" ? detail : PublicCodes.SplitDocuments(detail).Words,
                PublicCodes.TextSource.Reason => fields.ReadEntry(t.Reason) ?? "",
                PublicCodes.TextSource.SourceOutcome => c.SourceOutcome ?? "",
                _ => "",
            },
        };
        entry.Parameters.Add(parameters);
        return entry;
    }

    private static Remedy RemedyOf(Case c, CaseText.Fields fields) => new()
    {
        Apology = c.RemedyApology,
        Explanation = c.RemedyExplanation,
        Refund = MoneyOf(c.RefundAmount, c.RefundCurrency),
        Compensation = MoneyOf(c.CompensationAmount, c.CompensationCurrency),
        NonMonetaryRelief = fields.Read(c.NonMonetaryRelief, "non_monetary_relief") ?? "",
    };

    public static Money? MoneyOf(decimal? amount, string? currency) =>
        amount is { } value ? new Money { Amount = value.ToString(System.Globalization.CultureInfo.InvariantCulture), Currency = currency ?? "" } : null;

    public static Guid ParseId(string complaintId) =>
        Guid.TryParse(complaintId, out var id) ? id : throw new ValidationException("complaintId", "must be a complaint id (UUID)");
}

/// <summary>What the complainant can expect next, in plain words and as a code (<see cref="PublicCodes"/>) with its parameters.</summary>
public static class NextStep
{
    public static string For(Case c) => c.MergedIntoReference is { } primary
        ? $"Your complaint is handled together with complaint {primary}: follow that complaint for updates."
        : (CaseStatus)c.Status switch
        {
            CaseStatus.Received => "We will acknowledge your complaint and tell you who is handling it.",
            CaseStatus.Acknowledged => "A handler will review your complaint and contact you.",
            CaseStatus.InInvestigation => "We are investigating your complaint.",
            CaseStatus.AwaitingComplainant => "We need information from you: please answer our request.",
            CaseStatus.ResolutionProposed => "We are finalising our response to you.",
            CaseStatus.Resolved => "We have sent our final response. If you are not satisfied, you may ask us to reopen it.",
            CaseStatus.Closed => "This complaint is closed. You may ask us to reopen it.",
            CaseStatus.Reopened => "We have reopened your complaint and will review it again.",
            _ => "",
        };

    public static string CodeFor(Case c) => c.MergedIntoReference is not null
        ? PublicCodes.NextMerged
        : (CaseStatus)c.Status switch
        {
            CaseStatus.Received => PublicCodes.NextAcknowledge,
            CaseStatus.Acknowledged => PublicCodes.NextReview,
            CaseStatus.InInvestigation => PublicCodes.NextInvestigate,
            CaseStatus.AwaitingComplainant => PublicCodes.NextAnswerRequest,
            CaseStatus.ResolutionProposed => PublicCodes.NextFinalise,
            CaseStatus.Resolved => PublicCodes.NextMayReopen,
            CaseStatus.Closed => PublicCodes.NextClosed,
            CaseStatus.Reopened => PublicCodes.NextReopened,
            _ => "",
        };

    public static Dictionary<string, string> ParametersFor(Case c, BusinessCalendar calendar)
    {
        var parameters = new Dictionary<string, string>();
        switch (CodeFor(c))
        {
            case PublicCodes.NextMerged:
                parameters[PublicCodes.MergedIntoReference] = c.MergedIntoReference!;
                break;
            case PublicCodes.NextAnswerRequest:
                PublicCodes.AddDeadline(parameters, PublicCodes.InformationDue, c.InformationDueAt, calendar);
                break;
        }
        return parameters;
    }
}
