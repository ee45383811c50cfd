using System.Security.Cryptography;
using System.Text;
using Complaints.Intake.Domain;
using Complaints.Intake.Security;
using Complaints.Intake.V1;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Tests;

/// <summary>Downloads read, decrypt and send one sealed segment at a time; a damaged segment stops the download there.</summary>
public class AttachmentStreamingTests(SmallAttachmentsFixture fixture) : IClassFixture<SmallAttachmentsFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;

    /// <summary>Counts what has been read from it, to show how far ahead of the plaintext the reader is.</summary>
    private sealed class CountingStream(byte[] content) : MemoryStream(content)
    {
        public long Consumed => Position;
    }

    private sealed class MemoryWriter : IAttachmentWriter
    {
        public MemoryStream Content { get; } = new();

        public ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct) => Content.WriteAsync(bytes, ct);

        public Task CommitAsync(CancellationToken ct) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static byte[] Pdf(int size)
    {
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        "%PDF-1.7\n"u8.CopyTo(bytes);
        return bytes;
    }

    [Fact]
    public async Task OpenAsync_MultiSegmentContent_RoundTripsReadingOneSegmentAhead()
    {
        var protector = new FieldProtector(new KeyMaterial(RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32)));
        var (complaintId, attachmentId) = (Guid.NewGuid(), Guid.NewGuid());
        var (key, _) = protector.NewDataKey(complaintId);
        var content = Pdf(5 * AttachmentCipher.SegmentBytes + 1234);
        var writer = new MemoryWriter();
        using (var sealer = new AttachmentCipher.Sealer(protector, key, complaintId, attachmentId, writer))
        {
            await sealer.AppendAsync(content, CancellationToken.None);
            await sealer.FinishAsync(CancellationToken.None);
        }
        var stored = new CountingStream(writer.Content.ToArray());

        var plain = new List<byte>();
        var mostAhead = 0L;
        await foreach (var segment in AttachmentCipher.OpenAsync(protector, key, complaintId, attachmentId, stored))
        {
            plain.AddRange(segment);
            // Sealed bytes read beyond what this plaintext accounts for: at most one segment's box and a length prefix.
            mostAhead = Math.Max(mostAhead, stored.Consumed - SealedLength(plain.Count));
            Assert.True(segment.Length <= AttachmentCipher.SegmentBytes);
        }

        Assert.Equal(content, plain.ToArray());
        Assert.InRange(mostAhead, 0, 4);
        Assert.True(stored.Length > 4L * AttachmentCipher.SegmentBytes);
    }

    /// <summary>Marker, then per segment a length prefix, nonce and tag around its plaintext.</summary>
    private static long SealedLength(long plain) => 8 + (plain + AttachmentCipher.SegmentBytes - 1) / AttachmentCipher.SegmentBytes * (4 + 12 + 16) + plain;

    [Fact]
    public async Task DownloadAttachment_TamperedSecondSegment_GenuineFirstSegmentThenDataLoss()
    {
        var submitted = await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());
        var content = Pdf(3 * AttachmentCipher.SegmentBytes + 500);
        var uploaded = await AttachmentTests.UploadAsync(new AttachmentService.AttachmentServiceClient(_intake.Channel()),
            new AttachmentHeader { Reference = submitted.Reference, TrackingToken = submitted.TrackingToken, FileName = "statement.pdf" }, content);
        var id = Guid.Parse(uploaded.Attachment.AttachmentId);
        await _intake.WithDb(async db =>
        {
            var blob = await db.AttachmentBlobs.SingleAsync(b => b.AttachmentId == id);
            // Marker (8), first segment (4 + 12 + 65,536 + 16), then a byte inside the second segment's ciphertext.
            var damaged = (byte[])blob.Content.Clone();
            damaged[8 + 4 + 12 + AttachmentCipher.SegmentBytes + 16 + 4 + 12 + 100] ^= 0x01;
            blob.Content = damaged;
            return await db.SaveChangesAsync();
        });

        using var download = new AttachmentService.AttachmentServiceClient(_intake.Channel(_intake.Token("agent-1", "agent")))
            .DownloadAttachment(new DownloadAttachmentRequest { AttachmentId = uploaded.Attachment.AttachmentId, Purpose = "check the statement" });
        var received = new List<byte>();
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var part in download.ResponseStream.ReadAllAsync())
            {
                received.AddRange(part.Chunk.ToByteArray());
            }
        });

        Assert.Equal(StatusCode.DataLoss, error.StatusCode);
        Assert.Contains("integrity check", error.Status.Detail);
        Assert.Equal(content.AsSpan(0, AttachmentCipher.SegmentBytes).ToArray(), received.ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(65_536)]
    [InlineData(4 * 65_536 + 7)]
    public async Task DownloadAttachment_AnySize_ChunksOfOneSegmentAndSameBytes(int size)
    {
        var submitted = await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());
        var content = size == 1 ? Encoding.ASCII.GetBytes("x") : Pdf(size);
        var uploaded = await AttachmentTests.UploadAsync(new AttachmentService.AttachmentServiceClient(_intake.Channel()),
            new AttachmentHeader { Reference = submitted.Reference, TrackingToken = submitted.TrackingToken, FileName = "a.pdf" }, content);

        using var download = new AttachmentService.AttachmentServiceClient(_intake.Channel(_intake.Token("agent-1", "agent")))
            .DownloadAttachment(new DownloadAttachmentRequest { AttachmentId = uploaded.Attachment.AttachmentId, Purpose = "check the upload" });
        var chunks = new List<byte[]>();
        await foreach (var part in download.ResponseStream.ReadAllAsync())
        {
            if (part.PartCase == DownloadAttachmentResponse.PartOneofCase.Chunk)
            {
                chunks.Add(part.Chunk.ToByteArray());
            }
        }

        Assert.Equal(content, chunks.SelectMany(c => c).ToArray());
        Assert.Equal((size + AttachmentCipher.SegmentBytes - 1) / AttachmentCipher.SegmentBytes, chunks.Count);
        Assert.All(chunks, c => Assert.InRange(c.Length, 1, AttachmentCipher.SegmentBytes));
    }
}
