using Complaints.Common.V1;
using Complaints.Routing.V1;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Complaints.Routing.Tests;

public sealed class CaseViewServiceTests(RoutingFixture fixture) : IClassFixture<RoutingFixture>
{
    private CaseViewService.CaseViewServiceClient Client(string? token) => new(fixture.Factory.Channel(token));

    [Fact]
    public async Task GetPublicCaseView_NoToken_Unauthenticated()
    {
        var c = await fixture.SeedCaseAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client(null).GetPublicCaseViewAsync(new GetPublicCaseViewRequest { ComplaintId = c.ComplaintId.ToString() }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("admin")]
    [InlineData("analyst")]
    public async Task GetPublicCaseView_PersonRole_PermissionDenied(string role)
    {
        var c = await fixture.SeedCaseAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client(fixture.Factory.Token("someone", role)).GetPublicCaseViewAsync(new GetPublicCaseViewRequest { ComplaintId = c.ComplaintId.ToString() }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task GetPublicCaseView_ServiceToken_ReturnsCaseWithPublicEntriesOnly()
    {
        var c = await fixture.SeedCaseAsync();

        var view = await Client(fixture.ServiceToken).GetPublicCaseViewAsync(new GetPublicCaseViewRequest { ComplaintId = c.ComplaintId.ToString() });

        Assert.Equal(c.ComplaintId.ToString(), view.ComplaintId);
        Assert.Equal(c.Reference, view.Reference);
        Assert.Equal(CaseStatus.Received, view.Status);
        Assert.Equal(Timestamp.FromDateTimeOffset(c.AcknowledgeBy!.Value), view.AcknowledgeBy);
        Assert.Equal(Timestamp.FromDateTimeOffset(c.ResolveBy!.Value), view.ResolveBy);
        Assert.Null(view.AcknowledgedAt);
        // Oldest first, and the internal note is nowhere in the answer.
        Assert.Equal(["Complaint received", "Case opened"], view.Timeline.Select(t => t.Title));
        Assert.DoesNotContain("Internal note", view.ToString());
        Assert.DoesNotContain(c.ComplaintId.ToString("N"), view.ToString());
    }

    [Fact]
    public async Task GetPublicCaseView_UnknownId_NotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client(fixture.ServiceToken).GetPublicCaseViewAsync(new GetPublicCaseViewRequest { ComplaintId = Guid.NewGuid().ToString() }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("")]
    public async Task GetPublicCaseView_MalformedId_InvalidArgumentNamingComplaintId(string complaintId)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client(fixture.ServiceToken).GetPublicCaseViewAsync(new GetPublicCaseViewRequest { ComplaintId = complaintId }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var badRequest = error.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        var violation = Assert.Single(badRequest.FieldViolations);
        Assert.Equal("complaintId", violation.Field);
        Assert.False(string.IsNullOrWhiteSpace(violation.Description));
    }
}
