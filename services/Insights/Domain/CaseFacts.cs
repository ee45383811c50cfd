using Complaints.Eventing;
using Complaints.Eventing.V1;
using Complaints.Insights.Data;
using Complaints.Intake.V1;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Errors;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Insights.Domain;

/// <summary>
/// A Routing event arrived before Intake's <c>ComplaintReceived</c> for the complaint (the feeds are read
/// independently). Throwing makes the Routing subscription retry from its checkpoint, so every figure is
/// attributed with the complaint's full classification and a replay gives the same figures whatever the order.
/// </summary>
public sealed class ComplaintNotYetReceivedException(string complaintId)
    : Exception($"Complaint {complaintId} has not been received on Intake's feed yet; retrying.");

public static class CaseFactExtensions
{
    public static async Task<CaseFact> FactAsync(this InsightsDbContext db, string complaintId, CancellationToken ct) =>
        await db.CaseFacts.FindAsync([complaintId], ct) ?? throw new ComplaintNotYetReceivedException(complaintId);

    public static DateTimeOffset At(Timestamp? timestamp, EventEnvelope envelope) =>
        (timestamp ?? envelope.OccurredAt).ToDateTimeOffset();

    /// <summary>
    /// The case's first queue: its received volume and backlog are attributed there (on the received day), like every
    /// cohort figure; a later move carries the backlog to the new queue on the day of the move, and event figures go
    /// to the queue the case is in when they happen.
    /// </summary>
    public static async Task SetQueueAsync(this InsightsDbContext db, CaseFact fact, string queue, int day, CancellationToken ct)
    {
        if (queue.Length == 0 || queue == fact.Queue)
        {
            return;
        }
        // The series' queue cells (the case's values with this queue) follow the queue dimension exactly.
        var into = SeriesCells.Of(fact, queue, queueOnly: true).ToList();
        if (fact.Queue.Length == 0)
        {
            fact.FirstQueue = queue;
            var received = Days.Of(fact.ReceivedAt);
            await db.AddAsync(received, Metric.Queue, queue, Metric.Received, 1, ct);
            await db.AddAsync(received, Metric.Queue, queue, Metric.Backlog, 1, ct);
            db.Series.Add(into, received, Metric.Received, 1);
            db.Series.Add(into, received, Metric.Backlog, 1);
            if (!fact.Open)
            {
                await db.AddAsync(day, Metric.Queue, queue, Metric.Backlog, -1, ct);
                db.Series.Add(into, day, Metric.Backlog, -1);
            }
        }
        else if (fact.Open)
        {
            await db.AddAsync(day, Metric.Queue, fact.Queue, Metric.Backlog, -1, ct);
            await db.AddAsync(day, Metric.Queue, queue, Metric.Backlog, 1, ct);
            db.Series.Add(SeriesCells.Of(fact, fact.Queue, queueOnly: true), day, Metric.Backlog, -1);
            db.Series.Add(into, day, Metric.Backlog, 1);
        }
        fact.Queue = queue;
    }
}

public sealed class FactReceived() : FeedEventHandler<InsightsDbContext, ComplaintReceived>(Sources.Intake)
{
    /// <summary>Within the columns on every provider (a value too long would stall the feed on SQL Server).</summary>
    public static string Clip(string value, int max = 128) => value.Length > max ? value[..max] : value;

    protected override async Task HandleAsync(ComplaintReceived e, EventEnvelope envelope, InsightsDbContext db, CancellationToken ct)
    {
        if (await db.CaseFacts.FindAsync([e.ComplaintId], ct) is not null)
        {
            return;
        }
        var fact = new CaseFact
        {
            ComplaintId = e.ComplaintId,
            Reference = Clip(e.Reference, 64),
            Category = Clip(e.Category),
            Subcategory = Clip(e.Subcategory),
            Channel = ProtoEnums.Name(e.Channel),
            Jurisdiction = ProtoEnums.Name(e.Jurisdiction),
            FcaProductGroup = Clip(e.FcaProductGroup),
            CfpbProduct = Clip(e.CfpbProduct),
            Language = Clip(e.PreferredLanguage),
            HasContact = e.HasContact,
            ReceivedAt = CaseFactExtensions.At(e.ReceivedAt, envelope),
        };
        db.CaseFacts.Add(fact);
        var day = Days.Of(fact.ReceivedAt);
        await db.AddAsync(fact, day, Metric.Received, 1, ct);
        await db.AddAsync(fact, day, Metric.Backlog, 1, ct);
        if (e.ImportedClosed)
        {
            // A historical record that arrives closed: counted closed on its received day with the source's outcome.
            fact.Open = false;
            await db.AddAsync(fact, day, Metric.Closed, 1, ct);
            await db.AddAsync(fact, day, Metric.Backlog, -1, ct);
            fact.ClosedDay = day;
            fact.ClosedCfpbKey = Returns.CfpbKey(fact, e.Outcome, timely: string.Empty);
            await db.AddAsync(day, Metric.Cfpb, fact.ClosedCfpbKey, Metric.Closed, 1, ct);
        }
    }
}

