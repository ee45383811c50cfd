using System.Globalization;
using Complaints.Calendars;
using Complaints.Common.V1;
using Complaints.Routing.Data;
using Complaints.Routing.Domain;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Data;
using Complaints.ServiceDefaults.Errors;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Routing.Clocks;

/// <summary>
/// Starts, pauses, resumes, stops and extends a case's clocks (rows of <see cref="CaseClock"/>) from the
/// policies (data, not code), and mirrors the due dates onto the case (AcknowledgeBy, FirstResponseBy,
/// ResolveBy, StatutoryAcknowledgeBy, FinalResponseDue, NextDeadline). Callers save the context.
/// <para>
/// Pause rule: an SLA clock counts business time (<see cref="BusinessCalendar"/>). On resume its due date moves
/// forward by the business time that passed while paused, so a pause over a weekend or holiday moves nothing and a
/// pause of two business days moves the deadline by two business days. Statutory clocks never pause.
/// </para>
/// <para>
/// Thresholds: when a deadline moves (resume, extension, restart) the clock gets new thresholds (ClockFiring is
/// unique per due date); a threshold already announced and still passed under the new span is not announced again.
/// A breached clock stays breached.
/// </para>
/// <para>
/// Cap rule (issue 12, "no SLA promise past the law"): an SLA target is never later than its statutory deadline less
/// the jurisdiction's margin (<see cref="ClockPolicies.StatutoryMarginFor"/>): SLA acknowledge against the statutory
/// acknowledgement (where the regime has one), SLA first response and resolve against the statutory final response.
/// It holds wherever an SLA due date is set or moved (start, resume, severity re-timing, reopening), against the
/// statutory clock running then; a stopped statutory clock caps nothing. Where the margin would put the cap at or before
/// the SLA clock's start or the moment the date is set, the cap is the statutory deadline itself: a margin is a
/// buffer, never an instant breach. The journal's deadline entry says when a date was capped.
/// </para>
/// </summary>
public sealed class CaseClocks(ClockPolicies policies, CaseJournal journal)
{
    public static readonly IReadOnlyList<int> Thresholds = [50, 75, 90, 100];

    private static readonly ClockKind[] SlaKinds = [ClockKind.SlaAcknowledge, ClockKind.SlaFirstResponse, ClockKind.SlaResolve];

    public ClockPolicies Policies => policies;

    /// <summary>Starts every clock that applies to the case's jurisdiction, counted from its receipt.</summary>
    public async Task StartAsync(RoutingDbContext db, Case c, CancellationToken ct)
    {
        var clocks = await LoadAsync(db, c, ct);
        var jurisdiction = (Jurisdiction)c.Jurisdiction;
        var calendar = policies.CalendarFor(jurisdiction);
        var sla = policies.SlaFor(jurisdiction, (Severity)c.Severity);
        var start = c.ReceivedAt;
        var started = new List<CaseClock>();
        void Start(ClockKind kind, ClockDuration? duration, bool pausable)
        {
            if (duration is null || clocks.Any(x => x.Kind == (int)kind))
            {
                return;
            }
            var clock = new CaseClock
            {
                ComplaintId = c.ComplaintId,
                Kind = (int)kind,
                StartedAt = start,
                DueAt = duration.DueFrom(start, calendar),
                Pausable = pausable,
            };
            db.Set<CaseClock>().Add(clock);
            clocks.Add(clock);
            started.Add(clock);
        }
        Start(ClockKind.SlaAcknowledge, sla.Acknowledge, pausable: true);
        Start(ClockKind.SlaFirstResponse, sla.FirstResponse, pausable: true);
        Start(ClockKind.SlaResolve, sla.Resolve, pausable: true);
        var statutory = policies.StatutoryFor(jurisdiction);
        Start(ClockKind.StatutoryAcknowledge, statutory?.Acknowledge, pausable: false);
        Start(ClockKind.StatutoryFinalResponse, statutory?.FinalResponse, pausable: false);
        if (started.Count == 0)
        {
            return;
        }
        // Capped once every statutory clock has started: they are the limits.
        var notes = started.Where(x => x.Pausable).ToDictionary(x => x, x => CapAt(x, x.DueAt, clocks, jurisdiction, calendar, start));
        Mirror(db, c, clocks);
        journal.Record(db, c, EntryKinds.Deadline, "Deadlines set", CaseJournal.System,
            Detail(c, string.Join("; ", started.Select(x => $"{Name(x.Kind)} by {Format(x.DueAt)}{notes.GetValueOrDefault(x)}"))));
    }

