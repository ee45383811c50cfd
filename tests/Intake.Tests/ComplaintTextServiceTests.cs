using Complaints.Intake.V1;
using Grpc.Core;

namespace Complaints.Intake.Tests;

/// <summary>The internal text service Routing's triage and Insights' term counts read: listed service subjects only, decrypted words, nothing after erasure.</summary>
public class ComplaintTextServiceTests(IntakeFixture fixture) : IClassFixture<IntakeFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;

    private ComplaintTextService.ComplaintTextServiceClient Client(string subject, string role) => new(_intake.Channel(_intake.Token(subject, role)));

    [Fact]
    public async Task GetComplaintText_ServiceToken_ReturnsDecryptedText()
    {
        var request = ValidationTests.ValidRequest();
        request.Description = "누군가 제 계좌로 사기를 쳤습니다. My card was charged twice.";
        var submitted = await _intake.Public().SubmitComplaintAsync(request);

        var text = await Client("routing", "service").GetComplaintTextAsync(new GetComplaintTextRequest { ComplaintId = submitted.ComplaintId });

        Assert.Equal("Charged twice", text.Subject);
        Assert.Equal(request.Description, text.Description);
        Assert.Equal("Refund of the second charge", text.RemedySought);
        Assert.False(text.Erased);
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("supervisor")]
    [InlineData("admin")]
    [InlineData("partner")]
    public async Task GetComplaintText_PersonToken_PermissionDenied(string role)
    {
        var submitted = await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client("someone", role).GetComplaintTextAsync(new GetComplaintTextRequest { ComplaintId = submitted.ComplaintId }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Theory]
    [InlineData("notifications")]
    [InlineData("some-batch-job")]
    public async Task GetComplaintText_ServiceNotAReader_PermissionDenied(string service)
    {
        var submitted = await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client(service, "service").GetComplaintTextAsync(new GetComplaintTextRequest { ComplaintId = submitted.ComplaintId }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task GetComplaintText_InsightsByDefault_ReturnsText()
    {
        var submitted = await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());

        var text = await Client("insights", "service").GetComplaintTextAsync(new GetComplaintTextRequest { ComplaintId = submitted.ComplaintId });

        Assert.Equal("Charged twice", text.Subject);
    }

    [Fact]
    public async Task GetComplaintText_ReadersConfigured_OnlyThoseSubjectsRead()
    {
        using var intake = new IntakeFactory(new Dictionary<string, string?> { ["Intake:ComplaintTextReaders:0"] = "routing" });
        var submitted = await intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());
        var request = new GetComplaintTextRequest { ComplaintId = submitted.ComplaintId };

        var routing = await new ComplaintTextService.ComplaintTextServiceClient(intake.Channel(intake.Token("routing", "service"))).GetComplaintTextAsync(request);
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            new ComplaintTextService.ComplaintTextServiceClient(intake.Channel(intake.Token("insights", "service"))).GetComplaintTextAsync(request).ResponseAsync);

        Assert.Equal("Charged twice", routing.Subject);
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task GetComplaintText_NoToken_Unauthenticated()
    {
        var client = new ComplaintTextService.ComplaintTextServiceClient(_intake.Channel());

        var error = await Assert.ThrowsAsync<RpcException>(() => client.GetComplaintTextAsync(new GetComplaintTextRequest { ComplaintId = Guid.NewGuid().ToString() }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task GetComplaintText_ErasedComplainant_EmptyAndErased()
    {
        var request = ValidationTests.ValidRequest();
        request.Complainant.Email = $"t{Guid.NewGuid():N}@example.com";
        var submitted = await _intake.Public().SubmitComplaintAsync(request);
        await new DataRightsService.DataRightsServiceClient(_intake.Channel(_intake.Token("dpo", "admin")))
            .EraseComplainantAsync(new EraseComplainantRequest { Subject = new SubjectSelector { Reference = submitted.Reference }, Reason = "Art. 17 request" });

        var text = await Client("routing", "service").GetComplaintTextAsync(new GetComplaintTextRequest { ComplaintId = submitted.ComplaintId });

        Assert.True(text.Erased);
        Assert.Equal(("", "", ""), (text.Subject, text.Description, text.RemedySought));
    }

    [Theory]
    [InlineData("not-a-uuid", StatusCode.InvalidArgument)]
    [InlineData("00000000-0000-0000-0000-000000000001", StatusCode.NotFound)]
    public async Task GetComplaintText_BadOrUnknownId_Refused(string id, StatusCode expected)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client("routing", "service").GetComplaintTextAsync(new GetComplaintTextRequest { ComplaintId = id }).ResponseAsync);

        Assert.Equal(expected, error.StatusCode);
    }
}