public sealed class FactOpened() : FeedEventHandler<InsightsDbContext, CaseOpened>(Sources.Routing)
{
    protected override async Task HandleAsync(CaseOpened e, EventEnvelope envelope, InsightsDbContext db, CancellationToken ct)
    {
        var fact = await db.FactAsync(e.ComplaintId, ct);
        fact.HasStatutoryDeadline = e.FinalResponseDue is not null;
        await db.SetQueueAsync(fact, e.QueueId, Days.Of(CaseFactExtensions.At(e.OpenedAt, envelope)), ct);
    }
}

public sealed class FactAssigned() : FeedEventHandler<InsightsDbContext, CaseAssigned>(Sources.Routing)
{
    protected override async Task HandleAsync(CaseAssigned e, EventEnvelope envelope, InsightsDbContext db, CancellationToken ct)
    {
        var fact = await db.FactAsync(e.ComplaintId, ct);
        await db.SetQueueAsync(fact, e.QueueId, Days.Of(CaseFactExtensions.At(e.At, envelope)), ct);
    }
}

public sealed class FactAcknowledged() : FeedEventHandler<InsightsDbContext, CaseAcknowledged>(Sources.Routing)
{
    protected override async Task HandleAsync(CaseAcknowledged e, EventEnvelope envelope, InsightsDbContext db, CancellationToken ct)
    {
        var fact = await db.FactAsync(e.ComplaintId, ct);
        var at = CaseFactExtensions.At(e.AcknowledgedAt, envelope);
        await db.AddAsync(fact, Days.Of(at), Metric.AcknowledgePrefix + Histogram.Bucket(at - fact.ReceivedAt), 1, ct);
    }
}

public sealed class FactEscalated() : FeedEventHandler<InsightsDbContext, CaseEscalated>(Sources.Routing)
{
    protected override async Task HandleAsync(CaseEscalated e, EventEnvelope envelope, InsightsDbContext db, CancellationToken ct)
    {
        var fact = await db.FactAsync(e.ComplaintId, ct);
        if (!fact.Escalated)
        {
            fact.Escalated = true;
            await db.AddCohortAsync(fact, Metric.EscalatedCohort, 1, ct);
        }
    }
}

public sealed class FactReopened() : FeedEventHandler<InsightsDbContext, CaseReopened>(Sources.Routing)
{
    protected override async Task HandleAsync(CaseReopened e, EventEnvelope envelope, InsightsDbContext db, CancellationToken ct)
    {
        var fact = await db.FactAsync(e.ComplaintId, ct);
        if (!fact.Reopened)
        {
            fact.Reopened = true;
            await db.AddCohortAsync(fact, Metric.ReopenedCohort, 1, ct);
        }
        if (!fact.Open)
        {
            fact.Open = true;
            await db.AddAsync(fact, Days.Of(CaseFactExtensions.At(e.At, envelope)), Metric.Backlog, 1, ct);
        }
    }
}

public sealed class FactFinalResponse(Surveys surveys) : FeedEventHandler<InsightsDbContext, FinalResponseSent>(Sources.Routing)
{
    protected override async Task HandleAsync(FinalResponseSent e, EventEnvelope envelope, InsightsDbContext db, CancellationToken ct)
    {
        var fact = await db.FactAsync(e.ComplaintId, ct);
        var at = CaseFactExtensions.At(e.At, envelope);
        var day = Days.Of(at);
        await db.AddAsync(fact, day, Metric.FinalResponses, 1, ct);
        await db.AddAsync(fact, day, Metric.ResolvePrefix + Histogram.Bucket(at - fact.ReceivedAt), 1, ct);
        if (e.WithinSla)
        {
            await db.AddAsync(fact, day, Metric.SlaMet, 1, ct);
        }
        if (fact.HasStatutoryDeadline)
        {
            await db.AddAsync(fact, day, Metric.StatutoryDue, 1, ct);
            if (e.WithinStatutory)
            {
                await db.AddAsync(fact, day, Metric.StatutoryMet, 1, ct);
            }
        }
        fact.WithinStatutory = e.WithinStatutory;
        fact.MonetaryRelief = false;
        foreach (var money in new[] { e.Remedy?.Refund, e.Remedy?.Compensation })
        {
            if (Remedies.MinorUnits(money) is { } minor)
            {
                fact.MonetaryRelief = true;
                await db.AddAsync(fact, day, Metric.RemedyPrefix + minor.Currency, minor.Amount, ct);
            }
        }
        if (e.RootCause.Length > 0)
        {
            // The metric column holds 64 characters; Routing's root causes are short codes.
            var cause = Metric.RootCausePrefix + e.RootCause;
            await db.AddAsync(fact, day, cause.Length > 64 ? cause[..64] : cause, 1, ct);
        }
        if (!fact.Resolved)
        {
            fact.Resolved = true;
            await db.AddCohortAsync(fact, Metric.ResolvedCohort, 1, ct);
        }
        await surveys.RequestAsync(db, fact, ct);
    }
}