    /// <summary>The case waits for the complainant: SLA clocks pause, statutory ones run on.</summary>
    public async Task PauseSlaAsync(RoutingDbContext db, Case c, DateTimeOffset at, CancellationToken ct)
    {
        var clocks = await LoadAsync(db, c, ct);
        var paused = clocks.Where(x => x.Pausable && x.StoppedAt is null && x.PausedAt is null).ToList();
        if (paused.Count == 0)
        {
            return;
        }
        foreach (var clock in paused)
        {
            clock.PausedAt = at;
        }
        Mirror(db, c, clocks);
        journal.Record(db, c, EntryKinds.Deadline, "SLA clocks paused", CaseJournal.System,
            Detail(c, "Waiting for the complainant: " + string.Join(", ", paused.Select(x => Name(x.Kind))) + " paused."), at: at);
    }

    /// <summary>The complainant answered: SLA clocks resume, their due dates moved by the paused time.</summary>
    public async Task ResumeSlaAsync(RoutingDbContext db, Case c, DateTimeOffset at, CancellationToken ct)
    {
        var clocks = await LoadAsync(db, c, ct);
        var jurisdiction = (Jurisdiction)c.Jurisdiction;
        var calendar = policies.CalendarFor(jurisdiction);
        var moved = new List<string>();
        foreach (var clock in clocks.Where(x => x.Pausable && x.StoppedAt is null && x.PausedAt is not null))
        {
            var paused = calendar.BusinessTimeBetween(clock.PausedAt!.Value, at);
            var previous = clock.DueAt;
            // The statutory deadline did not pause: the moved date is capped again.
            var note = CapAt(clock, calendar.AddBusinessTime(previous, paused), clocks, jurisdiction, calendar, at);
            clock.PausedAt = null;
            Rearm(clock, at);
            moved.Add(clock.DueAt == previous
                ? $"{Name(clock.Kind)} stays at {Format(previous)}{note}"
                : $"{Name(clock.Kind)} from {Format(previous)} to {Format(clock.DueAt)}{note}");
        }
        if (moved.Count == 0)
        {
            return;
        }
        Mirror(db, c, clocks);
        journal.Record(db, c, EntryKinds.Deadline, "SLA clocks resumed", CaseJournal.System,
            Detail(c, "Deadlines moved by the business time paused: " + string.Join("; ", moved) + "."), at: at);
    }

    /// <summary>
    /// The severity changed: running SLA clocks take the new severity's durations from their original start, keeping
    /// any time they were moved by pauses. Statutory clocks do not depend on severity.
    /// </summary>
    public async Task RetimeSlaAsync(RoutingDbContext db, Case c, Severity previous, DateTimeOffset at, CancellationToken ct)
    {
        var clocks = await LoadAsync(db, c, ct);
        var jurisdiction = (Jurisdiction)c.Jurisdiction;
        var calendar = policies.CalendarFor(jurisdiction);
        var before = policies.SlaFor(jurisdiction, previous);
        var after = policies.SlaFor(jurisdiction, (Severity)c.Severity);
        var moved = new List<string>();
        foreach (var clock in clocks.Where(x => x.Pausable && x.StoppedAt is null))
        {
            var (old, now) = (ClockKind)clock.Kind switch
            {
                ClockKind.SlaAcknowledge => (before.Acknowledge, after.Acknowledge),
                ClockKind.SlaFirstResponse => (before.FirstResponse, after.FirstResponse),
                _ => (before.Resolve, after.Resolve),
            };
            // A capped date no longer shows how far pauses moved it: only the part below the cap counts (an earlier
            // date, never a later one).
            var shiftedByPauses = calendar.BusinessTimeBetween(old.DueFrom(clock.StartedAt, calendar), clock.DueAt);
            var due = calendar.AddBusinessTime(now.DueFrom(clock.StartedAt, calendar), shiftedByPauses);
            var (capped, note) = Cap(clock, due, clocks, jurisdiction, calendar, at);
            if (capped == clock.DueAt)
            {
                continue;
            }
            moved.Add($"{Name(clock.Kind)} from {Format(clock.DueAt)} to {Format(capped)}{note}");
            clock.DueAt = capped;
            Rearm(clock, at);
        }
        if (moved.Count == 0)
        {
            return;
        }
        Mirror(db, c, clocks);
        journal.Record(db, c, EntryKinds.Deadline, "SLA deadlines re-timed for the new severity", CaseJournal.System,
            Detail(c, string.Join("; ", moved) + "."), at: at);
    }

