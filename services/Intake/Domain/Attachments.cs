using System.Security.Claims;
using System.Security.Cryptography;
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
    TimeProvider clock)
{
    public const int ChunkBytes = 256 * 1024;

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
        v.ThrowIfInvalid();

        var complaint = await FindForUploadAsync(header, user, ct);
        await EnsureRoomAsync(complaint.Id, ct);

        var id = Guid.CreateVersion7(clock.GetUtcNow());
        var key = protector.Unwrap(complaint.WrappedKey, complaint.Id);
        var sniffer = new ContentSniffer.Streaming();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = 0;
        string contentType;
        // Each chunk is checked, sniffed, hashed, sealed and handed to the store as it arrives: never held whole.
        await using (var writer = await store.CreateAsync(db, id, AttachmentCipher.MaxSealedLength(limits.MaxAttachmentBytes), ct))
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

        var record = new AttachmentRecord
        {
            Id = id,
            ComplaintId = complaint.Id,
            FileNameCipher = protector.Encrypt(key, complaint.Id, $"attachment-name:{id:N}", fileName),
            ContentType = contentType,
            DeclaredContentType = string.IsNullOrWhiteSpace(header.DeclaredContentType) ? null : header.DeclaredContentType.Trim()[..Math.Min(100, header.DeclaredContentType.Trim().Length)],
            Size = size,
            Sha256 = Convert.ToHexStringLower(hash.GetHashAndReset()),
            UploadedAt = clock.GetUtcNow(),
            UploadedBy = IsStaff(user) ? user.FindFirst("sub")?.Value ?? "staff" : "complainant",
        };
        db.Attachments.Add(record);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                record.Slot = await EnsureRoomAsync(complaint.Id, ct);
                try
                {
                    await db.SaveChangesAsync(ct);
                    break;
                }
                catch (DbUpdateException) when (attempt < limits.MaxAttachmentsPerComplaint)
                {
                    // A concurrent upload took this slot: look again (the unique slot index decided).
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
        db.AccessAudit.Add(AccessAudit.By(user, "read-attachment", complaint.Id, why, clock.GetUtcNow()));
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

    /// <summary>The next free slot, or a refusal when the complaint has the most attachments allowed.</summary>
    private async Task<int> EnsureRoomAsync(Guid complaintId, CancellationToken ct)
    {
        var max = options.Value.MaxAttachmentsPerComplaint;
        var used = await db.Attachments.Where(a => a.ComplaintId == complaintId).Select(a => a.Slot).ToListAsync(ct);
        var free = Enumerable.Range(0, max).Except(used).Cast<int?>().FirstOrDefault();
        return free ?? throw new PreconditionException($"This complaint already has {max} attachments, the most allowed.");
    }

    private async Task<ComplaintRecord> FindForUploadAsync(AttachmentHeader header, ClaimsPrincipal user, CancellationToken ct)
    {
        var normalized = ReferenceGenerator.Normalize(header.Reference);
        var complaint = await db.Complaints.AsNoTracking().FirstOrDefaultAsync(c => c.Reference == normalized, ct);
        // Staff add documents to complaints they may see (StaffOperations.UploadAttachment); complainants prove theirs with the token.
        var allowed = complaint is not null && (IsStaff(user)
            ? (await access.ViewerAsync(user, ct)).MaySee(complaint)
            : tokens.Verify(complaint.Id, header.TrackingToken?.Trim()));
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
