using Complaints.Routing.Data;
using Complaints.Routing.V1;

namespace Complaints.Routing.Clocks;

/// <summary>
/// Starts, pauses, resumes, stops and extends a case's clocks (rows of <see cref="CaseClock"/>) from the
/// policies (data, not code), and mirrors the due dates onto the case (AcknowledgeBy, FirstResponseBy,
/// ResolveBy, StatutoryAcknowledgeBy, FinalResponseDue, NextDeadline). Callers save the context.
/// </summary>
public sealed class CaseClocks
{
    /// <summary>Starts every clock that applies to the case's jurisdiction, counted from its receipt.</summary>
    public Task StartAsync(RoutingDbContext db, Case c, CancellationToken ct) => throw new NotImplementedException();

    /// <summary>The case waits for the complainant: SLA clocks pause, statutory ones run on.</summary>
    public Task PauseSlaAsync(RoutingDbContext db, Case c, DateTimeOffset at, CancellationToken ct) => throw new NotImplementedException();

    /// <summary>The complainant answered: SLA clocks resume, their due dates moved by the paused time.</summary>
    public Task ResumeSlaAsync(RoutingDbContext db, Case c, DateTimeOffset at, CancellationToken ct) => throw new NotImplementedException();

    /// <summary>A clock's goal was met (acknowledgement delivered, first response, final response).</summary>
    public Task StopAsync(RoutingDbContext db, Case c, ClockKind kind, DateTimeOffset at, CancellationToken ct) => throw new NotImplementedException();

    /// <summary>The case closed (or was withdrawn): every running clock stops.</summary>
    public Task StopAllAsync(RoutingDbContext db, Case c, DateTimeOffset at, CancellationToken ct) => throw new NotImplementedException();

    /// <summary>A reopened case gets new resolve clocks from the moment of reopening.</summary>
    public Task RestartOnReopenAsync(RoutingDbContext db, Case c, DateTimeOffset at, CancellationToken ct) => throw new NotImplementedException();

    /// <summary>
    /// PSD2 exceptional (35 business days) or CFPB in progress (60 days): moves the statutory final-response
    /// deadline once; returns the previous and new due dates. FailedPrecondition when the jurisdiction has no extension
    /// or it was already used.
    /// </summary>
    public Task<(DateTimeOffset Previous, DateTimeOffset Due)> ExtendStatutoryAsync(RoutingDbContext db, Case c, DateTimeOffset at, CancellationToken ct) => throw new NotImplementedException();

    /// <summary>UK FCA: a final response by the end of the third business day after receipt is a summary resolution.</summary>
    public bool IsSummaryResolution(Case c, DateTimeOffset at) => throw new NotImplementedException();

    /// <summary>Whether the clock of this kind was (or is still) within its deadline at <paramref name="at"/>.</summary>
    public Task<bool> WithinAsync(RoutingDbContext db, Case c, ClockKind kind, DateTimeOffset at, CancellationToken ct) => throw new NotImplementedException();
}