    /// <summary>A clock's goal was met (acknowledgement delivered, first response, final response).</summary>
    public async Task StopAsync(RoutingDbContext db, Case c, ClockKind kind, DateTimeOffset at, CancellationToken ct)
    {
        var clocks = await LoadAsync(db, c, ct);
        var clock = clocks.FirstOrDefault(x => x.Kind == (int)kind);
        if (clock is null || clock.StoppedAt is not null)
        {
            return;
        }
        clock.StoppedAt = at;
        Mirror(db, c, clocks);
    }

    /// <summary>The case closed (or was withdrawn): every running clock stops.</summary>
    public async Task StopAllAsync(RoutingDbContext db, Case c, DateTimeOffset at, CancellationToken ct)
    {
        var clocks = await LoadAsync(db, c, ct);
        var running = clocks.Where(x => x.StoppedAt is null).ToList();
        foreach (var clock in running)
        {
            clock.StoppedAt = at;
        }
        if (running.Count > 0)
        {
            Mirror(db, c, clocks);
        }
    }

    /// <summary>
    /// A reopened case owes the complainant a new first response and a new resolution: the SLA first-response and
    /// resolve clocks start again from the moment of reopening (the staff's next message stops the first-response
    /// one). The acknowledgement clocks do not: the reopening message Notifications sends at once acknowledges it.
    /// A new statutory final-response clock starts where the regime treats a reopened complaint as a new one
    /// (<see cref="StatutoryRule.RestartOnReopen"/>: data in the policy file); it may be extended again. The restarted SLA
    /// clocks are capped against the restarted statutory clock, or the one still running; a stopped one caps nothing.
    /// </summary>
    public async Task RestartOnReopenAsync(RoutingDbContext db, Case c, DateTimeOffset at, CancellationToken ct)
    {
        var clocks = await LoadAsync(db, c, ct);
        var jurisdiction = (Jurisdiction)c.Jurisdiction;
        var calendar = policies.CalendarFor(jurisdiction);
        var sla = policies.SlaFor(jurisdiction, (Severity)c.Severity);
        var firstResponse = Restart(db, c, clocks, ClockKind.SlaFirstResponse, sla.FirstResponse, calendar, at, pausable: true);
        var resolve = Restart(db, c, clocks, ClockKind.SlaResolve, sla.Resolve, calendar, at, pausable: true);
        var statutory = policies.StatutoryFor(jurisdiction);
        CaseClock? final = null;
        if (statutory is { RestartOnReopen: true, FinalResponse: { } duration })
        {
            final = Restart(db, c, clocks, ClockKind.StatutoryFinalResponse, duration, calendar, at, pausable: false);
            c.StatutoryExtended = false;
        }
        var firstResponseNote = CapAt(firstResponse, firstResponse.DueAt, clocks, jurisdiction, calendar, at);
        var resolveNote = CapAt(resolve, resolve.DueAt, clocks, jurisdiction, calendar, at);
        Mirror(db, c, clocks);
        if (final is not null)
        {
            // The complainant is owed a new final response: the date matters to them.
            var parameters = new Dictionary<string, string>();
            PublicCodes.AddDeadline(parameters, PublicCodes.FinalResponseDue, final.DueAt, calendar);
            journal.Record(db, c, EntryKinds.Deadline, "New final response deadline", CaseJournal.System,
                Detail(c, $"Your complaint was reopened. We will send our final response by {DeadlineDates.Describe(final.DueAt, calendar)}."), isPublic: true, at: at,
                code: PublicCodes.DeadlineRenewed, parameters: parameters);
        }
        journal.Record(db, c, EntryKinds.Deadline, "SLA deadlines restarted", CaseJournal.System,
            Detail(c, $"Reopened: first response by {Format(firstResponse.DueAt)}{firstResponseNote}; resolve by {Format(resolve.DueAt)}{resolveNote}."), at: at);
    }

