using Complaints.Intake.V1;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Complaints.Web.Portal.Follow;

/// <summary>Why a call to Intake did not give what was asked, as the pages tell it (never Intake's English words).</summary>
public enum FollowFailure
{
    None,

    /// <summary>No complaint with this reference and token: the two are never told apart.</summary>
    NotFound,

    /// <summary>Intake refused a field (BadRequest); <see cref="FollowOutcome{T}.Fields"/> names them.</summary>
    Invalid,

    /// <summary>The case does not allow this now (no open request, already closed, still being registered).</summary>
    NotAllowed,

    /// <summary>A document larger than the limit.</summary>
    TooLarge,

    /// <summary>Intake or a service behind it did not answer in time.</summary>
    Unavailable,
}

/// <summary>An answer from Intake, or why there is none, with the fields a BadRequest named.</summary>
public sealed record FollowOutcome<T>(T? Value, FollowFailure Failure, IReadOnlyList<string> Fields) where T : class
{
    public bool Succeeded => Failure == FollowFailure.None;

    public static FollowOutcome<T> Of(T value) => new(value, FollowFailure.None, []);
}

/// <summary>The complainant's own actions on a followed complaint.</summary>
public enum FollowAction
{
    Answer,
    AddDocument,
    Withdraw,
    Reopen,
}

