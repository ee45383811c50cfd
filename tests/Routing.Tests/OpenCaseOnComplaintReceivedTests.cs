using Complaints.Common.V1;
using Complaints.Eventing;
using Complaints.Intake.V1;
using Complaints.Routing.Data;
using Complaints.Routing.Domain;
using Complaints.Routing.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Complaints.Routing.Tests;

public sealed class OpenCaseOnComplaintReceivedTests : IDisposable
{
    private static readonly DateTimeOffset ReceivedAt = new(2025, 3, 10, 9, 15, 0, TimeSpan.Zero);
    private readonly RoutingDb _db = new();
    private readonly FakeTimeProvider _clock = new(ReceivedAt.AddMinutes(3));

    public void Dispose() => _db.Dispose();

    private OpenCaseOnComplaintReceived Handler(SlaOptions? sla = null) =>
        new(Options.Create(sla ?? new SlaOptions()), _clock, NullLogger<OpenCaseOnComplaintReceived>.Instance);

    private static ComplaintReceived Received(string? language = "ko") => new()
    {
        ComplaintId = Guid.NewGuid().ToString(),
        Reference = Envelopes.NewReference(),
        Channel = Channel.Web,
        Category = "billing",
        Jurisdiction = Jurisdiction.UkFca,
        PreferredLanguage = language,
        Confidential = true,
        HasContact = true,
        ReceivedAt = Timestamp.FromDateTimeOffset(ReceivedAt),
    };

    [Fact]
    public async Task HandleAsync_NewComplaint_OpensReceivedCaseWithDefaultDeadlines()
    {
        var e = Received();

        await _db.ApplyAsync(Handler(), Envelopes.For(e, Sources.Intake, e.ComplaintId));

        var c = await _db.QueryAsync(db => db.Cases.Include(x => x.Timeline).SingleAsync(x => x.ComplaintId == Guid.Parse(e.ComplaintId)));
        Assert.Equal((int)CaseStatus.Received, c.Status);
        Assert.Equal(e.Reference, c.Reference);
        Assert.Equal("billing", c.Category);
        Assert.Equal((int)Channel.Web, c.Channel);
        Assert.Equal((int)Jurisdiction.UkFca, c.Jurisdiction);
        Assert.Equal("ko", c.PreferredLanguage);
        Assert.True(c.Confidential);
        Assert.True(c.HasContact);
        Assert.Equal(ReceivedAt, c.ReceivedAt);
        Assert.Equal(_clock.GetUtcNow(), c.OpenedAt);
        Assert.Equal(ReceivedAt.AddHours(24), c.AcknowledgeBy);
        Assert.Equal(ReceivedAt.AddDays(56), c.ResolveBy);
        Assert.Null(c.AcknowledgedAt);
    }

    [Fact]
    public async Task HandleAsync_ImportedClosed_ClosedCaseWithoutClocksAndOutcomeOnTimeline()
    {
        var e = Received();
        e.Imported = true;
        e.ImportedClosed = true;
        e.Outcome = "Closed with explanation";

        await _db.ApplyAsync(Handler(), Envelopes.For(e, Sources.Intake, e.ComplaintId));

        var c = await _db.QueryAsync(db => db.Cases.Include(x => x.Timeline).SingleAsync(x => x.ComplaintId == Guid.Parse(e.ComplaintId)));
        Assert.Equal((int)CaseStatus.Closed, c.Status);
        Assert.Null(c.AcknowledgeBy);
        Assert.Null(c.ResolveBy);
        Assert.Equal("Closed with explanation", c.Outcome);
        Assert.Equal(["Complaint received", "Case closed"], c.Timeline.OrderBy(t => t.Id).Select(t => t.Title));
        var opened = CaseOpened.Parser.ParseFrom((await _db.QueryAsync(db => db.Events.SingleAsync())).Payload);
        Assert.True(opened.ImportedClosed);
        Assert.Null(opened.AcknowledgeBy);
        Assert.Null(opened.ResolveBy);
    }

    [Fact]
    public async Task HandleAsync_NewComplaint_AddsPublicSystemTimelineEntries()
    {
        var e = Received();

        await _db.ApplyAsync(Handler(), Envelopes.For(e, Sources.Intake, e.ComplaintId));

        var timeline = await _db.QueryAsync(db => db.Timeline.Where(t => t.ComplaintId == Guid.Parse(e.ComplaintId)).OrderBy(t => t.At).ToListAsync());
        Assert.Equal(["Complaint received", "Case opened"], timeline.Select(t => t.Title));
        Assert.All(timeline, t => Assert.True(t.IsPublic));
        Assert.All(timeline, t => Assert.Equal("system", t.Actor));
        Assert.Equal(ReceivedAt, timeline[0].At);
        Assert.Equal(_clock.GetUtcNow(), timeline[1].At);
        Assert.Contains(e.Reference, timeline[1].Detail);
        Assert.Contains(ReceivedAt.AddDays(56).ToString("yyyy-MM-dd"), timeline[1].Detail);
    }

