using System.Buffers;
using System.Data;
using System.Data.Common;
using Complaints.Intake.Data;
using Complaints.ServiceDefaults.Data;
using Complaints.ServiceDefaults.Errors;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Domain;

/// <summary>Where attachment content (already encrypted) is kept.</summary>
public interface IAttachmentStore
{
    /// <summary>
    /// Starts writing an attachment's sealed content in pieces. Nothing is visible until the writer commits; a writer
    /// disposed uncommitted leaves nothing behind. More than <paramref name="maxBytes"/> is refused as it arrives.
    /// </summary>
    Task<IAttachmentWriter> CreateAsync(IntakeDbContext db, Guid attachmentId, long maxBytes, CancellationToken ct);

    /// <summary>
    /// The sealed content as a stream read in place, a piece at a time (never loaded whole); the caller disposes it,
    /// which releases what it holds (the context's connection for the database store).
    /// </summary>
    Task<Stream> OpenReadAsync(IntakeDbContext db, Guid attachmentId, CancellationToken ct);

    /// <summary>Removes committed content whose record could not be saved.</summary>
    Task DeleteAsync(IntakeDbContext db, Guid attachmentId, CancellationToken ct);
}

/// <summary>One attachment's content being written.</summary>
public interface IAttachmentWriter : IAsyncDisposable
{
    ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct);

    /// <summary>Stages the content; it is committed with the caller's SaveChanges where the store is transactional.</summary>
    Task CommitAsync(CancellationToken ct);
}

/// <summary>The default: a row per attachment in Intake's own database, written in the same transaction as its record.</summary>
public sealed class DatabaseAttachmentStore : IAttachmentStore
{
    public Task<IAttachmentWriter> CreateAsync(IntakeDbContext db, Guid attachmentId, long maxBytes, CancellationToken ct) =>
        Task.FromResult<IAttachmentWriter>(new Writer(db, attachmentId, maxBytes));

    public async Task<Stream> OpenReadAsync(IntakeDbContext db, Guid attachmentId, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            if (db.Database.GetDbConnection() is SqliteConnection sqlite)
            {
                // SQLite's incremental blob I/O reads the row's value in place (a plain query would load it whole).
                var rowid = await db.Database
                    .SqlQuery<long>($"SELECT rowid AS \"Value\" FROM attachment_blob WHERE \"AttachmentId\" = {attachmentId}")
                    .SingleAsync(ct);
                return new ConnectionStream(db, new SqliteBlob(sqlite, "attachment_blob", nameof(AttachmentBlob.Content), rowid, readOnly: true), null);
            }
            // SQL Server (or another provider): a sequential reader streams the column.
            var command = db.AttachmentBlobs.Where(b => b.AttachmentId == attachmentId).Select(b => b.Content).CreateDbCommand();
            var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess | CommandBehavior.SingleRow, ct);
            if (!await reader.ReadAsync(ct))
            {
                await reader.DisposeAsync();
                throw new InvalidOperationException($"Attachment {attachmentId} has no content.");
            }
            return new ConnectionStream(db, reader.GetStream(0), reader);
        }
        catch
        {
            await db.Database.CloseConnectionAsync();
            throw;
        }
    }

    public Task DeleteAsync(IntakeDbContext db, Guid attachmentId, CancellationToken ct)
    {
        // Staged in the caller's context only: dropping it there is enough.
        foreach (var blob in db.AttachmentBlobs.Tracked().Where(b => b.AttachmentId == attachmentId).ToList())
        {
            db.Entry(blob).State = EntityState.Detached;
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// The row needs one array: pieces go into pooled segments and are copied once, at the exact size, on commit
    /// (no doubling-and-copying of a growing buffer).
    /// </summary>
    private sealed class Writer(IntakeDbContext db, Guid attachmentId, long maxBytes) : IAttachmentWriter
    {
        private const int SegmentBytes = 128 * 1024;
        private readonly List<byte[]> _segments = [];
        private int _lastUsed = SegmentBytes;
        private long _length;

        public ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
        {
            AttachmentLimits.Ensure(_length + bytes.Length, maxBytes);
            var source = bytes.Span;
            while (!source.IsEmpty)
            {
                if (_lastUsed == SegmentBytes)
                {
                    _segments.Add(ArrayPool<byte>.Shared.Rent(SegmentBytes));
                    _lastUsed = 0;
                }
                var n = Math.Min(source.Length, SegmentBytes - _lastUsed);
                source[..n].CopyTo(_segments[^1].AsSpan(_lastUsed));
                _lastUsed += n;
                source = source[n..];
            }
            _length += bytes.Length;
            return ValueTask.CompletedTask;
        }

        public Task CommitAsync(CancellationToken ct)
        {
            var content = new byte[_length];
            var offset = 0;
            for (var i = 0; i < _segments.Count; i++)
            {
                var used = i == _segments.Count - 1 ? _lastUsed : SegmentBytes;
                _segments[i].AsSpan(0, used).CopyTo(content.AsSpan(offset));
                offset += used;
            }
            db.AttachmentBlobs.Add(new AttachmentBlob { AttachmentId = attachmentId, Content = content });
            Release();
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            Release();
            return ValueTask.CompletedTask;
        }

        private void Release()
        {
            foreach (var segment in _segments)
            {
                ArrayPool<byte>.Shared.Return(segment);
            }
            _segments.Clear();
        }
    }
}

/// <summary>A read-only stream over a blob that holds the context's connection open until disposed.</summary>
internal sealed class ConnectionStream(IntakeDbContext db, Stream inner, DbDataReader? reader) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        if (reader is not null)
        {
            await reader.DisposeAsync();
        }
        await db.Database.CloseConnectionAsync();
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            reader?.Dispose();
            db.Database.CloseConnection();
        }
        base.Dispose(disposing);
    }
}

