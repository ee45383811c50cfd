using System.Security.Claims;
using System.Security.Cryptography;
using Complaints.Common.V1;
using Complaints.Intake.V1;
using Complaints.Routing.Data;
using Complaints.Routing.Directory;
using Complaints.Routing.Domain;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Complaints.Routing.Tests.Directory;

/// <summary>Routing's schema on a real SQLite file, with the directory, journal and router wired by hand.</summary>
public sealed class DirectoryTestKit : IDisposable
{
    public static readonly DateTimeOffset Now = new(2025, 6, 2, 9, 0, 0, TimeSpan.Zero);

    public RoutingDb Db { get; } = new();
    public FakeTimeProvider Clock { get; } = new(Now);
    public CaseJournal Journal { get; }
    public CaseRouter Router { get; }

    public DirectoryTestKit()
    {
        Journal = new CaseJournal(new CaseText(RandomNumberGenerator.GetBytes(32)), Clock);
        Router = new CaseRouter(Journal, Clock, NullLogger<CaseRouter>.Instance);
    }

    public async Task AgentAsync(string id, string queues = "general", string languages = "en", string categories = "", int capacity = 5,
        bool active = true, params (DateTimeOffset From, DateTimeOffset Until)[] absences)
    {
        await using var db = Db.Open();
        db.Add(new StaffAgent
        {
            Id = id,
            DisplayName = id,
            QueueIds = queues,
            Languages = languages,
            Categories = categories,
            Capacity = capacity,
            Active = active,
            Absences = absences.Select(a => new AgentAbsence { AgentId = id, From = a.From, Until = a.Until }).ToList(),
        });
        await db.SaveChangesAsync();
    }

    public async Task QueueAsync(string id, string supervisors = "", string? designatedContact = null)
    {
        await using var db = Db.Open();
        db.Add(new CaseQueue { Id = id, Name = id, SupervisorIds = supervisors, DesignatedContactId = designatedContact });
        await db.SaveChangesAsync();
    }

    public async Task RulesAsync(RoutingRules rules)
    {
        await using var db = Db.Open();
        db.Add(new RoutingRuleSet { Id = StaffDirectory.RuleSetId, Json = Google.Protobuf.JsonFormatter.Default.Format(rules), UpdatedBy = "test" });
        await db.SaveChangesAsync();
    }

    public static Case NewCase(string category = "billing", string language = "en", Severity severity = Severity.Low,
        Channel channel = Channel.Web, Jurisdiction jurisdiction = Jurisdiction.UkFca, ComplainantKind kind = ComplainantKind.Customer,
        bool confidential = false, CaseStatus status = CaseStatus.Received, string? queue = null, string? assignee = null,
        DateTimeOffset? receivedAt = null, DateTimeOffset? nextDeadline = null) => new()
        {
            ComplaintId = Guid.NewGuid(),
            Reference = Envelopes.NewReference(),
            Status = (int)status,
            Category = category,
            Channel = (int)channel,
            Jurisdiction = (int)jurisdiction,
            ComplainantKind = (int)kind,
            PreferredLanguage = language,
            Confidential = confidential,
            HasContact = true,
            Severity = (int)severity,
            QueueId = queue,
            AssigneeId = assignee,
            ReceivedAt = receivedAt ?? Now.AddDays(-1),
            OpenedAt = receivedAt ?? Now.AddDays(-1),
            NextDeadline = nextDeadline,
        };

    /// <summary>Stores cases as they are (no routing).</summary>
    public async Task SeedAsync(params Case[] cases)
    {
        await using var db = Db.Open();
        foreach (var c in cases)
        {
            Journal.Text.Provision(c);
            db.Cases.Add(c);
        }
        await db.SaveChangesAsync();
    }

    /// <summary>Opens a case the way the ComplaintReceived handler does: route, then save.</summary>
    public async Task<Case> RouteAsync(Case c)
    {
        await using var db = Db.Open();
        Journal.Text.Provision(c);
        db.Cases.Add(c);
        await Router.RouteAsync(db, c, Clock.GetUtcNow(), CancellationToken.None);
        await db.SaveChangesAsync();
        return c;
    }

    public async Task<Case> AssignAsync(Case c, string? queue, string? assignee, ClaimsPrincipal user)
    {
        await using var db = Db.Open();
        var tracked = await db.Cases.FirstAsync(x => x.ComplaintId == c.ComplaintId);
        var viewer = await Access(db).ViewerAsync(user, CancellationToken.None);
        await Router.AssignAsync(db, tracked, queue, assignee, user.StaffId()!, viewer, "test", Clock.GetUtcNow(), CancellationToken.None);
        await db.SaveChangesAsync();
        return tracked;
    }

    public Task<List<CaseAssigned>> AssignedEventsAsync(Case c) => Db.QueryAsync(async db =>
        (await db.Events.AsNoTracking().Where(e => e.AggregateId == c.ComplaintId.ToString()).OrderBy(e => e.Sequence).ToListAsync())
            .Where(e => e.Type == CaseAssigned.Descriptor.FullName)
            .Select(e => CaseAssigned.Parser.ParseFrom(e.Payload))
            .ToList());

    public Task<List<CaseHistoryEntry>> AssignmentEntriesAsync(Case c) => Db.QueryAsync(db =>
        db.Timeline.AsNoTracking().Where(t => t.ComplaintId == c.ComplaintId && t.Kind == EntryKinds.Assignment).OrderBy(t => t.Seq).ToListAsync());

    /// <summary>The need-to-know rule as Routing applies it, with no configured reader roles.</summary>
    public CaseAccess Access(RoutingDbContext db) => new(db, new NeedToKnow(Options.Create(new ConfidentialityOptions())), Clock);

    public static ClaimsPrincipal User(string id, params string[] roles) =>
        new(new ClaimsIdentity([new Claim("sub", id), .. roles.Select(r => new Claim("role", r))], "test", "sub", "role"));

    public void Dispose() => Db.Dispose();
}