    /// <summary>
    /// PSD2 exceptional (35 business days) or CFPB in progress (60 days): moves the statutory final-response
    /// deadline once; returns the previous and new due dates. FailedPrecondition when the jurisdiction has no extension
    /// or it was already used.
    /// </summary>
    public async Task<(DateTimeOffset Previous, DateTimeOffset Due)> ExtendStatutoryAsync(RoutingDbContext db, Case c, DateTimeOffset at, CancellationToken ct)
    {
        var jurisdiction = (Jurisdiction)c.Jurisdiction;
        var rule = policies.StatutoryFor(jurisdiction);
        if (rule?.FinalResponse is not { ExtendedValue: not null } duration)
        {
            throw new PreconditionException($"{Label(jurisdiction)} allows no extension of the final response deadline.");
        }
        if (c.StatutoryExtended)
        {
            throw new PreconditionException("The final response deadline was already extended; it can be extended only once.");
        }
        var clocks = await LoadAsync(db, c, ct);
        var clock = clocks.FirstOrDefault(x => x.Kind == (int)ClockKind.StatutoryFinalResponse);
        if (clock is null || clock.StoppedAt is not null)
        {
            throw new PreconditionException("The case has no running final response deadline to extend.");
        }
        if (at > clock.DueAt)
        {
            throw new PreconditionException($"The final response deadline ({Format(clock.DueAt)}) has passed: it can no longer be extended.");
        }
        var previous = clock.DueAt;
        // Counted from the same start as the original deadline: the extension replaces the limit, it does not add to it.
        clock.DueAt = duration.DueFrom(clock.StartedAt, policies.CalendarFor(jurisdiction), extended: true);
        Rearm(clock, at);
        c.StatutoryExtended = true;
        Mirror(db, c, clocks);
        journal.Record(db, c, EntryKinds.Deadline, "Final response deadline extended", CaseJournal.System,
            Detail(c, $"{rule.Extension}: the final response is now due by {Format(clock.DueAt)} instead of {Format(previous)}."),
            at: at);
        return (previous, clock.DueAt);
    }

    /// <summary>UK FCA: a final response by the end of the third business day after receipt is a summary resolution.</summary>
    public bool IsSummaryResolution(Case c, DateTimeOffset at)
    {
        var jurisdiction = (Jurisdiction)c.Jurisdiction;
        if (policies.StatutoryFor(jurisdiction)?.SummaryResolutionBusinessDays is not { } days)
        {
            return false;
        }
        return at <= policies.CalendarFor(jurisdiction).EndOfBusinessDaysAfter(c.ReceivedAt, days);
    }

    /// <summary>
    /// Whether the clock of this kind was (or is still) within its deadline at <paramref name="at"/>: a stopped
    /// clock by when it stopped, a paused one by when it paused (its deadline moves on resume). True when the case
    /// has no such clock: no deadline applies.
    /// </summary>
    public async Task<bool> WithinAsync(RoutingDbContext db, Case c, ClockKind kind, DateTimeOffset at, CancellationToken ct)
    {
        var clocks = await LoadAsync(db, c, ct);
        var clock = clocks.FirstOrDefault(x => x.Kind == (int)kind);
        if (clock is null)
        {
            return true;
        }
        var end = clock.PausedAt ?? clock.StoppedAt ?? at;
        return end <= clock.DueAt;
    }

    /// <summary>The case's clocks, tracked: saved ones and those added in this unit of work.</summary>
    public static async Task<List<CaseClock>> LoadAsync(RoutingDbContext db, Case c, CancellationToken ct)
    {
        if (db.Entry(c).State != EntityState.Added)
        {
            await db.Set<CaseClock>().Where(x => x.ComplaintId == c.ComplaintId).LoadAsync(ct);
        }
        return db.Set<CaseClock>().Tracked().Where(x => x.ComplaintId == c.ComplaintId).ToList();
    }

    /// <summary>The highest threshold passed at <paramref name="at"/> within the clock's span (0 when none).</summary>
    public static int PassedPercent(CaseClock clock, DateTimeOffset at) =>
        Thresholds.LastOrDefault(p => ThresholdAt(clock.StartedAt, clock.DueAt, p) <= at);

    public static DateTimeOffset ThresholdAt(DateTimeOffset startedAt, DateTimeOffset dueAt, int percent) =>
        percent >= 100 ? dueAt : startedAt + TimeSpan.FromTicks((dueAt - startedAt).Ticks / 100 * percent);