/// <summary>
/// A case counts closed once, on the day it was first closed (with its 3-business-day and 8-week measures). A re-close
/// after a reopening changes no count of closed cases: its outcome replaces the one recorded at the first close
/// (upheld, and the CFPB company response), in that first close's day and queue (docs/insights.md).
/// </summary>
public sealed class FactClosed(FcaCalendar calendar) : FeedEventHandler<InsightsDbContext, CaseClosed>(Sources.Routing)
{
    protected override async Task HandleAsync(CaseClosed e, EventEnvelope envelope, InsightsDbContext db, CancellationToken ct)
    {
        var fact = await db.FactAsync(e.ComplaintId, ct);
        if (!fact.Open)
        {
            return;
        }
        fact.Open = false;
        var at = CaseFactExtensions.At(e.ClosedAt, envelope);
        var day = Days.Of(at);
        await db.AddAsync(fact, day, Metric.Backlog, -1, ct);
        if (e.MergedIntoReference.Length > 0)
        {
            // A merged duplicate leaves the backlog but is not a closed complaint for the returns.
            await db.AddAsync(fact, day, Metric.Merged, 1, ct);
            return;
        }
        var upheld = e.Outcome is Outcome.Upheld or Outcome.PartlyUpheld;
        var response = Returns.CompanyResponse(e.Outcome, e.Withdrawn, fact.MonetaryRelief);
        if (fact.ClosedDay is { } firstDay)
        {
            await ReviseOutcomeAsync(db, fact, firstDay, upheld, response, ct);
            return;
        }
        await db.AddAsync(fact, day, Metric.Closed, 1, ct);
        if (calendar.WithinThreeBusinessDays(fact.ReceivedAt, at))
        {
            await db.AddAsync(fact, day, Metric.ClosedWithin3Days, 1, ct);
        }
        if (calendar.WithinEightWeeks(fact.ReceivedAt, at))
        {
            await db.AddAsync(fact, day, Metric.ClosedWithin8Weeks, 1, ct);
        }
        if (upheld)
        {
            await db.AddAsync(fact, day, Metric.Upheld, 1, ct);
        }
        var timely = fact.Resolved && fact.HasStatutoryDeadline ? fact.WithinStatutory : at - fact.ReceivedAt <= TimeSpan.FromDays(15);
        (fact.ClosedDay, fact.ClosedQueue, fact.ClosedUpheld) = (day, fact.Queue, upheld);
        fact.ClosedCfpbKey = Returns.CfpbKey(fact, response, timely ? "Yes" : "No");
        await db.AddAsync(day, Metric.Cfpb, fact.ClosedCfpbKey, Metric.Closed, 1, ct);
    }

    /// <summary>The timely answer stays the first close's: it judged the response the complainant first got.</summary>
    private static async Task ReviseOutcomeAsync(InsightsDbContext db, CaseFact fact, int firstDay, bool upheld, string response, CancellationToken ct)
    {
        if (upheld != fact.ClosedUpheld)
        {
            await db.AddAsync(Metric.DimensionsOf(fact, fact.ClosedQueue), firstDay, Metric.Upheld, upheld ? 1 : -1, ct);
            fact.ClosedUpheld = upheld;
        }
        var key = Returns.CfpbKey(fact, response, Returns.CfpbTimely(fact.ClosedCfpbKey));
        if (key != fact.ClosedCfpbKey)
        {
            await db.AddAsync(firstDay, Metric.Cfpb, fact.ClosedCfpbKey, Metric.Closed, -1, ct);
            await db.AddAsync(firstDay, Metric.Cfpb, key, Metric.Closed, 1, ct);
            fact.ClosedCfpbKey = key;
        }
    }
}

public static class Remedies
{
    /// <summary>A positive amount in the currency's minor units, or null when absent or unreadable.</summary>
    public static (string Currency, long Amount)? MinorUnits(Money? money)
    {
        if (money is null || money.Amount.Length == 0 || money.Currency.Length != 3
            || !decimal.TryParse(money.Amount, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var amount)
            || amount <= 0)
        {
            return null;
        }
        var currency = money.Currency.ToUpperInvariant();
        var digits = Currencies.TryGetMinorUnits(currency, out var d) ? d : 2;
        return (currency, (long)decimal.Round(amount * Pow10(digits)));
    }

    public static string Format(string currency, long minor)
    {
        var digits = Currencies.TryGetMinorUnits(currency, out var d) ? d : 2;
        return (minor / Pow10(digits)).ToString("F" + digits, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static decimal Pow10(int digits)
    {
        var value = 1m;
        for (var i = 0; i < digits; i++)
        {
            value *= 10;
        }
        return value;
    }
}
