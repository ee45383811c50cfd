using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Complaints.Intake.Data;
using Complaints.Intake.Security;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Auth;
using Complaints.ServiceDefaults.Errors;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Complaints.Intake.Domain;

/// <summary>Attachments: chunked upload (token or staff), sniffed type, encrypted under the complaint's key; staff-only, audited reads.</summary>
public sealed class Attachments(
    IntakeDbContext db,
    IntakeAccess access,
    IAttachmentStore store,
    TrackingTokens tokens,
    FieldProtector protector,
    IOptions<IntakeOptions> options,
    TimeProvider clock,
    ILogger<Attachments> logger)
{
    public const int ChunkBytes = 256 * 1024;

    /// <summary><see cref="AttachmentRecord.UploadedBy"/> of what the complainant uploaded with the tracking token.</summary>
    public const string ComplainantUploader = "complainant";

    public async Task<UploadAttachmentResponse> UploadAsync(IAsyncStreamReader<UploadAttachmentRequest> parts, ClaimsPrincipal user, CancellationToken ct)
    {
        var limits = options.Value;
        if (!await parts.MoveNext(ct) || parts.Current.PartCase != UploadAttachmentRequest.PartOneofCase.Header)
        {
            throw new ValidationException("header", "the first message must be the attachment header");
        }
        var header = parts.Current.Header;
        var v = new Validator();
        var fileName = v.Text("header.fileName", header.FileName?.Trim(), 1, 255, allowNewlines: false);
        var batchKey = header.BatchKey?.Trim() ?? "";
        if (batchKey.Length > ComplaintValidation.IdempotencyKeyMax || (batchKey.Length > 0 && !ComplaintValidation.IdempotencyKeyPattern().IsMatch(batchKey)))
        {
            v.Add("header.batchKey", $"must be 1-{ComplaintValidation.IdempotencyKeyMax} characters of letters, digits and . _ : - (or empty)");
        }
        v.ThrowIfInvalid();

        var complaint = await FindForUploadAsync(header, user, ct);
        var uploadedBy = IsStaff(user) ? user.FindFirst("sub")?.Value ?? "staff" : ComplainantUploader;
        // A full complaint or batch still reads the upload, without storing it: it may be the retry of one already
        // stored, which is answered with that attachment. Anything else is refused once its hash is known.
        var room = await RoomAsync(complaint.Id, uploadedBy, batchKey, ct);

        var id = Guid.CreateVersion7(clock.GetUtcNow());
        var key = protector.Unwrap(complaint.WrappedKey, complaint.Id);
        var sniffer = new ContentSniffer.Streaming();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = 0;
        string contentType;
        // Each chunk is checked, sniffed, hashed, sealed and handed to the store as it arrives: never held whole.
        await using (var writer = room.Full ? new DiscardingWriter() : await store.CreateAsync(db, id, AttachmentCipher.MaxSealedLength(limits.MaxAttachmentBytes), ct))
        {
            using var sealer = new AttachmentCipher.Sealer(protector, key, complaint.Id, id, writer);
            while (await parts.MoveNext(ct))
            {
                var chunk = parts.Current;
                if (chunk.PartCase != UploadAttachmentRequest.PartOneofCase.Chunk)
                {
                    throw new ValidationException("chunk", "only the first message may be a header");
                }
                if (size + chunk.Chunk.Length > limits.MaxAttachmentBytes)
                {
                    // The writer's disposal removes what was written so far.
                    throw new TooLargeException($"The attachment is larger than the maximum of {limits.MaxAttachmentBytes} bytes.");
                }
                var bytes = chunk.Chunk.Memory;
                size += bytes.Length;
                sniffer.Append(bytes.Span);
                hash.AppendData(bytes.Span);
                await sealer.AppendAsync(bytes, ct);
            }
            contentType = size == 0
                ? throw new ValidationException("chunk", "the attachment is empty")
                : sniffer.Result() ?? throw new ValidationException("chunk",
                    "the content is not an accepted document type (" + string.Join(", ", ContentSniffer.Accepted) + "), whatever its name or declared type");
            await sealer.FinishAsync(ct);
            await writer.CommitAsync(ct);
        }

        var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
        var replayKey = ReplayKey(key, sha256, fileName, uploadedBy);
        if (await FindReplayAsync(complaint.Id, replayKey, ct) is { } earlier)
        {
            return await ReplayAsync(earlier, id, stored: !room.Full, fileName, ct);
        }
        if (room.Full)
        {
            throw new PreconditionException(room.Refusal!);
        }

        var record = new AttachmentRecord
        {
            Id = id,
            ComplaintId = complaint.Id,
            FileNameCipher = protector.Encrypt(key, complaint.Id, $"attachment-name:{id:N}", fileName),
            ContentType = contentType,
            DeclaredContentType = string.IsNullOrWhiteSpace(header.DeclaredContentType) ? null : header.DeclaredContentType.Trim()[..Math.Min(100, header.DeclaredContentType.Trim().Length)],
            Size = size,
            Sha256 = sha256,
            UploadedAt = clock.GetUtcNow(),
            UploadedBy = uploadedBy,
            BatchKey = batchKey,
            ReplayKey = replayKey,
        };
        db.Attachments.Add(record);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var free = attempt == 0 ? room : await RoomAsync(complaint.Id, uploadedBy, batchKey, ct);
                if (free.Full)
                {
                    throw new PreconditionException(free.Refusal!);
                }
                (record.Slot, record.BatchSlot) = (free.Slot, free.BatchSlot);
                try
                {
                    await db.SaveChangesAsync(ct);
                    break;
                }
                catch (DbUpdateException) when (attempt < limits.MaxAttachmentsPerComplaint)
                {
                    // A concurrent upload took this slot, or stored this very file (the unique replay key decided).
                    if (await FindReplayAsync(complaint.Id, replayKey, ct) is { } concurrent)
                    {
                        db.Entry(record).State = EntityState.Detached;
                        return await ReplayAsync(concurrent, id, stored: true, fileName, ct);
                    }
                }
            }
        }
        catch
        {
            // No record, so no content either (the file store has already moved its file into place).
            await store.DeleteAsync(db, id, CancellationToken.None);
            throw;
        }
        return new UploadAttachmentResponse { Attachment = Info(record, fileName) };
    }

    /// <summary>
    /// Identifies one party's file within its complaint: a keyed hash of its content's SHA-256, its name and who uploads
    /// it, under a key derived from the complaint's data key (so the stored value confirms no guess of a name, and
    /// erasure makes it meaningless). A handler adding the complainant's own file is a second attachment, not a replay
    /// answered with the complainant's.
    /// </summary>
    private static byte[] ReplayKey(byte[] dataKey, string sha256, string fileName, string uploadedBy)
    {
        var macKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, dataKey, 32, info: Encoding.ASCII.GetBytes("complaints/intake/attachment-replay/v1"));
        return HMACSHA256.HashData(macKey, Encoding.UTF8.GetBytes(sha256 + "\n" + fileName + "\n" + uploadedBy));
    }

    private Task<AttachmentRecord?> FindReplayAsync(Guid complaintId, byte[] replayKey, CancellationToken ct) =>
        db.Attachments.AsNoTracking().FirstOrDefaultAsync(a => a.ComplaintId == complaintId && a.ReplayKey == replayKey, ct);

    /// <summary>The retried upload of a file already stored: its content goes, the earlier attachment is the answer.</summary>
    private async Task<UploadAttachmentResponse> ReplayAsync(AttachmentRecord earlier, Guid uploadId, bool stored, string fileName, CancellationToken ct)
    {
        if (stored)
        {
            await store.DeleteAsync(db, uploadId, CancellationToken.None);
        }
        logger.LogDebug("Attachment upload repeated: answered with attachment {AttachmentId}", earlier.Id);
        return new UploadAttachmentResponse { Attachment = Info(earlier, fileName) };
    }

    public async Task<ListAttachmentsResponse> ListAsync(string? reference, ClaimsPrincipal user, CancellationToken ct)
    {
        var complaint = await FindForStaffAsync(reference, user, ct);
        var key = protector.Unwrap(complaint.WrappedKey, complaint.Id);
        var rows = await db.Attachments.AsNoTracking().Where(a => a.ComplaintId == complaint.Id).OrderBy(a => a.UploadedAt).ToListAsync(ct);
        db.AccessAudit.Add(AccessAudit.By(user, "list-attachments", complaint.Id, null, clock.GetUtcNow(), rows.Count));
        await db.SaveChangesAsync(ct);
        var response = new ListAttachmentsResponse();
        response.Attachments.AddRange(rows.Select(a => Info(a, protector.Decrypt(key, complaint.Id, $"attachment-name:{a.Id:N}", a.FileNameCipher))));
        return response;
    }

    public async Task DownloadAsync(string? attachmentId, string? purpose, ClaimsPrincipal user, IServerStreamWriter<DownloadAttachmentResponse> output, CancellationToken ct)
    {
        var v = new Validator();
        var why = v.Text("purpose", purpose?.Trim(), 3, 500, allowNewlines: false);
        if (!Guid.TryParse(attachmentId, out var id))
        {
            v.Add("attachmentId", "must be an attachment id (UUID)");
        }
        v.ThrowIfInvalid();
        var attachment = await db.Attachments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        var complaint = attachment is null ? null : await db.Complaints.AsNoTracking().SingleAsync(c => c.Id == attachment.ComplaintId, ct);
        if (attachment is null || complaint is null || !(await access.ViewerAsync(user, ct)).MaySee(complaint))
        {
            throw new NotFoundException("No attachment with this id.");
        }
        EnsureNotErased(complaint);

        var key = protector.Unwrap(complaint.WrappedKey, complaint.Id);
        db.AccessAudit.Add(AccessAudit.By(user, "read-attachment", complaint.Id, why, clock.GetUtcNow(), attachmentId: id));
        await db.SaveChangesAsync(ct);

        await output.WriteAsync(new DownloadAttachmentResponse { Info = Info(attachment, protector.Decrypt(key, complaint.Id, $"attachment-name:{id:N}", attachment.FileNameCipher)) }, ct);
        // Read, decrypted and sent one sealed segment (64 KiB) at a time: memory stays bounded by a segment.
        await using var stored = await store.OpenReadAsync(db, id, ct);
        try
        {
            await foreach (var segment in AttachmentCipher.OpenAsync(protector, key, complaint.Id, id, stored, ct))
            {
                // Each segment is a fresh array nobody writes again: no copy.
                await output.WriteAsync(new DownloadAttachmentResponse { Chunk = UnsafeByteOperations.UnsafeWrap(segment) }, ct);
            }
        }
        catch (CryptographicException)
        {
            // The segments already sent were genuine; nothing altered is ever released.
            throw new RpcException(new Status(StatusCode.DataLoss,
                "The stored attachment failed its integrity check (altered or truncated); the download stopped at the damaged part."));
        }
    }

    /// <summary>Where the next attachment goes: a free slot of the complaint and of its batch, or why there is none.</summary>
    private sealed record Room(int Slot, int BatchSlot, string? Refusal)
    {
        public bool Full => Refusal is not null;
    }

    /// <summary>
    /// The next free slot of the complaint (at most <see cref="IntakeOptions.MaxAttachmentsPerComplaint"/>) and of the
    /// uploader's batch (at most <see cref="IntakeOptions.MaxAttachmentsPerSubmission"/>). Both are unique indexes, so
    /// concurrent uploads cannot pass either limit.
    /// </summary>
    private async Task<Room> RoomAsync(Guid complaintId, string uploadedBy, string batchKey, CancellationToken ct)
    {
        var o = options.Value;
        var used = await db.Attachments.Where(a => a.ComplaintId == complaintId)
            .Select(a => new { a.Slot, a.UploadedBy, a.BatchKey, a.BatchSlot }).ToListAsync(ct);
        var slot = Enumerable.Range(0, o.MaxAttachmentsPerComplaint).Except(used.Select(u => u.Slot)).Cast<int?>().FirstOrDefault();
        var batchSlot = Enumerable.Range(0, o.MaxAttachmentsPerSubmission)
            .Except(used.Where(u => u.UploadedBy == uploadedBy && u.BatchKey == batchKey).Select(u => u.BatchSlot)).Cast<int?>().FirstOrDefault();
        return (slot, batchSlot) switch
        {
            (null, _) => new Room(0, 0, $"This complaint already has {o.MaxAttachmentsPerComplaint} attachments, the most allowed."),
            (_, null) => new Room(0, 0, $"This submission or answer already has {o.MaxAttachmentsPerSubmission} attachments, the most allowed for one "
                + "(the uploads of one batch key; a later answer or document uses its own)."),
            _ => new Room(slot.Value, batchSlot.Value, null),
        };
    }

    /// <summary>Reads an upload that will not be kept (the complaint or batch is full) without storing it.</summary>
    private sealed class DiscardingWriter : IAttachmentWriter
    {
        public ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct) => ValueTask.CompletedTask;

        public Task CommitAsync(CancellationToken ct) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private async Task<ComplaintRecord> FindForUploadAsync(AttachmentHeader header, ClaimsPrincipal user, CancellationToken ct)
    {
        var normalized = ReferenceGenerator.Normalize(header.Reference);
        var complaint = await db.Complaints.AsNoTracking().FirstOrDefaultAsync(c => c.Reference == normalized, ct);
        // Staff add documents to complaints they may see (StaffOperations.UploadAttachment); complainants prove theirs with the token.
        var allowed = complaint is not null && (IsStaff(user)
            ? (await access.ViewerAsync(user, ct)).MaySee(complaint)
            : await ComplainantProof.VerifyAsync(db, tokens, complaint.Id, header.TrackingToken, ct));
        if (!allowed)
        {
            throw new NotFoundException("No complaint matches this reference and tracking token.");
        }
        return complaint!.ErasedAt is null ? complaint : throw new PreconditionException("The complainant's data of this complaint was erased.");
    }

    private async Task<ComplaintRecord> FindForStaffAsync(string? reference, ClaimsPrincipal user, CancellationToken ct)
    {
        var normalized = ReferenceGenerator.Normalize(reference);
        var complaint = IntakeAccess.Visible(await db.Complaints.AsNoTracking().FirstOrDefaultAsync(c => c.Reference == normalized, ct),
            await access.ViewerAsync(user, ct), normalized);
        EnsureNotErased(complaint);
        return complaint;
    }

    private static void EnsureNotErased(ComplaintRecord complaint)
    {
        if (complaint.ErasedAt is not null)
        {
            throw new PreconditionException("The complainant's data of this complaint was erased.");
        }
    }

    private static bool IsStaff(ClaimsPrincipal user) =>
        user.IsInRole(Roles.Agent) || user.IsInRole(Roles.Supervisor) || user.IsInRole(Roles.Admin);

    private static AttachmentInfo Info(AttachmentRecord a, string fileName) => new()
    {
        AttachmentId = a.Id.ToString(),
        FileName = fileName,
        ContentType = a.ContentType,
        Size = a.Size,
        UploadedAt = Timestamp.FromDateTimeOffset(a.UploadedAt),
        Sha256 = a.Sha256,
    };
}
