using Complaints.Eventing;
using Complaints.Intake.Data;
using Complaints.Intake.Domain;
using Complaints.Intake.V1;
using Complaints.Routing.V1;
using Complaints.TestSupport;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Complaints.Intake.Tests;

/// <summary>Intake on a fake clock, so the retention period can pass within a test.</summary>
public sealed class FakeClockIntakeFixture : IDisposable
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public IntakeFactory Factory { get; }

    public FakeClockIntakeFixture() => Factory = new IntakeFactory(services: s => s.AddSingleton<TimeProvider>(Clock));

    public void Dispose() => Factory.Dispose();
}

/// <summary>Routing's feed applied as the subscriber applies it: the registered handlers, then one save.</summary>
internal static class RoutingEvents
{
    public static async Task ApplyAsync(IntakeFactory intake, IMessage payload)
    {
        var envelope = Envelopes.For(payload, Sources.Routing);
        await using var scope = intake.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IntakeDbContext>();
        var handlers = scope.ServiceProvider.GetServices<IEventHandler<IntakeDbContext>>()
            .Where(h => h.Source == Sources.Routing && h.EventType == envelope.Type).ToList();
        Assert.NotEmpty(handlers);
        foreach (var handler in handlers)
        {
            await handler.HandleAsync(envelope, db, CancellationToken.None);
        }
        await db.SaveChangesAsync();
    }
}

public class AssignedHandlerTests(IntakeFixture fixture) : IClassFixture<IntakeFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;

    private StaffIntakeService.StaffIntakeServiceClient Staff(string subject) => new(_intake.Channel(_intake.Token(subject, "agent")));

    private Task<GetComplaintContactResponse> ReadContactAsync(string subject, string reference) =>
        Staff(subject).GetComplaintContactAsync(new GetComplaintContactRequest { Reference = reference, Purpose = "call back about the refund" }).ResponseAsync;

    private async Task<SubmitComplaintResponse> SubmitConfidentialAsync()
    {
        var request = ValidationTests.ValidRequest();
        request.Confidential = true;
        return await _intake.Public().SubmitComplaintAsync(request);
    }

    private static CaseAssigned Assigned(SubmitComplaintResponse s, string assignee, string previous = "") => new()
    {
        ComplaintId = s.ComplaintId,
        Reference = s.Reference,
        QueueId = "vulnerable-customers",
        AssigneeId = assignee,
        PreviousAssigneeId = previous,
        Confidential = true,
        At = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
    };

    [Fact]
    public async Task GetComplaintContact_ConfidentialAssignedHandler_ReadsAndOtherAgentNotFound()
    {
        var submitted = await SubmitConfidentialAsync();

        await RoutingEvents.ApplyAsync(_intake, Assigned(submitted, "agent-hana"));

        var contact = await ReadContactAsync("agent-hana", submitted.Reference);
        Assert.Equal("mina@example.com", contact.Email);
        var denied = await Assert.ThrowsAsync<RpcException>(() => ReadContactAsync("agent-bo", submitted.Reference));
        Assert.Equal(StatusCode.NotFound, denied.StatusCode);
    }

    [Fact]
    public async Task GetComplaintContact_Reassigned_PreviousHandlerNotFound()
    {
        var submitted = await SubmitConfidentialAsync();
        await RoutingEvents.ApplyAsync(_intake, Assigned(submitted, "agent-hana"));

        await RoutingEvents.ApplyAsync(_intake, Assigned(submitted, "agent-jun", previous: "agent-hana"));

        var denied = await Assert.ThrowsAsync<RpcException>(() => ReadContactAsync("agent-hana", submitted.Reference));
        Assert.Equal(StatusCode.NotFound, denied.StatusCode);
        Assert.Equal("mina@example.com", (await ReadContactAsync("agent-jun", submitted.Reference)).Email);
    }

    [Fact]
    public async Task CaseAssigned_UnknownComplaint_Ignored()
    {
        await RoutingEvents.ApplyAsync(_intake, new CaseAssigned { ComplaintId = Guid.NewGuid().ToString(), AssigneeId = "agent-hana" });
    }
}

public class ClosingDateTests(FakeClockIntakeFixture fixture) : IClassFixture<FakeClockIntakeFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;
    private readonly FakeTimeProvider _clock = fixture.Clock;

    private async Task<IReadOnlyList<string>> PurgeAtAsync(DateTimeOffset now)
    {
        await using var scope = _intake.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RetentionPurge>().PurgeDueAsync(now, CancellationToken.None);
    }

    private CaseClosed Closed(SubmitComplaintResponse s) => new()
    {
        ComplaintId = s.ComplaintId,
        Reference = s.Reference,
        Outcome = Outcome.Upheld,
        ClosedAt = Timestamp.FromDateTimeOffset(_clock.GetUtcNow()),
    };

    private Task<ComplaintRecord> StoredAsync(SubmitComplaintResponse s) =>
        _intake.WithDb(db => db.Complaints.AsNoTracking().SingleAsync(c => c.Id == Guid.Parse(s.ComplaintId)));

    [Fact]
    public async Task RetentionWorker_LiveComplaintClosedPastRetention_Purged()
    {
        var submitted = await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());
        _clock.Advance(TimeSpan.FromDays(40));
        var closedAt = _clock.GetUtcNow();
        var retention = TimeSpan.FromDays(365.25 * 6);

        await RoutingEvents.ApplyAsync(_intake, Closed(submitted));

        Assert.Equal(closedAt, (await StoredAsync(submitted)).ClosedAt);
        Assert.DoesNotContain(submitted.Reference, await PurgeAtAsync(closedAt + retention - TimeSpan.FromDays(1)));
        // The worker scans daily on the fake clock: move it past the period a day at a time until it has run.
        _clock.Advance(retention);
        var stored = await Eventually.Get(async () =>
        {
            _clock.Advance(TimeSpan.FromDays(1));
            return await StoredAsync(submitted);
        }, c => c.ErasedAt is not null, "the retention worker to purge the closed complaint");
        Assert.Empty(stored.WrappedKey);
        Assert.True(await _intake.WithDb(db => db.AccessAudit.AnyAsync(a => a.ComplaintId == stored.Id && a.Action == "retention-purge")));
    }

    [Fact]
    public async Task PurgeDueAsync_ClosedThenReopened_Kept()
    {
        var submitted = await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());
        await RoutingEvents.ApplyAsync(_intake, Closed(submitted));
        _clock.Advance(TimeSpan.FromDays(10));

        await RoutingEvents.ApplyAsync(_intake, new CaseReopened
        {
            ComplaintId = submitted.ComplaintId,
            Reference = submitted.Reference,
            At = Timestamp.FromDateTimeOffset(_clock.GetUtcNow()),
            Actor = "agent-hana",
        });

        Assert.Null((await StoredAsync(submitted)).ClosedAt);
        Assert.DoesNotContain(submitted.Reference, await PurgeAtAsync(_clock.GetUtcNow() + TimeSpan.FromDays(365.25 * 7)));
        Assert.Null((await StoredAsync(submitted)).ErasedAt);
    }
}