/// <summary>A file per attachment under a folder (a mounted volume or a synced object store), named by its id.</summary>
public sealed class FileAttachmentStore(string folder) : IAttachmentStore
{
    public Task<IAttachmentWriter> CreateAsync(IntakeDbContext db, Guid attachmentId, long maxBytes, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        var path = PathOf(attachmentId);
        // Unique per upload, beside the target so the final move is a rename on the same volume.
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
        return Task.FromResult<IAttachmentWriter>(new Writer(stream, temp, path, maxBytes));
    }

    public Task<Stream> OpenReadAsync(IntakeDbContext db, Guid attachmentId, CancellationToken ct) =>
        Task.FromResult<Stream>(new FileStream(PathOf(attachmentId), FileMode.Open, FileAccess.Read, FileShare.Read, 16 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan));

    public Task DeleteAsync(IntakeDbContext db, Guid attachmentId, CancellationToken ct)
    {
        File.Delete(PathOf(attachmentId));
        return Task.CompletedTask;
    }

    private string PathOf(Guid attachmentId) => Path.Combine(folder, attachmentId.ToString("N"));

    /// <summary>
    /// Moved into place on commit, before the record is saved: a crash between the two leaves an orphan file
    /// (unreadable without its record's key), never a record without content.
    /// </summary>
    private sealed class Writer(FileStream stream, string temp, string path, long maxBytes) : IAttachmentWriter
    {
        private bool _committed;

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
        {
            AttachmentLimits.Ensure(stream.Length + bytes.Length, maxBytes);
            await stream.WriteAsync(bytes, ct);
        }

        public async Task CommitAsync(CancellationToken ct)
        {
            await stream.FlushAsync(ct);
            await stream.DisposeAsync();
            File.Move(temp, path, overwrite: true);
            _committed = true;
        }

        public async ValueTask DisposeAsync()
        {
            await stream.DisposeAsync();
            if (!_committed)
            {
                File.Delete(temp);
            }
        }
    }
}

internal static class AttachmentLimits
{
    public static void Ensure(long length, long maxBytes)
    {
        if (length > maxBytes)
        {
            throw new TooLargeException($"The attachment is larger than the maximum of {maxBytes} bytes (stored size).");
        }
    }
}
