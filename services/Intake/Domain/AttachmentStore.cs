using Complaints.Intake.Data;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Domain;

/// <summary>Where attachment content (already encrypted) is kept.</summary>
public interface IAttachmentStore
{
    /// <summary>Stages the content; it is committed with the caller's SaveChanges where the store is transactional.</summary>
    Task SaveAsync(IntakeDbContext db, Guid attachmentId, byte[] sealedContent, CancellationToken ct);

    Task<byte[]> ReadAsync(IntakeDbContext db, Guid attachmentId, CancellationToken ct);
}

/// <summary>The default: a row per attachment in Intake's own database, written in the same transaction as its record.</summary>
public sealed class DatabaseAttachmentStore : IAttachmentStore
{
    public Task SaveAsync(IntakeDbContext db, Guid attachmentId, byte[] sealedContent, CancellationToken ct)
    {
        db.AttachmentBlobs.Add(new AttachmentBlob { AttachmentId = attachmentId, Content = sealedContent });
        return Task.CompletedTask;
    }

    public async Task<byte[]> ReadAsync(IntakeDbContext db, Guid attachmentId, CancellationToken ct) =>
        await db.AttachmentBlobs.Where(b => b.AttachmentId == attachmentId).Select(b => b.Content).SingleAsync(ct);
}

/// <summary>A file per attachment under a folder (a mounted volume or a synced object store), named by its id.</summary>
public sealed class FileAttachmentStore(string folder) : IAttachmentStore
{
    public async Task SaveAsync(IntakeDbContext db, Guid attachmentId, byte[] sealedContent, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, attachmentId.ToString("N"));
        // Written before the record commits: a crash leaves an orphan file (unreadable without its record), never a record without content.
        await File.WriteAllBytesAsync(path + ".tmp", sealedContent, ct);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    public Task<byte[]> ReadAsync(IntakeDbContext db, Guid attachmentId, CancellationToken ct) =>
        File.ReadAllBytesAsync(Path.Combine(folder, attachmentId.ToString("N")), ct);
}
