using System.Net.Http.Json;
using Complaints.Common.V1;
using Complaints.Intake.V1;
using Complaints.Routing.V1;
using Complaints.TestSupport;
using Grpc.Core;
using Grpc.Net.Client;

namespace Complaints.EndToEnd.Tests;

/// <summary>
/// A complaint worked by staff through the gateway (gRPC) while the complainant answers and watches through
/// Intake (REST and a gRPC stream): Intake forwards the answer to Routing, Routing's changes reach the watcher live.
/// </summary>
[Collection(PlatformCollection.Name)]
public class CaseHandlingJourneyTests(PlatformFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private async Task<Metadata> StaffAsync(string subject, string role) =>
        new() { { "Authorization", "Bearer " + await fixture.Tokens.StaffAsync(subject, role) } };

    [Fact]
    public async Task WorkCase_StaffAndComplainantThroughGateway_ResolvedClosedAndWatchedLive()
    {
        var complaint = await Complaint.SubmitAsync(fixture.Rest, language: "en");
        var acknowledged = await Eventually.Get(() => complaint.TrackAsync(fixture.Rest), Complaint.IsAcknowledged, "the acknowledgement", Timeout);
        using var grpc = GrpcChannel.ForAddress(fixture.Platform.GatewayGrpcUrl);
        var work = new CaseWorkService.CaseWorkServiceClient(grpc);
        var cases = new CaseService.CaseServiceClient(grpc);
        var agent = await StaffAsync("e2e-agent", "agent");
        var reference = complaint.Reference;

        var opened = await cases.GetCaseAsync(new GetCaseRequest { Reference = reference }, agent);
        await work.StartInvestigationAsync(new CaseActionRequest { Reference = reference }, agent);
        await work.RequestInformationAsync(new RequestInformationRequest { Reference = reference, Question = "Please send the card statement." }, agent);

        // The complainant watches from where their tracking view left off, then answers over REST.
        using var watchCancel = new CancellationTokenSource(Timeout);
        using var watch = new IntakeService.IntakeServiceClient(grpc).WatchComplaint(new WatchComplaintRequest
        {
            Reference = reference,
            TrackingToken = complaint.TrackingToken,
            ResumeToken = acknowledged.GetProperty("resumeToken").GetString(),
        }, cancellationToken: watchCancel.Token);
        using var answer = await fixture.Rest.PostAsJsonAsync($"/api/v1/complaints/{reference}/answers",
            new { trackingToken = complaint.TrackingToken, text = "Statement: two charges of 42.00 on 3 May.", idempotencyKey = Guid.NewGuid().ToString() });
        Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
        var seen = new List<ComplaintChange>();
        while (await watch.ResponseStream.MoveNext(watchCancel.Token))
        {
            seen.Add(watch.ResponseStream.Current);
            if (seen.Last().Entry.Title == "Your answer was received")
            {
                break;
            }
        }

        await work.RecordFindingsAsync(new RecordFindingsRequest { Reference = reference, Findings = "Duplicate capture confirmed.", RootCause = "system_error" }, agent);
        var proposed = await work.ProposeResolutionAsync(new ProposeResolutionRequest
        {
            Reference = reference,
            Outcome = Outcome.Upheld,
            Summary = "Refund the duplicate.",
            Remedy = new Remedy { Apology = true, Refund = new Money { Amount = "42.00", Currency = "GBP" } },
        }, agent);
        if (proposed.AwaitingApproval)
        {
            await work.DecideResolutionAsync(new DecideResolutionRequest { Reference = reference, Approve = true }, await StaffAsync("e2e-supervisor", "supervisor"));
        }
        var requirements = await work.GetFinalResponseRequirementsAsync(new CaseRef { Reference = reference }, agent);
        await work.SendFinalResponseAsync(new SendFinalResponseRequest
        {
            Reference = reference,
            Text = "We have refunded 42.00 GBP and apologise.\n\n" + string.Join("\n", requirements.Statements.Select(s => s.StandardWording)),
        }, agent);
        await work.CloseCaseAsync(new CaseActionRequest { Reference = reference }, agent);
        var closed = await complaint.TrackAsync(fixture.Rest);

        Assert.Equal("general", opened.QueueId);
        Assert.NotEqual(Severity.Unspecified, opened.Severity);
        Assert.Contains(seen, c => c.Entry.Title == "Information requested" && c.Entry.Detail == "Please send the card statement.");
        Assert.Equal(CaseStatus.InInvestigation, seen.Last().Status);
        Assert.Equal("CASE_STATUS_CLOSED", closed.GetProperty("status").GetString());
        var titles = closed.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("title").GetString()).ToList();
        Assert.Contains("Your answer was received", titles);
        Assert.Contains(titles, t => t is "Final response sent" or "Summary resolution sent");
        Assert.DoesNotContain(closed.GetProperty("timeline").EnumerateArray(), t => t.GetProperty("detail").GetString()!.Contains("Duplicate capture confirmed", StringComparison.Ordinal));
        var staffView = await cases.GetCaseAsync(new GetCaseRequest { Reference = reference }, agent);
        Assert.Equal(Outcome.Upheld, staffView.Outcome);
        Assert.All(staffView.Clocks, k => Assert.NotNull(k.StoppedAt));
    }

    [Fact]
    public async Task AnswerInformationRequest_NoOpenRequest_FailedPreconditionAsBadRequest()
    {
        var complaint = await Complaint.SubmitAsync(fixture.Rest, language: "en");
        await Eventually.Get(() => complaint.TrackAsync(fixture.Rest), Complaint.IsAcknowledged, "the acknowledgement", Timeout);

        using var response = await fixture.Rest.PostAsJsonAsync($"/api/v1/complaints/{complaint.Reference}/answers",
            new { trackingToken = complaint.TrackingToken, text = "Unprompted answer." });
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("no open request for information", body);
        var view = await complaint.TrackAsync(fixture.Rest);
        Assert.Equal("CASE_STATUS_ACKNOWLEDGED", view.GetProperty("status").GetString());
    }
}
