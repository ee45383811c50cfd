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
        Entry = new PublicTimelineEntry
        {
            At = At,
            Title = title,
            Detail = "About " + title,
            EntryId = seq,
            Code = "case.opened",
            Parameters = { ["resolve_by"] = "2026-04-28T23:00:00Z", ["resolve_by_date"] = "2026-04-28" },
        },
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
        // The code and its parameters come through: a watching client translates live changes too.
        Assert.Equal(new TimelineEntry
        {
            At = At,
            Title = "Case opened",
            Detail = "About Case opened",
            Code = "case.opened",
            Parameters = { ["resolve_by"] = "2026-04-28T23:00:00Z", ["resolve_by_date"] = "2026-04-28" },
        }, first.Entry);
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

    [Fact]
    public async Task TrackComplaint_RoutingGivesCodesAndDates_PassedThroughToTheComplainant()
    {
        var submitted = await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());
        // The end of Mon 1 February 2027 in London: the instant is the next midnight, the date the day itself.
        var due = Timestamp.FromDateTimeOffset(new DateTimeOffset(2027, 2, 2, 0, 0, 0, TimeSpan.Zero));
        var view = new GetPublicCaseViewResponse
        {
            ComplaintId = submitted.ComplaintId,
            Reference = submitted.Reference,
            Status = CaseStatus.AwaitingComplainant,
            NextStep = "We need information from you: please answer our request.",
            NextStepCode = "next.answer_request",
            NextStepParameters = { ["information_due"] = "2027-02-02T00:00:00Z", ["information_due_date"] = "2027-02-01" },
            ResolveBy = due,
            ResolveByDate = "2027-01-28",
            FirstResponseByDate = "2026-12-14",
            FinalResponseDue = due,
            FinalResponseDueDate = "2027-02-01",
            InformationDue = due,
            InformationDueDate = "2027-02-01",
        };
        view.Timeline.Add(new PublicTimelineEntry
        {
            At = At,
            Title = "Update from your handler",
            Detail = "We have asked the processor.",
            EntryId = 4,
            Code = "update.posted",
            Text = "We have asked the processor.",
        });
        view.Timeline.Add(new PublicTimelineEntry
        {
            At = At,
            Title = "Information requested",
            Detail = "Which card?",
            EntryId = 5,
            Code = "information.requested",
            Parameters = { ["information_due"] = "2027-02-02T00:00:00Z", ["information_due_date"] = "2027-02-01" },
            Text = "Which card?",
        });
        _routing.Views[submitted.ComplaintId] = view;

        var tracked = await _intake.Public().TrackComplaintAsync(new TrackComplaintRequest { Reference = submitted.Reference, TrackingToken = submitted.TrackingToken });

        Assert.Equal("next.answer_request", tracked.NextStepCode);
        Assert.Equal(view.NextStepParameters, tracked.NextStepParameters);
        Assert.Equal(("2027-01-28", "2026-12-14", "2027-02-01", "2027-02-01"),
            (tracked.ResolveByDate, tracked.FirstResponseByDate, tracked.FinalResponseDueDate, tracked.InformationDueDate));
        Assert.Equal(["update.posted", "information.requested"], tracked.Timeline.Select(t => t.Code));
        Assert.Equal(["We have asked the processor.", "Which card?"], tracked.Timeline.Select(t => t.Text));
        Assert.Equal("2027-02-01", tracked.Timeline[1].Parameters["information_due_date"]);
        Assert.Equal("Update from your handler", tracked.Timeline[0].Title);
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
        // Routing's own first entry, with its code, so a translating client shows it in the complainant's language.
        var received = Assert.Single(tracked.Timeline);
        Assert.Equal("case.received", received.Code);
        Assert.Empty(received.Parameters);
    }
}
