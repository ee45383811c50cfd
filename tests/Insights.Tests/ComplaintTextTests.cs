using Complaints.Insights.Domain;
using Complaints.Intake.V1;
using Grpc.Core;

namespace Complaints.Insights.Tests;

public sealed class ComplaintTextTests
{
    /// <summary>Answers every unary call with a fixed response or status, as Intake would.</summary>
    private sealed class FixedInvoker(GetComplaintTextResponse? response, StatusCode status = StatusCode.OK) : CallInvoker
    {
        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            new(status == StatusCode.OK ? Task.FromResult((TResponse)(object)response!) : Task.FromException<TResponse>(new RpcException(new Status(status, "from the test"))),
                Task.FromResult(new Metadata()), () => new Status(status, string.Empty), () => [], () => { });

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw new NotSupportedException();
        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw new NotSupportedException();
        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) => throw new NotSupportedException();
        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) => throw new NotSupportedException();
    }

    private static IntakeComplaintTexts Texts(GetComplaintTextResponse? response, StatusCode status = StatusCode.OK) =>
        new(new ComplaintTextService.ComplaintTextServiceClient(new FixedInvoker(response, status)), TimeProvider.System);

    [Fact]
    public async Task GetText_Answer_SubjectDescriptionAndRemedyJoined()
    {
        var text = await Texts(new GetComplaintTextResponse { Subject = "Card", Description = "Declined twice", RemedySought = "Refund" }).GetTextAsync("id", CancellationToken.None);

        Assert.Equal("Card\nDeclined twice\nRefund", text);
    }

    [Fact]
    public async Task GetText_Erased_Null()
    {
        Assert.Null(await Texts(new GetComplaintTextResponse { Erased = true }).GetTextAsync("id", CancellationToken.None));
    }

    [Theory]
    [InlineData(StatusCode.NotFound)]
    [InlineData(StatusCode.InvalidArgument)]
    public async Task GetText_NeverReadable_NullSoTheFeedMovesOn(StatusCode status)
    {
        Assert.Null(await Texts(null, status).GetTextAsync("id", CancellationToken.None));
    }

    [Theory]
    [InlineData(StatusCode.Unavailable)]
    [InlineData(StatusCode.DeadlineExceeded)]
    [InlineData(StatusCode.PermissionDenied)]
    public async Task GetText_TransientOrRefused_ThrowsSoTheFeedRetries(StatusCode status)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Texts(null, status).GetTextAsync("id", CancellationToken.None));

        Assert.Equal(status, error.StatusCode);
    }
}
