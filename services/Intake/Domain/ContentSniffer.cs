using System.IO.Compression;

namespace Complaints.Intake.Domain;

/// <summary>Decides what a document is from its bytes. Only types a complaints team can open safely are accepted.</summary>
public static class ContentSniffer
{
    public const string Pdf = "application/pdf";
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";
    public const string Gif = "image/gif";
    public const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string Text = "text/plain";

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> JpegSignature => [0xFF, 0xD8, 0xFF];

    public static readonly IReadOnlyList<string> Accepted = [Pdf, Png, Jpeg, Gif, Docx, Xlsx, Text];

    /// <summary>The content type, or null when the bytes are none of the accepted kinds.</summary>
    public static string? Sniff(byte[] bytes)
    {
        var sniffer = new Streaming();
        sniffer.Append(bytes);
        return sniffer.Result();
    }

    /// <summary>
    /// Sniffs content that arrives in chunks without holding it: the type comes from the first bytes; text is
    /// validated as it streams (UTF-8, no control characters); an Office document is judged from its zip central
    /// directory, which sits at the end, so only the last <see cref="TailBytes"/> are kept.
    /// </summary>
    public sealed class Streaming
    {
        /// <summary>A zip whose central directory does not fit here is refused (an Office file's is a few kB).</summary>
        public const int TailBytes = 512 * 1024;

        private const int HeadBytes = 8;
        private readonly byte[] _head = new byte[HeadBytes];
        private int _headLength;
        private long _total;
        private bool _text = true;
        private readonly System.Text.Decoder _utf8 = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetDecoder();
        private byte[]? _tail;
        private int _tailStart;
        private int _tailLength;

        public void Append(ReadOnlySpan<byte> chunk)
        {
            if (chunk.IsEmpty)
            {
                return;
            }
            var headTake = Math.Min(HeadBytes - _headLength, chunk.Length);
            chunk[..headTake].CopyTo(_head.AsSpan(_headLength));
            _headLength += headTake;
            _total += chunk.Length;
            if (_text)
            {
                _text = IsTextChunk(chunk);
            }
            if (IsZip)
            {
                if (_tail is null)
                {
                    // The signature completed in this chunk: earlier chunks' bytes are all in the head.
                    _tail = new byte[TailBytes];
                    AppendTail(_head.AsSpan(0, _headLength - headTake));
                }
                AppendTail(chunk);
            }
        }

        public string? Result()
        {
            ReadOnlySpan<byte> head = _head.AsSpan(0, _headLength);
            if (_total == 0)
            {
                return null;
            }
            if (head.StartsWith("%PDF-"u8))
            {
                return Pdf;
            }
            if (head.StartsWith(PngSignature))
            {
                return Png;
            }
            if (head.StartsWith(JpegSignature))
            {
                return Jpeg;
            }
            if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
            {
                return Gif;
            }
            if (IsZip)
            {
                return OfficeDocument(TailStream());
            }
            return _text && IsCompleteUtf8() ? Text : null;
        }

        private bool IsZip => _headLength >= 4 && _head.AsSpan(0, 4).SequenceEqual("PK\u0003\u0004"u8);

        private bool IsTextChunk(ReadOnlySpan<byte> chunk)
        {
            foreach (var b in chunk)
            {
                if (b < 0x20 && b is not (byte)'\n' and not (byte)'\r' and not (byte)'\t')
                {
                    return false;
                }
            }
            // GetChars, not GetCharCount: only decoding carries a sequence split across chunks over to the next one.
            var chars = System.Buffers.ArrayPool<char>.Shared.Rent(chunk.Length + 4);
            try
            {
                _utf8.GetChars(chunk, chars, flush: false);
                return true;
            }
            catch (System.Text.DecoderFallbackException)
            {
                return false;
            }
            finally
            {
                System.Buffers.ArrayPool<char>.Shared.Return(chars);
            }
        }

        /// <summary>No UTF-8 sequence left open at the end.</summary>
        private bool IsCompleteUtf8()
        {
            try
            {
                _utf8.GetChars([], new char[4], flush: true);
                return true;
            }
            catch (System.Text.DecoderFallbackException)
            {
                return false;
            }
        }

        private void AppendTail(ReadOnlySpan<byte> bytes)
        {
            var tail = _tail!;
            if (bytes.Length >= tail.Length)
            {
                bytes[^tail.Length..].CopyTo(tail);
                (_tailStart, _tailLength) = (0, tail.Length);
                return;
            }
            var end = (_tailStart + _tailLength) % tail.Length;
            var first = Math.Min(bytes.Length, tail.Length - end);
            bytes[..first].CopyTo(tail.AsSpan(end));
            bytes[first..].CopyTo(tail);
            var overflow = _tailLength + bytes.Length - tail.Length;
            if (overflow > 0)
            {
                (_tailStart, _tailLength) = ((_tailStart + overflow) % tail.Length, tail.Length);
            }
            else
            {
                _tailLength += bytes.Length;
            }
        }

        /// <summary>The whole content when it fits; otherwise its full length with only the kept tail readable (zeros before).</summary>
        private Stream TailStream()
        {
            var tail = new byte[_tailLength];
            for (var i = 0; i < _tailLength; i++)
            {
                tail[i] = _tail![(_tailStart + i) % _tail.Length];
            }
            return _tailLength == _total ? new MemoryStream(tail, writable: false) : new TailOnlyStream(tail, _total);
        }
    }

    /// <summary>A read-only view of a stream of <c>length</c> bytes of which only the last ones are known.</summary>
    private sealed class TailOnlyStream(byte[] tail, long length) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Max(0, Math.Min(count, length - Position));
            var tailStart = length - tail.Length;
            for (var i = 0; i < n; i++)
            {
                var at = Position + i;
                buffer[offset + i] = at >= tailStart ? tail[at - tailStart] : (byte)0;
            }
            Position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => Position + offset,
            _ => length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A Word or Excel document without macros; any other zip (or a broken one, or one whose directory is beyond the kept tail) is refused.</summary>
    private static string? OfficeDocument(Stream content)
    {
        try
        {
            using var zip = new ZipArchive(content, ZipArchiveMode.Read);
            var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.OrdinalIgnoreCase);
            if (!names.Contains("[Content_Types].xml") || names.Any(n => n.EndsWith("vbaProject.bin", StringComparison.OrdinalIgnoreCase)))
            {
                return null;
            }
            return names.Contains("word/document.xml") ? Docx : names.Contains("xl/workbook.xml") ? Xlsx : null;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or ArgumentException)
        {
            return null;
        }
    }
}
