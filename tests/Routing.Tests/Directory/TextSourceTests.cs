using Complaints.Intake.V1;
using Complaints.Routing.Directory;
using Grpc.Core;

namespace Complaints.Routing.Tests.Directory;

public sealed class TextSourceTests
{
    private sealed class FakeIntake(GetComplaintTextResponse? response, StatusCode failure = StatusCode.OK) : ComplaintTextService.ComplaintTextServiceClient
    {
        public GetComplaintTextRequest? Asked { get; private set; }

        public override AsyncUnaryCall<GetComplaintTextResponse> GetComplaintTextAsync(GetComplaintTextRequest request, Metadata? headers = null, DateTime? deadline = null, CancellationToken cancellationToken = default)
        {
            Asked = request;
            var result = failure == StatusCode.OK ? Task.FromResult(response!) : Task.FromException<GetComplaintTextResponse>(new RpcException(new Status(failure, "down")));
            return new AsyncUnaryCall<GetComplaintTextResponse>(result, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        }
    }

    [Fact]
    public async Task GetTextAsync_IntakeAnswers_SubjectDescriptionAndRemedyJoined()
    {
        var id = Guid.NewGuid();
        var intake = new FakeIntake(new GetComplaintTextResponse { Subject = "Fraud", Description = "Card used abroad.", RemedySought = "Refund" });

        var text = await new GrpcComplaintTextSource(intake).GetTextAsync(id, CancellationToken.None);

        Assert.Equal("Fraud\nCard used abroad.\nRefund", text);
        Assert.Equal(id.ToString(), intake.Asked?.ComplaintId);
    }

    [Fact]
    public async Task GetTextAsync_Erased_Null()
    {
        var text = await new GrpcComplaintTextSource(new FakeIntake(new GetComplaintTextResponse { Erased = true })).GetTextAsync(Guid.NewGuid(), CancellationToken.None);

        Assert.Null(text);
    }

    [Fact]
    public async Task GetTextAsync_IntakeUnavailable_Throws()
    {
        // The subscriber retries the ComplaintReceived event: no case is triaged blind while Intake is down.
        var error = await Assert.ThrowsAsync<RpcException>(() => new GrpcComplaintTextSource(new FakeIntake(null, StatusCode.Unavailable)).GetTextAsync(Guid.NewGuid(), CancellationToken.None));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public void Start_InvalidTriagePolicy_FailsNamingField()
    {
        using var folder = new TempFolder("triage-start");
        var path = folder.File("triage.json");
        File.WriteAllText(path, """{ "levels": { "medium": 2, "high": 4, "critical": 4 } }""");
        using var factory = new DirectoryFixture.DirectoryFactory(new Dictionary<string, string?> { ["Routing:TriagePolicyPath"] = path });

        var error = Assert.ThrowsAny<Exception>(() => factory.Server);

        Assert.Contains("levels.critical must be greater than levels.high", error.ToString());
    }
}
