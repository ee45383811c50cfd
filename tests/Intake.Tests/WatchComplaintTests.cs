using Complaints.Common.V1;
using Complaints.Intake.V1;
using Complaints.Routing.V1;
using Complaints.TestSupport;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Complaints.Intake.Tests;

public class WatchComplaintTests(FakeRoutingFixture fixture) : IClassFixture<FakeRoutingFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;
    private readonly FakeCaseView _routing = fixture.CaseView;

    private static readonly Timestamp At = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    private static PublicCaseChange Change(int seq, string title, CaseStatus status) => new()
    {
        ResumeToken = seq.ToString(),
        Status = status,
        Entry = new PublicTimelineEntry { At = At, Title = title, Detail = "About " + title, EntryId = seq },
    };

    [Fact]
    public async Task WatchComplaint_ValidToken_RelaysRoutingsChangesWithResumeToken()
    {
        var submitted = await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());
        var stream = _routing.StreamFor(submitted.ComplaintId);
        await stream.Writer.WriteAsync(Change(3, "Case opened", CaseStatus.Acknowledged));

        using var cts = new CancellationTokenSource(Eventually.DefaultTimeout);
        using var call = _intake.Public().WatchComplaint(new WatchComplaintRequest
        {
            Reference = submitted.Reference,
            TrackingToken = submitted.TrackingToken,
            ResumeToken = "2",
        }, cancellationToken: cts.Token);

        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        var first = call.ResponseStream.Current;
        Assert.Equal("3", first.ResumeToken);
        Assert.Equal(CaseStatus.Acknowledged, first.Status);
        Assert.Equal(new TimelineEntry { At = At, Title = "Case opened", Detail = "About Case opened" }, first.Entry);
        var asked = Assert.Single(_routing.Watches, w => w.ComplaintId == submitted.ComplaintId);
        Assert.Equal("2", asked.ResumeToken);

        // A later change arrives on the open stream.
        await stream.Writer.WriteAsync(Change(5, "We need information from you", CaseStatus.AwaitingComplainant));
        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        Assert.Equal("5", call.ResponseStream.Current.ResumeToken);
        Assert.Equal(CaseStatus.AwaitingComplainant, call.ResponseStream.Current.Status);

        stream.Writer.Complete();
        Assert.False(await call.ResponseStream.MoveNext(cts.Token));
    }

    [Fact]
    public async Task WatchComplaint_WrongToken_NotFoundAndRoutingNotAsked()
    {
        var submitted = await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());

        using var call = _intake.Public().WatchComplaint(new WatchComplaintRequest { Reference = submitted.Reference, TrackingToken = "nope" });
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.DoesNotContain(_routing.Watches, w => w.ComplaintId == submitted.ComplaintId);
    }

    [Fact]
    public async Task WatchComplaint_InvalidResumeToken_InvalidArgumentNamingResumeToken()
    {
        var submitted = await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());

        using var call = _intake.Public().WatchComplaint(new WatchComplaintRequest
        {
            Reference = submitted.Reference,
            TrackingToken = submitted.TrackingToken,
            ResumeToken = "yesterday",
        });
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("resumeToken", error.Status.Detail);
    }

    [Fact]
    public async Task TrackComplaint_RoutingAnswers_FillsNextStepDeadlinesInformationRequestAndResumeToken()
    {
        var submitted = await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());
        var due = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 3, 16, 0, 0, 0, TimeSpan.Zero));
        var view = new GetPublicCaseViewResponse
        {
            ComplaintId = submitted.ComplaintId,
            Reference = submitted.Reference,
            Status = CaseStatus.AwaitingComplainant,
            NextStep = "We need information from you: please answer our request.",
            FirstResponseBy = At,
            FinalResponseDue = due,
            InformationRequested = "Please send the card statement.",
            InformationDue = due,
            ResumeToken = "7",
        };
        view.Timeline.Add(new PublicTimelineEntry { At = At, Title = "Complaint received", EntryId = 1 });
        _routing.Views[submitted.ComplaintId] = view;

        var tracked = await _intake.Public().TrackComplaintAsync(new TrackComplaintRequest { Reference = submitted.Reference, TrackingToken = submitted.TrackingToken });

        Assert.Equal(CaseStatus.AwaitingComplainant, tracked.Status);
        Assert.Equal(view.NextStep, tracked.NextStep);
        Assert.Equal(At, tracked.FirstResponseBy);
        Assert.Equal(due, tracked.FinalResponseDue);
        Assert.Equal("Please send the card statement.", tracked.InformationRequested);
        Assert.Equal(due, tracked.InformationDue);
        Assert.Equal("7", tracked.ResumeToken);
        Assert.DoesNotContain("case", tracked.Unavailable);
    }
}

public class WatchComplaintRoutingDownTests(IntakeFixture fixture) : IClassFixture<IntakeFixture>
{
    [Fact]
    public async Task WatchComplaint_RoutingDown_UnavailableWithClearMessage()
    {
        var intake = fixture.Factory;
        var submitted = await intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());

        using var call = intake.Public().WatchComplaint(new WatchComplaintRequest { Reference = submitted.Reference, TrackingToken = submitted.TrackingToken });
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("try again later", error.Status.Detail);
    }

    [Fact]
    public async Task TrackComplaint_RoutingDown_ReceivedWithCaseUnavailableAndNoResumeToken()
    {
        var intake = fixture.Factory;
        var submitted = await intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());

        var tracked = await intake.Public().TrackComplaintAsync(new TrackComplaintRequest { Reference = submitted.Reference, TrackingToken = submitted.TrackingToken });

        Assert.Equal(CaseStatus.Received, tracked.Status);
        Assert.Contains("case", tracked.Unavailable);
        Assert.Empty(tracked.ResumeToken);
        Assert.Empty(tracked.NextStep);
    }
}
