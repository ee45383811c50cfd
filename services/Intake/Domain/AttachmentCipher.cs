using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
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

    /// <summary>
    /// The plaintext, segment by segment, read from <paramref name="stored"/> as it is consumed: one sealed segment
    /// and the next length prefix are held at a time, whatever the attachment's size. Throws CryptographicException
    /// when anything was altered, truncated or reordered; the segments before it were genuine.
    /// </summary>
    public static async IAsyncEnumerable<byte[]> OpenAsync(FieldProtector protector, byte[] key, Guid complaintId, Guid attachmentId, Stream stored,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var marker = new byte[Marker.Length];
        var read = await ReadFullyAsync(stored, marker, ct);
        if (read < marker.Length || !marker.AsSpan().SequenceEqual(Marker))
        {
            // The earlier single-box format was written whole and can only be opened whole.
            using var whole = new MemoryStream();
            whole.Write(marker, 0, read);
            await stored.CopyToAsync(whole, ct);
            yield return protector.DecryptBytes(key, complaintId, $"attachment:{attachmentId:N}", whole.ToArray());
            yield break;
        }
        var prefix = new byte[4];
        var length = await ReadPrefixAsync(stored, prefix, ct) ?? throw new CryptographicException("The attachment has no segment.");
        for (var index = 0; ; index++)
        {
            if (length is < SegmentOverhead - 4 or > SegmentBytes + SegmentOverhead - 4)
            {
                throw new CryptographicException($"Segment {index} has an impossible length.");
            }
            var box = new byte[length];
            if (await ReadFullyAsync(stored, box, ct) < length)
            {
                throw new CryptographicException($"The attachment ends inside segment {index}.");
            }
            // Whether this is the last segment is sealed into it: reading the next prefix tells.
            var next = await ReadPrefixAsync(stored, prefix, ct);
            yield return protector.DecryptBytes(key, complaintId, Field(attachmentId, index, last: next is null), box);
            if (next is not { } n)
            {
                yield break;
            }
            length = n;
        }
    }

    /// <summary>The next segment's length; null at the end of the content.</summary>
    private static async ValueTask<int?> ReadPrefixAsync(Stream stored, byte[] prefix, CancellationToken ct)
    {
        var read = await ReadFullyAsync(stored, prefix, ct);
        return read switch
        {
            0 => null,
            4 => BinaryPrimitives.ReadInt32BigEndian(prefix),
            _ => throw new CryptographicException("The attachment ends inside a segment's length."),
        };
    }

    private static async ValueTask<int> ReadFullyAsync(Stream stored, byte[] buffer, CancellationToken ct)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await stored.ReadAsync(buffer.AsMemory(total), ct);
            if (n == 0)
            {
                break;
            }
            total += n;
        }
        return total;
    }

    private static string Field(Guid attachmentId, int index, bool last) => $"attachment:{attachmentId:N}:{index}:{(last ? "last" : "more")}";
}
