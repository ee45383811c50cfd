using Complaints.Common.V1;
using Complaints.Routing.Clocks;
using Complaints.Routing.Data;
using Complaints.Routing.Domain;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Security;
using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Complaints.Routing.Tests.Clocks;

/// <summary>
/// Routing's clocks on a real SQLite file (schema by EnsureCreated), the shipped policy and calendar files, a fake clock and
/// timers built directly (no host): each unit of work uses a fresh context, as the service does.
/// </summary>
public sealed class ClockHarness : IDisposable
{
    private readonly ServiceProvider _services;

    /// <param name="policies">The policies counted on; the shipped ones by default.</param>
    public ClockHarness(DateTimeOffset now, ClockPolicies? policies = null)
    {
        Time = new FakeTimeProvider(now);
        Policies = policies ?? ClockPolicyTests.LoadShipped();
        Journal = new CaseJournal(new CaseText(SealedBox.NewKey()), Time);
        Clocks = new CaseClocks(Policies, Journal);
        var services = new ServiceCollection();
        services.AddScoped(_ => Db.Open());
        _services = services.BuildServiceProvider();
    }

    public RoutingDb Db { get; } = new();

    public FakeTimeProvider Time { get; }

    public ClockPolicies Policies { get; }

    public CaseJournal Journal { get; }

    public CaseClocks Clocks { get; }

    /// <summary>A timer as a fresh replica or a restarted process would have: its own instance and lease.</summary>
    public ClockTimer NewTimer(IClockTimerLease? lease = null, Dictionary<string, string?>? settings = null) => new(
        _services.GetRequiredService<IServiceScopeFactory>(), Journal, Time, lease ?? new InProcessClockTimerLease(),
        new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build(), NullLogger<ClockTimer>.Instance);

    /// <summary>Opens a case as the handler does (triage first, then the clocks) and saves it.</summary>
    public async Task<Case> OpenCaseAsync(Jurisdiction jurisdiction, DateTimeOffset receivedAt, Severity severity = Severity.Medium)
    {
        await using var db = Db.Open();
        var c = new Case
        {
            ComplaintId = Guid.NewGuid(),
            Reference = Envelopes.NewReference(),
            Status = (int)CaseStatus.Received,
            Category = "billing",
            Jurisdiction = (int)jurisdiction,
            PreferredLanguage = "en",
            ReceivedAt = receivedAt,
            OpenedAt = receivedAt,
            Severity = (int)severity,
            QueueId = "billing",
        };
        Journal.Text.Provision(c);
        db.Cases.Add(c);
        await Clocks.StartAsync(db, c, CancellationToken.None);
        await db.SaveChangesAsync();
        return c;
    }

    /// <summary>Loads the case in a fresh context, applies <paramref name="change"/> and saves.</summary>
    public async Task<Case> ChangeAsync(Guid id, Func<RoutingDbContext, Case, Task> change)
    {
        await using var db = Db.Open();
        var c = await db.Cases.SingleAsync(x => x.ComplaintId == id);
        await change(db, c);
        await db.SaveChangesAsync();
        return c;
    }

    public Task<T> ChangeAsync<T>(Guid id, Func<RoutingDbContext, Case, Task<T>> change) => ChangeAsyncCore(id, change);

    private async Task<T> ChangeAsyncCore<T>(Guid id, Func<RoutingDbContext, Case, Task<T>> change)
    {
        await using var db = Db.Open();
        var c = await db.Cases.SingleAsync(x => x.ComplaintId == id);
        var result = await change(db, c);
        await db.SaveChangesAsync();
        return result;
    }

    public Task<Case> CaseAsync(Guid id) => Db.QueryAsync(db => db.Cases.AsNoTracking().SingleAsync(x => x.ComplaintId == id));

    public Task<CaseClock> ClockAsync(Guid id, ClockKind kind) =>
        Db.QueryAsync(db => db.Set<CaseClock>().AsNoTracking().SingleAsync(x => x.ComplaintId == id && x.Kind == (int)kind));

    /// <summary>Leaves only <paramref name="kind"/> running, so a test watches one clock's thresholds.</summary>
    public Task OnlyAsync(Guid id, ClockKind kind) => ChangeAsync(id, async (db, c) =>
    {
        foreach (var other in System.Enum.GetValues<ClockKind>().Where(k => k != kind && k != ClockKind.Unspecified))
        {
            await Clocks.StopAsync(db, c, other, c.ReceivedAt, CancellationToken.None);
        }
    });

    /// <summary>The events of this type on Routing's feed, in order.</summary>
    public Task<List<T>> EventsAsync<T>(MessageParser<T> parser) where T : IMessage<T>, new()
    {
        var type = new T().Descriptor.FullName;
        return Db.QueryAsync(async db => (await db.Events.AsNoTracking().Where(e => e.Type == type).OrderBy(e => e.Sequence).ToListAsync())
            .Select(e => parser.ParseFrom(e.Payload)).ToList());
    }

    public Task<List<CaseHistoryEntry>> TimelineAsync(Guid id) =>
        Db.QueryAsync(db => db.Timeline.AsNoTracking().Where(t => t.ComplaintId == id).OrderBy(t => t.Seq).ToListAsync());

    /// <summary>The words of the case's latest entry with this title (sealed with the case key), as staff read them.</summary>
    public async Task<string?> DetailAsync(Guid id, string title)
    {
        var c = await CaseAsync(id);
        var entry = (await TimelineAsync(id)).Last(t => t.Title == title);
        return Journal.Text.Open(c).ReadEntry(entry.Detail);
    }

    public void Dispose()
    {
        _services.Dispose();
        Db.Dispose();
    }
}