/// <summary>
/// The public Intake calls the follow pages make for the complainant, anonymously, with the reference and the token from
/// the follow session: each unary call under a deadline, each failure reduced to a <see cref="FollowFailure"/>.
/// </summary>
public sealed class FollowIntake(
    IntakeService.IntakeServiceClient intake,
    AttachmentService.AttachmentServiceClient attachments,
    IOptions<FollowOptions> options,
    ILogger<FollowIntake> logger)
{
    private const int ChunkBytes = 256 * 1024;

    private DateTime Deadline => DateTime.UtcNow.Add(options.Value.CallTimeout);

    public Task<FollowOutcome<TrackComplaintResponse>> TrackAsync(string reference, string trackingToken, CancellationToken ct) =>
        CallAsync("track", () => intake.TrackComplaintAsync(
            new TrackComplaintRequest { Reference = reference, TrackingToken = trackingToken }, deadline: Deadline, cancellationToken: ct).ResponseAsync, ct);

    public Task<FollowOutcome<ComplainantActionResponse>> ActAsync(
        FollowAction action, FollowedComplaint followed, string text, IReadOnlyList<string> attachmentIds, string idempotencyKey, CancellationToken ct)
    {
        var request = new ComplainantActionRequest
        {
            Reference = followed.Reference,
            TrackingToken = followed.TrackingToken,
            Text = text,
            IdempotencyKey = idempotencyKey,
        };
        request.AttachmentIds.AddRange(attachmentIds);
        return CallAsync(action.ToString(), () => (action switch
        {
            FollowAction.Answer => intake.AnswerInformationRequestAsync(request, deadline: Deadline, cancellationToken: ct),
            FollowAction.AddDocument => intake.AddDocumentAsync(request, deadline: Deadline, cancellationToken: ct),
            FollowAction.Withdraw => intake.WithdrawComplaintAsync(request, deadline: Deadline, cancellationToken: ct),
            FollowAction.Reopen => intake.RequestReopenAsync(request, deadline: Deadline, cancellationToken: ct),
            _ => throw new ArgumentOutOfRangeException(nameof(action)),
        }).ResponseAsync, ct);
    }

    /// <summary>
    /// Streams one document to Intake's client-streaming upload as it is read (never held whole): the header, then chunks
    /// of at most 256 KiB. <paramref name="firstChunk"/> is what the caller already read (to know the file is not empty).
    /// <paramref name="batchKey"/> groups the documents of one form (its idempotency key): Intake counts them against the
    /// per-action limit, and a form sent again gets the documents stored the first time.
    /// More than <see cref="FollowOptions.MaxFileBytes"/> stops the upload (nothing is kept) and is
    /// <see cref="FollowFailure.TooLarge"/>; the rest of <paramref name="content"/> is left unread for the caller to drain.
    /// </summary>
    public async Task<FollowOutcome<AttachmentInfo>> UploadAsync(
        FollowedComplaint followed, string batchKey, string fileName, string? declaredType, ReadOnlyMemory<byte> firstChunk, Stream content, CancellationToken ct)
    {
        var limit = options.Value.MaxFileBytes;
        using var upload = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // The writes too, not only the call: a write waiting on a stalled connection's flow control ignores the deadline.
        upload.CancelAfter(options.Value.UploadTimeout);
        return await CallAsync("upload", async () =>
        {
            try
            {
                return await StreamAsync();
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new RpcException(new Grpc.Core.Status(StatusCode.DeadlineExceeded, "the upload took longer than its deadline"));
            }
        }, ct);

        async Task<AttachmentInfo> StreamAsync()
        {
            using var call = attachments.UploadAttachment(deadline: DateTime.UtcNow.Add(options.Value.UploadTimeout), cancellationToken: upload.Token);
            await call.RequestStream.WriteAsync(new UploadAttachmentRequest
            {
                Header = new AttachmentHeader
                {
                    Reference = followed.Reference,
                    TrackingToken = followed.TrackingToken,
                    FileName = fileName,
                    DeclaredContentType = declaredType ?? "",
                    BatchKey = batchKey,
                },
            }, upload.Token);
            long size = firstChunk.Length;
            await call.RequestStream.WriteAsync(new UploadAttachmentRequest { Chunk = ByteString.CopyFrom(firstChunk.Span) }, upload.Token);
            var buffer = new byte[ChunkBytes];
            while (true)
            {
                var read = await FillAsync(content, buffer, ct);
                if (read == 0)
                {
                    break;
                }
                size += read;
                if (size > limit)
                {
                    // Ends the call: Intake keeps nothing of a cancelled upload.
                    await upload.CancelAsync();
                    throw new RpcException(new Grpc.Core.Status(StatusCode.ResourceExhausted, "larger than the limit"));
                }
                await call.RequestStream.WriteAsync(new UploadAttachmentRequest { Chunk = ByteString.CopyFrom(buffer, 0, read) }, upload.Token);
            }
            await call.RequestStream.CompleteAsync();
            return (await call.ResponseAsync).Attachment;
        }
    }

    /// <summary>
    /// Asks Intake to send a new tracking code to the email or phone on file. The answer is the same whether anything
    /// matched or not; only a failure to ask (Unavailable, a malformed field) differs.
    /// </summary>
    public Task<FollowOutcome<RequestTrackingAccessResponse>> RequestAccessAsync(string reference, string? email, string? phone, CancellationToken ct) =>
        CallAsync("access", () => intake.RequestTrackingAccessAsync(
            new RequestTrackingAccessRequest { Reference = reference, Email = email ?? "", Phone = phone ?? "" },
            deadline: Deadline, cancellationToken: ct).ResponseAsync, ct);

    /// <summary>Each public change of the case from <paramref name="resumeToken"/> on, as long as <paramref name="ct"/> allows.</summary>
    public AsyncServerStreamingCall<ComplaintChange> Watch(FollowedComplaint followed, string resumeToken, CancellationToken ct) =>
        intake.WatchComplaint(new WatchComplaintRequest
        {
            Reference = followed.Reference,
            TrackingToken = followed.TrackingToken,
            ResumeToken = resumeToken,
        }, cancellationToken: ct);

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends.</summary>
    public static async Task<int> FillAsync(Stream stream, byte[] buffer, CancellationToken ct)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(total), ct);
            if (read == 0)
            {
                break;
            }
            total += read;
        }
        return total;
    }

    private async Task<FollowOutcome<T>> CallAsync<T>(string operation, Func<Task<T>> call, CancellationToken ct) where T : class
    {
        try
        {
            return FollowOutcome<T>.Of(await call());
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }
        catch (RpcException ex)
        {
            var failure = Classify(ex.StatusCode);
            if (failure == FollowFailure.Unavailable)
            {
                logger.LogWarning("Follow {Operation}: Intake answered {Status}", operation, ex.StatusCode);
            }
            var fields = failure == FollowFailure.Invalid && ex.GetRpcStatus()?.GetDetail<BadRequest>() is { } bad
                ? bad.FieldViolations.Select(v => v.Field).ToList()
                : [];
            return new FollowOutcome<T>(null, failure, fields);
        }
    }

    public static FollowFailure Classify(StatusCode code) => code switch
    {
        StatusCode.NotFound => FollowFailure.NotFound,
        StatusCode.InvalidArgument => FollowFailure.Invalid,
        StatusCode.FailedPrecondition or StatusCode.AlreadyExists or StatusCode.Aborted => FollowFailure.NotAllowed,
        StatusCode.ResourceExhausted => FollowFailure.TooLarge,
        _ => FollowFailure.Unavailable,
    };
}
