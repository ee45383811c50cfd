using System.Buffers;
using Complaints.Intake.V1;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.WebUtilities;

namespace Complaints.Web.Portal.Submit;

/// <summary>
/// Streams the posted files, section by section as they arrive, into Intake's client-streaming UploadAttachment in
/// chunks of at most 256 KiB: no file is ever held whole, in memory or on disk. A file Intake refuses (too large, a type
/// it does not accept) is named with its reason; the complaint stands either way.
/// </summary>
public sealed class SubmitUploads(AttachmentService.AttachmentServiceClient attachments, TimeProvider time, ILogger<SubmitUploads> logger)
{
    public const int ChunkBytes = 256 * 1024;

    /// <summary>A file takes as long as the complainant's connection needs: 10 MiB at 256 kbit/s is about 6 minutes.</summary>
    private static readonly TimeSpan FileDeadline = TimeSpan.FromMinutes(10);

    /// <summary>Uploads the file sections from <paramref name="first"/> to the end of the body.</summary>
    public async Task<List<FileOutcome>> UploadAsync(MultipartReader reader, MultipartSection? first, SubmittedAnswer answer, string batchKey,
        SubmitChoices limits, CancellationToken ct)
    {
        var outcomes = new List<FileOutcome>();
        for (var section = first; section is not null; section = await reader.ReadNextSectionAsync(ct))
        {
            if (!MultipartForm.IsFile(section))
            {
                continue;
            }
            var fileName = MultipartForm.FileName(section);
            if (fileName.Length == 0)
            {
                // A file input left empty.
                continue;
            }
            if (outcomes.Count >= limits.MaxAttachments)
            {
                // The rest of this section is skipped by the next read.
                outcomes.Add(new FileOutcome(fileName, 0, FileProblem.TooMany));
                continue;
            }
            outcomes.Add(await UploadOneAsync(section, fileName, answer, batchKey, limits.MaxAttachmentBytes, ct));
        }
        return outcomes;
    }

    /// <summary>The number of files in the rest of the body, read through and dropped (after a refused form).</summary>
    public static async Task<int> DiscardAsync(MultipartReader reader, MultipartSection? first, CancellationToken ct)
    {
        var files = 0;
        for (var section = first; section is not null; section = await reader.ReadNextSectionAsync(ct))
        {
            if (MultipartForm.IsFile(section) && MultipartForm.FileName(section).Length > 0)
            {
                files++;
            }
        }
        return files;
    }

    private async Task<FileOutcome> UploadOneAsync(MultipartSection section, string fileName, SubmittedAnswer answer, string batchKey,
        long maxBytes, CancellationToken ct)
    {
        using var call = attachments.UploadAttachment(deadline: time.GetUtcNow().UtcDateTime + FileDeadline, cancellationToken: ct);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        long size = 0;
        try
        {
            var header = new AttachmentHeader
            {
                Reference = answer.Reference,
                TrackingToken = answer.TrackingToken,
                FileName = fileName,
                DeclaredContentType = section.ContentType ?? string.Empty,
                // The form's idempotency key: a repeat's files are this submission's, and Intake keeps one of each.
                BatchKey = batchKey,
            };
            if (!await TryWriteAsync(call, new UploadAttachmentRequest { Header = header }))
            {
                return Refused(fileName, size, await StatusAsync(call));
            }
            while (true)
            {
                // Reading the complainant's body: its errors (a cut connection) are not Intake's and end the post.
                var filled = await FillAsync(section.Body, buffer, ct);
                if (filled == 0)
                {
                    break;
                }
                size += filled;
                if (size > maxBytes)
                {
                    // Not one byte past the limit goes on: the call is cancelled when disposed, nothing is kept.
                    return new FileOutcome(fileName, size, FileProblem.TooLarge);
                }
                if (!await TryWriteAsync(call, new UploadAttachmentRequest { Chunk = ByteString.CopyFrom(buffer, 0, filled) }))
                {
                    return Refused(fileName, size, await StatusAsync(call));
                }
            }
            if (!await TryCompleteAsync(call))
            {
                return Refused(fileName, size, await StatusAsync(call));
            }
            try
            {
                await call.ResponseAsync;
                return new FileOutcome(fileName, size, FileProblem.None);
            }
            catch (RpcException ex)
            {
                return Refused(fileName, size, ex);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>False when Intake has already ended the call (it refused the file): its status says why.</summary>
    private static async Task<bool> TryWriteAsync(AsyncClientStreamingCall<UploadAttachmentRequest, UploadAttachmentResponse> call, UploadAttachmentRequest message)
    {
        try
        {
            await call.RequestStream.WriteAsync(message);
            return true;
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException or IOException)
        {
            return false;
        }
    }

    private static async Task<bool> TryCompleteAsync(AsyncClientStreamingCall<UploadAttachmentRequest, UploadAttachmentResponse> call)
    {
        try
        {
            await call.RequestStream.CompleteAsync();
            return true;
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException or IOException)
        {
            return false;
        }
    }

    private static async Task<RpcException> StatusAsync(AsyncClientStreamingCall<UploadAttachmentRequest, UploadAttachmentResponse> call)
    {
        try
        {
            await call.ResponseAsync;
            return new RpcException(new Status(StatusCode.Unknown, "The upload ended without an answer."));
        }
        catch (RpcException ex)
        {
            return ex;
        }
    }

    private FileOutcome Refused(string fileName, long size, RpcException error)
    {
        var problem = error.StatusCode switch
        {
            StatusCode.ResourceExhausted => FileProblem.TooLarge,
            StatusCode.InvalidArgument when error.Status.Detail.Contains("empty", StringComparison.Ordinal) => FileProblem.Empty,
            StatusCode.InvalidArgument => FileProblem.TypeRefused,
            StatusCode.FailedPrecondition => FileProblem.TooMany,
            _ => FileProblem.NotStored,
        };
        if (problem == FileProblem.NotStored)
        {
            logger.LogWarning("An attachment to a new web complaint was not stored: {Status}", error.StatusCode);
        }
        return new FileOutcome(fileName, size, problem);
    }

    /// <summary>Reads until the buffer holds a whole chunk or the section ends.</summary>
    private static async Task<int> FillAsync(Stream body, byte[] buffer, CancellationToken ct)
    {
        var filled = 0;
        while (filled < ChunkBytes)
        {
            var read = await body.ReadAsync(buffer.AsMemory(filled, ChunkBytes - filled), ct);
            if (read == 0)
            {
                break;
            }
            filled += read;
        }
        return filled;
    }
}