    public static string Name(int kind) => (ClockKind)kind switch
    {
        ClockKind.SlaAcknowledge => "SLA acknowledge",
        ClockKind.SlaFirstResponse => "SLA first response",
        ClockKind.SlaResolve => "SLA resolve",
        ClockKind.StatutoryAcknowledge => "statutory acknowledgement",
        ClockKind.StatutoryFinalResponse => "statutory final response",
        _ => "clock " + kind.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// <paramref name="due"/> for the SLA clock, capped at its running statutory counterpart's deadline less the
    /// jurisdiction's margin (see the class remarks); the note says why for the journal ("" when not capped).
    /// <paramref name="at"/> is when the date is set: a margin that ends by then (or by the clock's start) is dropped.
    /// </summary>
    private (DateTimeOffset Due, string Note) Cap(CaseClock sla, DateTimeOffset due, List<CaseClock> clocks, Jurisdiction jurisdiction,
        BusinessCalendar calendar, DateTimeOffset at)
    {
        var kind = (ClockKind)sla.Kind == ClockKind.SlaAcknowledge ? ClockKind.StatutoryAcknowledge : ClockKind.StatutoryFinalResponse;
        if (clocks.FirstOrDefault(x => x.Kind == (int)kind && x.StoppedAt is null) is not { } statutory)
        {
            return (due, "");
        }
        var cap = statutory.DueAt;
        var why = $"capped at the {Name(statutory.Kind)}";
        if (policies.StatutoryMarginFor(jurisdiction) is { Value: > 0 } margin)
        {
            var early = margin.Before(statutory.DueAt, calendar);
            if (early > (sla.StartedAt > at ? sla.StartedAt : at))
            {
                cap = early;
                why += ", less " + margin.Describe();
            }
            else
            {
                why += $" itself: a margin of {margin.Describe()} before it would leave no time";
            }
        }
        return due <= cap ? (due, "") : (cap, $" ({why})");
    }

    /// <summary>Sets the SLA clock's due date to <paramref name="due"/>, capped (<see cref="Cap"/>); returns the journal note.</summary>
    private string CapAt(CaseClock sla, DateTimeOffset due, List<CaseClock> clocks, Jurisdiction jurisdiction, BusinessCalendar calendar, DateTimeOffset at)
    {
        (sla.DueAt, var note) = Cap(sla, due, clocks, jurisdiction, calendar, at);
        return note;
    }

    private CaseClock Restart(RoutingDbContext db, Case c, List<CaseClock> clocks, ClockKind kind, ClockDuration duration,
        BusinessCalendar calendar, DateTimeOffset at, bool pausable)
    {
        // One row per case and kind: a restart reuses it; its new due date gives it new thresholds.
        var clock = clocks.FirstOrDefault(x => x.Kind == (int)kind);
        if (clock is null)
        {
            clock = new CaseClock { ComplaintId = c.ComplaintId, Kind = (int)kind, Pausable = pausable };
            db.Set<CaseClock>().Add(clock);
            clocks.Add(clock);
        }
        clock.StartedAt = at;
        clock.DueAt = duration.DueFrom(at, calendar);
        clock.PausedAt = null;
        clock.StoppedAt = null;
        clock.Breached = false;
        clock.LastPercentFired = 0;
        return clock;
    }

    /// <summary>After the deadline moved: thresholds no longer passed under the new span are announced again.</summary>
    private static void Rearm(CaseClock clock, DateTimeOffset at)
    {
        if (!clock.Breached)
        {
            clock.LastPercentFired = Math.Min(clock.LastPercentFired, PassedPercent(clock, at));
        }
    }

    /// <summary>Copies the due dates onto the case; the case's version moves with its clocks (optimistic concurrency).</summary>
    private static void Mirror(RoutingDbContext db, Case c, List<CaseClock> clocks)
    {
        DateTimeOffset? Due(ClockKind kind) => clocks.FirstOrDefault(x => x.Kind == (int)kind)?.DueAt;
        c.AcknowledgeBy = Due(ClockKind.SlaAcknowledge);
        c.FirstResponseBy = Due(ClockKind.SlaFirstResponse);
        c.ResolveBy = Due(ClockKind.SlaResolve);
        c.StatutoryAcknowledgeBy = Due(ClockKind.StatutoryAcknowledge);
        c.FinalResponseDue = Due(ClockKind.StatutoryFinalResponse);
        c.NextDeadline = clocks.Where(x => x.StoppedAt is null && x.PausedAt is null).Select(x => (DateTimeOffset?)x.DueAt).Min();
        Touch(db, c);
    }

    /// <summary>Marks the case changed so its concurrency token is checked and bumped even when no mirrored field changed.</summary>
    public static void Touch(RoutingDbContext db, Case c)
    {
        var entry = db.Entry(c);
        if (entry.State is EntityState.Unchanged or EntityState.Modified)
        {
            entry.Property(x => x.Version).IsModified = true;
        }
    }

    /// <summary>Detail text is sealed with the case key; an erased case keeps the title only.</summary>
    private static string? Detail(Case c, string text) => c.WrappedKey is null ? null : text;

    private static string Format(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string Label(Jurisdiction jurisdiction) => jurisdiction switch
    {
        Jurisdiction.UkFca => "UK FCA",
        Jurisdiction.EuPsd2 => "EU PSD2",
        Jurisdiction.UsCfpb => "US CFPB",
        Jurisdiction.AuAsic => "AU ASIC",
        _ => "This jurisdiction",
    };
}