    [Fact]
    public async Task HandleAsync_ConfiguredSla_UsesConfiguredDeadlines()
    {
        var e = Received();
        var sla = new SlaOptions { AcknowledgeWithin = TimeSpan.FromHours(2), ResolveWithin = TimeSpan.FromDays(15) };

        await _db.ApplyAsync(Handler(sla), Envelopes.For(e, Sources.Intake, e.ComplaintId));

        var c = await _db.QueryAsync(db => db.Cases.SingleAsync(x => x.ComplaintId == Guid.Parse(e.ComplaintId)));
        Assert.Equal(ReceivedAt.AddHours(2), c.AcknowledgeBy);
        Assert.Equal(ReceivedAt.AddDays(15), c.ResolveBy);
        var opened = CaseOpened.Parser.ParseFrom((await _db.QueryAsync(db => db.Events.SingleAsync())).Payload);
        Assert.Equal(ReceivedAt.AddHours(2), opened.AcknowledgeBy.ToDateTimeOffset());
        Assert.Equal(ReceivedAt.AddDays(15), opened.ResolveBy.ToDateTimeOffset());
    }

    [Fact]
    public async Task HandleAsync_NewComplaint_AppendsOneCaseOpenedWithDeadlines()
    {
        var e = Received(language: "bg");

        await _db.ApplyAsync(Handler(), Envelopes.For(e, Sources.Intake, e.ComplaintId));

        var stored = Assert.Single(await _db.QueryAsync(db => db.Events.ToListAsync()));
        Assert.Equal(CaseOpened.Descriptor.FullName, stored.Type);
        Assert.Equal(e.ComplaintId, stored.AggregateId);
        Assert.Equal(_clock.GetUtcNow(), stored.OccurredAt);
        var opened = CaseOpened.Parser.ParseFrom(stored.Payload);
        Assert.Equal(e.ComplaintId, opened.ComplaintId);
        Assert.Equal(e.Reference, opened.Reference);
        Assert.Equal("bg", opened.PreferredLanguage);
        Assert.Equal("billing", opened.Category);
        Assert.Equal(Channel.Web, opened.Channel);
        Assert.Equal(Jurisdiction.UkFca, opened.Jurisdiction);
        Assert.True(opened.Confidential);
        Assert.True(opened.HasContact);
        Assert.Equal(ReceivedAt, opened.ReceivedAt.ToDateTimeOffset());
        Assert.Equal(_clock.GetUtcNow(), opened.OpenedAt.ToDateTimeOffset());
        Assert.Equal(ReceivedAt.AddHours(24), opened.AcknowledgeBy.ToDateTimeOffset());
        Assert.Equal(ReceivedAt.AddDays(56), opened.ResolveBy.ToDateTimeOffset());
    }

    [Fact]
    public async Task HandleAsync_NewComplaint_CaseOpenedCarriesNoContactData()
    {
        var e = Received();

        await _db.ApplyAsync(Handler(), Envelopes.For(e, Sources.Intake, e.ComplaintId));

        var stored = Assert.Single(await _db.QueryAsync(db => db.Events.ToListAsync()));
        // The payload holds declared fields only: dropping unknown fields changes nothing.
        Assert.Equal(stored.Payload, CaseOpened.Parser.WithDiscardUnknownFields(true).ParseFrom(stored.Payload).ToByteArray());
        // Only the fields the contract allows: a flag that a contact exists, never the contact itself.
        string[] allowed =
        [
            "complaint_id", "reference", "category", "channel", "jurisdiction", "preferred_language",
            "confidential", "received_at", "opened_at", "acknowledge_by", "resolve_by", "has_contact", "imported_closed",
        ];
        var fields = CaseOpened.Descriptor.Fields.InDeclarationOrder().Select(f => f.Name).ToList();
        Assert.All(fields, f => Assert.Contains(f, allowed));
        foreach (var personal in new[] { "name", "email", "phone", "address", "member_number", "complainant", "representative", "text", "description" })
        {
            Assert.DoesNotContain(fields, f => f.Contains(personal, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task HandleAsync_SameComplaintTwice_OpensOneCaseAndOneEvent()
    {
        var e = Received();
        var handler = Handler();

        await _db.ApplyAsync(handler, Envelopes.For(e, Sources.Intake, e.ComplaintId));
        _clock.Advance(TimeSpan.FromMinutes(5));
        await _db.ApplyAsync(handler, Envelopes.For(e, Sources.Intake, e.ComplaintId));

        var id = Guid.Parse(e.ComplaintId);
        Assert.Equal(1, await _db.QueryAsync(db => db.Cases.CountAsync(c => c.ComplaintId == id)));
        Assert.Equal(1, await _db.QueryAsync(db => db.Events.CountAsync()));
        Assert.Equal(2, await _db.QueryAsync(db => db.Timeline.CountAsync(t => t.ComplaintId == id)));
        var c = await _db.QueryAsync(db => db.Cases.SingleAsync(x => x.ComplaintId == id));
        Assert.Equal(ReceivedAt.AddMinutes(3), c.OpenedAt);
    }

    [Fact]
    public async Task HandleAsync_SameEnvelopeRedelivered_OpensOneCase()
    {
        var e = Received();
        var envelope = Envelopes.For(e, Sources.Intake, e.ComplaintId);

        await _db.ApplyAsync(Handler(), envelope);
        await _db.ApplyAsync(Handler(), envelope);

        Assert.Equal(1, await _db.QueryAsync(db => db.Cases.CountAsync()));
        Assert.Equal(1, await _db.QueryAsync(db => db.Events.CountAsync()));
    }

    [Fact]
    public void Handler_Subscription_IsComplaintReceivedFromIntake()
    {
        IEventHandler<RoutingDbContext> handler = Handler();

        Assert.Equal(Sources.Intake, handler.Source);
        Assert.Equal(ComplaintReceived.Descriptor.FullName, handler.EventType);
    }
}
