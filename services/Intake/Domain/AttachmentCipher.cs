using System.Buffers;
using System.Buffers.Binary;
using Complaints.Intake.Security;

namespace Complaints.Intake.Domain;

/// <summary>
/// Attachment content sealed in segments, so an upload is encrypted and stored as it streams instead of held whole.
/// Layout: <c>CMPSEG1\n</c>, then per segment a 4-byte big-endian length and an AES-GCM box whose associated data
/// names the attachment, the segment's index and whether it is the last: segments cannot be reordered, dropped
/// from the end or moved to another attachment. Content without the marker is the earlier single-box format.
/// </summary>
public static class AttachmentCipher
{
    public const int SegmentBytes = 64 * 1024;

    /// <summary>Length prefix, nonce and tag of one segment.</summary>
    private const int SegmentOverhead = 4 + 12 + 16;

    private static ReadOnlySpan<byte> Marker => "CMPSEG1\n"u8;

    /// <summary>The most sealed bytes <paramref name="plainBytes"/> of content can take.</summary>
    public static long MaxSealedLength(long plainBytes) => Marker.Length + (plainBytes / SegmentBytes + 1) * SegmentOverhead + plainBytes;

    /// <summary>Seals content as it arrives and passes the sealed segments to the store's writer.</summary>
    public sealed class Sealer(FieldProtector protector, byte[] key, Guid complaintId, Guid attachmentId, IAttachmentWriter writer) : IDisposable
    {
        private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(SegmentBytes);
        private int _filled;
        private int _index;
        private bool _started;

        public async ValueTask AppendAsync(ReadOnlyMemory<byte> plain, CancellationToken ct)
        {
            while (!plain.IsEmpty)
            {
                // A full segment is sealed only once more content follows: only then is it known not to be the last.
                if (_filled == SegmentBytes)
                {
                    await FlushAsync(last: false, ct);
                }
                var n = Math.Min(plain.Length, SegmentBytes - _filled);
                plain.Span[..n].CopyTo(_buffer.AsSpan(_filled));
                _filled += n;
                plain = plain[n..];
            }
        }

        public ValueTask FinishAsync(CancellationToken ct) => FlushAsync(last: true, ct);

        private async ValueTask FlushAsync(bool last, CancellationToken ct)
        {
            if (!_started)
            {
                await writer.WriteAsync(Marker.ToArray(), ct);
                _started = true;
            }
            var sealedSegment = protector.EncryptBytes(key, complaintId, Field(attachmentId, _index++, last), _buffer.AsSpan(0, _filled).ToArray());
            var prefix = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(prefix, sealedSegment.Length);
            await writer.WriteAsync(prefix, ct);
            await writer.WriteAsync(sealedSegment, ct);
            _filled = 0;
        }

        public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer, clearArray: true);
    }

    /// <summary>The plaintext, segment by segment (throws CryptographicException when anything was altered).</summary>
    public static IEnumerable<byte[]> Open(FieldProtector protector, byte[] key, Guid complaintId, Guid attachmentId, byte[] stored)
    {
        if (!stored.AsSpan().StartsWith(Marker))
        {
            yield return protector.DecryptBytes(key, complaintId, $"attachment:{attachmentId:N}", stored);
            yield break;
        }
        var offset = Marker.Length;
        for (var index = 0; offset < stored.Length; index++)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(stored.AsSpan(offset, 4));
            offset += 4;
            var last = offset + length >= stored.Length;
            yield return protector.DecryptBytes(key, complaintId, Field(attachmentId, index, last), stored.AsSpan(offset, length).ToArray());
            offset += length;
        }
    }

    private static string Field(Guid attachmentId, int index, bool last) => $"attachment:{attachmentId:N}:{index}:{(last ? "last" : "more")}";
}
