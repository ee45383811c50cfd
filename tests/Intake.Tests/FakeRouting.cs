using System.Collections.Concurrent;
using System.Threading.Channels;
using Complaints.Common.V1;
using Complaints.Routing.V1;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.Intake.Tests;

/// <summary>Test double of Routing's complainant-action client: records what Intake forwards and answers as told.</summary>
public sealed class FakeComplainantActions : ComplainantActionService.ComplainantActionServiceClient
{
    public ConcurrentQueue<(string Method, ComplainantActionRequest Request)> Received { get; } = new();

    /// <summary>What Routing answers; by default it applies each command id once.</summary>
    public Func<string, ComplainantActionRequest, ComplainantActionResponse>? Answer { get; set; }

    private readonly ConcurrentDictionary<string, bool> _applied = new();

    public IEnumerable<ComplainantActionRequest> For(string complaintId) => Received.Where(r => r.Request.ComplaintId == complaintId).Select(r => r.Request);

    public override AsyncUnaryCall<ComplainantActionResponse> AnswerInformationRequestAsync(ComplainantActionRequest request, CallOptions options) =>
        Handle("AnswerInformationRequest", request, CaseStatus.InInvestigation);

    public override AsyncUnaryCall<ComplainantActionResponse> AddDocumentAsync(ComplainantActionRequest request, CallOptions options) =>
        Handle("AddDocument", request, CaseStatus.InInvestigation);

    public override AsyncUnaryCall<ComplainantActionResponse> WithdrawAsync(ComplainantActionRequest request, CallOptions options) =>
        Handle("Withdraw", request, CaseStatus.Closed);

    public override AsyncUnaryCall<ComplainantActionResponse> RequestReopenAsync(ComplainantActionRequest request, CallOptions options) =>
        Handle("RequestReopen", request, CaseStatus.Resolved);

    private AsyncUnaryCall<ComplainantActionResponse> Handle(string method, ComplainantActionRequest request, CaseStatus status)
    {
        Received.Enqueue((method, request.Clone()));
        Task<ComplainantActionResponse> answer;
        try
        {
            answer = Task.FromResult(Answer?.Invoke(method, request)
                ?? new ComplainantActionResponse { Status = status, Applied = _applied.TryAdd(request.CommandId, true) });
        }
        catch (RpcException ex)
        {
            answer = Task.FromException<ComplainantActionResponse>(ex);
        }
        return new AsyncUnaryCall<ComplainantActionResponse>(answer, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }
}

/// <summary>Test double of Routing's case-view client: a set public view, and watch streams the test feeds.</summary>
public sealed class FakeCaseView : CaseViewService.CaseViewServiceClient
{
    public ConcurrentDictionary<string, GetPublicCaseViewResponse> Views { get; } = new();

    public ConcurrentQueue<WatchPublicCaseRequest> Watches { get; } = new();

    /// <summary>The changes each watch of a complaint streams; completing the writer ends the stream.</summary>
    public ConcurrentDictionary<string, System.Threading.Channels.Channel<PublicCaseChange>> Streams { get; } = new();

    public System.Threading.Channels.Channel<PublicCaseChange> StreamFor(string complaintId) => Streams.GetOrAdd(complaintId, _ => System.Threading.Channels.Channel.CreateUnbounded<PublicCaseChange>());

    public override AsyncUnaryCall<GetPublicCaseViewResponse> GetPublicCaseViewAsync(GetPublicCaseViewRequest request, CallOptions options)
    {
        var answer = Views.TryGetValue(request.ComplaintId, out var view)
            ? Task.FromResult(view)
            : Task.FromException<GetPublicCaseViewResponse>(new RpcException(new Status(StatusCode.NotFound, "No case for this complaint yet.")));
        return new AsyncUnaryCall<GetPublicCaseViewResponse>(answer, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    public override AsyncServerStreamingCall<PublicCaseChange> WatchPublicCase(WatchPublicCaseRequest request, CallOptions options)
    {
        Watches.Enqueue(request.Clone());
        var reader = new ChannelStreamReader(StreamFor(request.ComplaintId).Reader, options.CancellationToken);
        return new AsyncServerStreamingCall<PublicCaseChange>(reader, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    private sealed class ChannelStreamReader(ChannelReader<PublicCaseChange> channel, CancellationToken callToken) : IAsyncStreamReader<PublicCaseChange>
    {
        public PublicCaseChange Current { get; private set; } = null!;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, callToken);
            try
            {
                if (!await channel.WaitToReadAsync(linked.Token))
                {
                    return false;
                }
            }
            catch (OperationCanceledException)
            {
                throw new RpcException(new Status(StatusCode.Cancelled, "Call canceled by the client."));
            }
            Current = await channel.ReadAsync(linked.Token);
            return true;
        }
    }
}

/// <summary>Intake with both Routing clients replaced by test doubles.</summary>
public sealed class FakeRoutingFixture : IDisposable
{
    public FakeComplainantActions Actions { get; } = new();

    public FakeCaseView CaseView { get; } = new();

    public IntakeFactory Factory { get; }

    public FakeRoutingFixture()
    {
        Factory = new IntakeFactory(services: s =>
        {
            s.AddSingleton<ComplainantActionService.ComplainantActionServiceClient>(Actions);
            s.AddSingleton<CaseViewService.CaseViewServiceClient>(CaseView);
        });
    }

    public void Dispose() => Factory.Dispose();
}
