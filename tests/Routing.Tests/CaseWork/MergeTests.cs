using Complaints.Common.V1;
using Complaints.Intake.V1;
using Complaints.Routing.Data;
using Complaints.Routing.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using ComplainantActionRequest = Complaints.Routing.V1.ComplainantActionRequest;

namespace Complaints.Routing.Tests.CaseWork;

public sealed class MergeTests(RoutingHost host) : IClassFixture<RoutingHost>
{
    private ComplaintMerged Merged(ComplaintReceived duplicate, ComplaintReceived primary) => new()
    {
        ComplaintId = duplicate.ComplaintId,
        Reference = duplicate.Reference,
        PrimaryComplaintId = primary.ComplaintId,
        PrimaryReference = primary.Reference,
        MergedAt = Timestamp.FromDateTimeOffset(host.Clock.GetUtcNow()),
        Actor = "agent-mo",
    };

    private Task DeliverAsync(ComplaintMerged e) => host.DeliverAsync(e, Sources.Intake, e.ComplaintId);

    private Task<List<CaseHistoryEntry>> TimelineAsync(string complaintId) =>
        host.QueryAsync(db => db.Timeline.AsNoTracking().Where(t => t.ComplaintId == Guid.Parse(complaintId)).OrderBy(t => t.Seq).ToListAsync());

    private Task<Case> CaseAsync(string complaintId) =>
        host.QueryAsync(db => db.Cases.AsNoTracking().SingleAsync(c => c.ComplaintId == Guid.Parse(complaintId)));

    [Fact]
    public async Task ComplaintMerged_OpenDuplicate_ClosedWithPublicEntryClocksStoppedAndCaseClosedWithoutOutcome()
    {
        var primary = await host.OpenCaseAsync();
        var duplicate = await host.OpenCaseAsync();
        await host.Work().StartInvestigationAsync(new CaseActionRequest { Reference = duplicate.Reference });

        await DeliverAsync(Merged(duplicate, primary));

        var c = await CaseAsync(duplicate.ComplaintId);
        Assert.Equal((int)CaseStatus.Closed, c.Status);
        Assert.Equal(primary.Reference, c.MergedIntoReference);
        Assert.NotNull(c.ClosedAt);
        var entry = (await TimelineAsync(duplicate.ComplaintId))[^1];
        Assert.Equal($"Merged into {primary.Reference}", entry.Title);
        Assert.True(entry.IsPublic);
        Assert.Equal((int)CaseStatus.Closed, entry.ToStatus);
        Assert.Equal("agent-mo", entry.Actor);
        var clocks = await host.QueryAsync(db => db.Set<CaseClock>().AsNoTracking().Where(k => k.ComplaintId == Guid.Parse(duplicate.ComplaintId)).ToListAsync());
        Assert.NotEmpty(clocks);
        Assert.All(clocks, k => Assert.NotNull(k.StoppedAt));
        Assert.Null(c.NextDeadline);
        var closed = Assert.Single(await host.EventsAsync<CaseClosed>(duplicate.ComplaintId));
        Assert.Equal(primary.Reference, closed.MergedIntoReference);
        Assert.Equal(Outcome.Unspecified, closed.Outcome);
        Assert.False(closed.Withdrawn);
        Assert.Equal(CaseStatus.Closed, (await host.EventsAsync<CaseStatusChanged>(duplicate.ComplaintId))[^1].To);
    }

    [Fact]
    public async Task ComplaintMerged_Primary_GetsInternalEntryAndStaysOpen()
    {
        var primary = await host.OpenCaseAsync();
        var duplicate = await host.OpenCaseAsync();
        var statusBefore = (await CaseAsync(primary.ComplaintId)).Status;

        await DeliverAsync(Merged(duplicate, primary));

        var entry = (await TimelineAsync(primary.ComplaintId))[^1];
        Assert.Equal($"Duplicate {duplicate.Reference} merged into this case", entry.Title);
        Assert.False(entry.IsPublic);
        Assert.Equal(statusBefore, (await CaseAsync(primary.ComplaintId)).Status);
        Assert.Empty(await host.EventsAsync<CaseClosed>(primary.ComplaintId));
    }

    [Fact]
    public async Task ComplaintMerged_AlreadyClosedDuplicate_OnlyEntriesRecorded()
    {
        var primary = await host.OpenCaseAsync();
        var duplicate = await host.OpenCaseAsync();
        await host.Actions().WithdrawAsync(new ComplainantActionRequest { ComplaintId = duplicate.ComplaintId, CommandId = Guid.NewGuid().ToString() });
        var before = await CaseAsync(duplicate.ComplaintId);

        await DeliverAsync(Merged(duplicate, primary));

        var after = await CaseAsync(duplicate.ComplaintId);
        Assert.Equal((int)CaseStatus.Closed, after.Status);
        Assert.Equal(before.ClosedAt, after.ClosedAt);
        Assert.Equal((int)Outcome.Withdrawn, after.Outcome);
        var entry = (await TimelineAsync(duplicate.ComplaintId))[^1];
        Assert.Equal($"Merged into {primary.Reference}", entry.Title);
        Assert.True(entry.IsPublic);
        Assert.Null(entry.ToStatus);
        Assert.True(Assert.Single(await host.EventsAsync<CaseClosed>(duplicate.ComplaintId)).Withdrawn);
        Assert.Equal($"Duplicate {duplicate.Reference} merged into this case", (await TimelineAsync(primary.ComplaintId))[^1].Title);
    }

    [Fact]
    public async Task ComplaintMerged_DeliveredTwice_AppliedOnce()
    {
        var primary = await host.OpenCaseAsync();
        var duplicate = await host.OpenCaseAsync();
        var e = Merged(duplicate, primary);

        await DeliverAsync(e);
        var entries = (await TimelineAsync(primary.ComplaintId)).Count;
        await DeliverAsync(e);

        Assert.Single(await host.EventsAsync<CaseClosed>(duplicate.ComplaintId));
        Assert.Equal(entries, (await TimelineAsync(primary.ComplaintId)).Count);
    }

    [Fact]
    public async Task ComplaintMerged_CaseNotOpenedYet_ThrowsSoTheSubscriberRetries()
    {
        var primary = await host.OpenCaseAsync();
        var unknown = new ComplaintReceived { ComplaintId = Guid.NewGuid().ToString(), Reference = Envelopes.NewReference() };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => DeliverAsync(Merged(unknown, primary)));

        Assert.Contains(unknown.Reference, error.Message);
        Assert.DoesNotContain(await TimelineAsync(primary.ComplaintId), t => t.Title.StartsWith("Duplicate", StringComparison.Ordinal));
    }
}
