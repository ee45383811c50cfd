using System.Text;
using Complaints.Intake.Domain;
using Complaints.Intake.V1;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Tests;

/// <summary>Intake with a 300 kB attachment limit (the default is 10 MiB), so limits are tested with small files.</summary>
public sealed class SmallAttachmentsFixture : IDisposable
{
    public IntakeFactory Factory { get; } = new(new Dictionary<string, string?> { ["Intake:MaxAttachmentBytes"] = "300000" });

    public void Dispose() => Factory.Dispose();
}

public class AttachmentTests(SmallAttachmentsFixture fixture) : IClassFixture<SmallAttachmentsFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;

    private AttachmentService.AttachmentServiceClient Client(string? role = null) =>
        new(_intake.Channel(role is null ? null : _intake.Token(role + "-user", role)));

    private async Task<SubmitComplaintResponse> SubmitAsync(bool confidential = false)
    {
        var request = ValidationTests.ValidRequest();
        request.Confidential = confidential;
        return await _intake.Public().SubmitComplaintAsync(request);
    }

    internal static async Task<UploadAttachmentResponse> UploadAsync(AttachmentService.AttachmentServiceClient client, AttachmentHeader header, byte[] content, int chunk = 64 * 1024)
    {
        using var call = client.UploadAttachment();
        try
        {
            await call.RequestStream.WriteAsync(new UploadAttachmentRequest { Header = header });
            for (var offset = 0; offset < content.Length; offset += chunk)
            {
                await call.RequestStream.WriteAsync(new UploadAttachmentRequest { Chunk = ByteString.CopyFrom(content, offset, Math.Min(chunk, content.Length - offset)) });
            }
            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The server ended the call early: its status comes with the response.
        }
        return await call;
    }

    private static byte[] Pdf(string marker, int size = 200_000)
    {
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        var head = Encoding.ASCII.GetBytes($"%PDF-1.7\n% {marker}\n");
        head.CopyTo(bytes, 0);
        return bytes;
    }

    private static AttachmentHeader Header(SubmitComplaintResponse s, string fileName = "receipt.pdf", string? token = null) =>
        new() { Reference = s.Reference, TrackingToken = token ?? s.TrackingToken, FileName = fileName, DeclaredContentType = "application/pdf" };

    [Fact]
    public async Task UploadAttachment_PdfInChunksWithToken_StaffListsAndDownloadsSameBytesAudited()
    {
        var submitted = await SubmitAsync();
        var content = Pdf("receipt");

        var uploaded = await UploadAsync(Client(), Header(submitted, "bank statement 카드.pdf"), content);
        var listed = await Client("agent").ListAttachmentsAsync(new ListAttachmentsRequest { Reference = submitted.Reference });
        using var download = Client("agent").DownloadAttachment(new DownloadAttachmentRequest { AttachmentId = uploaded.Attachment.AttachmentId, Purpose = "check the double charge" });
        var parts = new List<DownloadAttachmentResponse>();
        await foreach (var part in download.ResponseStream.ReadAllAsync())
        {
            parts.Add(part);
        }

        Assert.Equal(ContentSniffer.Pdf, uploaded.Attachment.ContentType);
        Assert.Equal(content.Length, uploaded.Attachment.Size);
        Assert.Equal("bank statement 카드.pdf", Assert.Single(listed.Attachments).FileName);
        Assert.Equal(uploaded.Attachment, parts[0].Info);
        Assert.Equal(content, parts.Skip(1).SelectMany(p => p.Chunk.ToByteArray()).ToArray());
        Assert.True(await _intake.WithDb(db => db.AccessAudit.AnyAsync(a => a.ComplaintId == Guid.Parse(submitted.ComplaintId) && a.Action == "read-attachment" && a.Purpose == "check the double charge")));
    }

    [Fact]
    public async Task UploadAttachment_ExecutableDeclaredAsPdf_RefusedByContentNotName()
    {
        var submitted = await SubmitAsync();
        var exe = Encoding.ASCII.GetBytes("MZ\u0090\0\u0003\0\0\0\u0004\0\0\0\u00ff\u00ff\0\0 this program cannot be run in DOS mode");

        var error = await Assert.ThrowsAsync<RpcException>(() => UploadAsync(Client(), Header(submitted, "invoice.pdf"), exe));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("not an accepted document type", error.Status.Detail);
        Assert.Equal(0, await _intake.WithDb(db => db.Attachments.CountAsync(a => a.ComplaintId == Guid.Parse(submitted.ComplaintId))));
    }

    [Fact]
    public async Task UploadAttachment_OverTheLimit_ResourceExhaustedAndNoRowNorBlob()
    {
        var submitted = await SubmitAsync();
        var blobsBefore = await _intake.WithDb(db => db.AttachmentBlobs.CountAsync());

        var error = await Assert.ThrowsAsync<RpcException>(() => UploadAsync(Client(), Header(submitted), Pdf("big", 300_001)));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("300000", error.Status.Detail);
        Assert.Equal(0, await _intake.WithDb(db => db.Attachments.CountAsync(a => a.ComplaintId == Guid.Parse(submitted.ComplaintId))));
        Assert.Equal(blobsBefore, await _intake.WithDb(db => db.AttachmentBlobs.CountAsync()));
    }

    internal static async Task<byte[]> DownloadAsync(AttachmentService.AttachmentServiceClient staff, string attachmentId)
    {
        using var download = staff.DownloadAttachment(new DownloadAttachmentRequest { AttachmentId = attachmentId, Purpose = "check the upload" });
        var content = new List<byte>();
        await foreach (var part in download.ResponseStream.ReadAllAsync())
        {
            content.AddRange(part.Chunk.ToByteArray());
        }
        return [.. content];
    }

    [Theory]
    [InlineData(150_001, 50_000)]
    [InlineData(65_536, 65_536)]
    [InlineData(131_073, 7_777)]
    public async Task UploadAttachment_DatabaseStoreAnyChunking_RoundTripsByteExactly(int size, int chunk)
    {
        var submitted = await SubmitAsync();
        var content = Pdf("round-trip", size);

        var uploaded = await UploadAsync(Client(), Header(submitted), content, chunk);
        var downloaded = await DownloadAsync(Client("agent"), uploaded.Attachment.AttachmentId);

        Assert.Equal(content, downloaded);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)), uploaded.Attachment.Sha256);
    }

    [Fact]
    public async Task UploadAttachment_SixthAttachment_FailedPrecondition()
    {
        var submitted = await SubmitAsync();
        for (var i = 0; i < 5; i++)
        {
            await UploadAsync(Client(), Header(submitted, $"page{i}.pdf"), Pdf($"p{i}", 1_000));
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => UploadAsync(Client(), Header(submitted, "page6.pdf"), Pdf("p6", 1_000)));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("5 attachments", error.Status.Detail);
    }

    [Fact]
    public async Task UploadAttachment_WrongToken_NotFound()
    {
        var submitted = await SubmitAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => UploadAsync(Client(), Header(submitted, token: "nope"), Pdf("x", 1_000)));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task UploadAttachment_StaffWithoutToken_Allowed()
    {
        var submitted = await SubmitAsync();

        var uploaded = await UploadAsync(Client("agent"), Header(submitted, "note.txt", token: ""), Encoding.UTF8.GetBytes("통화 메모: 고객이 환불을 요청함\n"));

        Assert.Equal(ContentSniffer.Text, uploaded.Attachment.ContentType);
    }

    [Fact]
    public async Task ListAttachments_Complainant_Unauthenticated()
    {
        var submitted = await SubmitAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => Client().ListAttachmentsAsync(new ListAttachmentsRequest { Reference = submitted.Reference }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task DownloadAttachment_ConfidentialAsAgent_NotFound()
    {
        var submitted = await SubmitAsync(confidential: true);
        var uploaded = await UploadAsync(Client(), Header(submitted), Pdf("secret", 1_000));

        using var call = Client("agent").DownloadAttachment(new DownloadAttachmentRequest { AttachmentId = uploaded.Attachment.AttachmentId, Purpose = "curious" });
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task UploadAttachment_Content_EncryptedAtRest()
    {
        var submitted = await SubmitAsync();
        var marker = "att" + Guid.NewGuid().ToString("N")[..12];

        await UploadAsync(Client(), Header(submitted, $"{marker}.txt"), Encoding.UTF8.GetBytes($"statement {marker}\n"));

        Assert.Equal(-1, _intake.RawDatabaseBytes().AsSpan().IndexOf(Encoding.UTF8.GetBytes(marker)));
    }

    [Theory]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0 }, ContentSniffer.Png)]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0 }, ContentSniffer.Jpeg)]
    [InlineData(new byte[] { (byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'9', (byte)'a' }, ContentSniffer.Gif)]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04, (byte)'w', (byte)'o', (byte)'r', (byte)'d', (byte)'/' }, null)]
    [InlineData(new byte[] { 0xC3, 0x28 }, null)]
    [InlineData(new byte[] { (byte)'h', (byte)'i', 0x00 }, null)]
    public void Sniff_Signature_KnownTypeOrRefused(byte[] content, string? expected)
    {
        Assert.Equal(expected, ContentSniffer.Sniff(content));
    }

    private static byte[] Zip(params string[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var name in entries)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write("<x/>");
            }
        }
        return buffer.ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4096)]
    public void SniffStreaming_AnyChunking_SameAsWholeContent(int chunk)
    {
        byte[][] samples =
        [
            Zip("[Content_Types].xml", "word/document.xml"), Zip("[Content_Types].xml", "xl/workbook.xml", "xl/vbaProject.bin"),
            Encoding.UTF8.GetBytes("통화 메모 — 환불 요청\n"), [0xC3, 0x28], [0xE2, 0x82], Encoding.ASCII.GetBytes("%PDF-1.7 x"), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
        ];
        foreach (var sample in samples)
        {
            var sniffer = new ContentSniffer.Streaming();
            for (var offset = 0; offset < sample.Length; offset += chunk)
            {
                sniffer.Append(sample.AsSpan(offset, Math.Min(chunk, sample.Length - offset)));
            }
            Assert.Equal(ContentSniffer.Sniff(sample), sniffer.Result());
        }
    }

    [Fact]
    public void SniffStreaming_DocxLargerThanTheKeptTail_JudgedFromItsDirectory()
    {
        using var buffer = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var name in new[] { "[Content_Types].xml", "word/document.xml" })
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write("<x/>");
            }
            var noise = new byte[ContentSniffer.Streaming.TailBytes * 2];
            Random.Shared.NextBytes(noise);
            using var media = zip.CreateEntry("word/media/image1.png", System.IO.Compression.CompressionLevel.NoCompression).Open();
            media.Write(noise);
        }
        var sniffer = new ContentSniffer.Streaming();
        foreach (var part in buffer.ToArray().Chunk(64 * 1024))
        {
            sniffer.Append(part);
        }

        Assert.Equal(ContentSniffer.Docx, sniffer.Result());
    }

    [Fact]
    public void Sniff_OfficeZips_DocumentsAcceptedMacrosAndOtherZipsRefused()
    {
        Assert.Equal(ContentSniffer.Docx, ContentSniffer.Sniff(Zip("[Content_Types].xml", "word/document.xml")));
        Assert.Equal(ContentSniffer.Xlsx, ContentSniffer.Sniff(Zip("[Content_Types].xml", "xl/workbook.xml")));
        Assert.Null(ContentSniffer.Sniff(Zip("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin")));
        Assert.Null(ContentSniffer.Sniff(Zip("payload.exe", "word/readme.txt")));
    }

    [Fact]
    public async Task UploadAttachment_ParallelUploads_NeverMoreThanTheLimit()
    {
        var submitted = await SubmitAsync();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await UploadAsync(Client(), Header(submitted, $"p{i}.pdf"), Pdf($"p{i}", 2_000));
                return StatusCode.OK;
            }
            catch (RpcException ex)
            {
                return ex.StatusCode;
            }
        }));

        Assert.Equal(5, outcomes.Count(o => o == StatusCode.OK));
        Assert.All(outcomes.Where(o => o != StatusCode.OK), o => Assert.Equal(StatusCode.FailedPrecondition, o));
        Assert.Equal(5, await _intake.WithDb(db => db.Attachments.CountAsync(a => a.ComplaintId == Guid.Parse(submitted.ComplaintId))));
    }

    [Fact]
    public async Task ExportComplainantData_WithAttachment_ListsItsMetadata()
    {
        var submitted = await SubmitAsync();
        await UploadAsync(Client(), Header(submitted, "letter to the bank.pdf"), Pdf("export", 1_000));

        var export = await new DataRightsService.DataRightsServiceClient(_intake.Channel(_intake.Token("dpo", "admin")))
            .ExportComplainantDataAsync(new ExportComplainantDataRequest { Subject = new SubjectSelector { Reference = submitted.Reference }, Reason = "Art. 15" });

        var attachment = System.Text.Json.JsonDocument.Parse(export.Json).RootElement.GetProperty("complaints")[0].GetProperty("attachments")[0];
        Assert.Equal("letter to the bank.pdf", attachment.GetProperty("fileName").GetString());
        Assert.Equal(ContentSniffer.Pdf, attachment.GetProperty("contentType").GetString());
    }

    [Fact]
    public async Task EraseComplainant_WithAttachments_AttachmentsGone()
    {
        var submitted = await SubmitAsync();
        var uploaded = await UploadAsync(Client(), Header(submitted), Pdf("erase-me", 1_000));
        var attachmentId = Guid.Parse(uploaded.Attachment.AttachmentId);

        await new DataRightsService.DataRightsServiceClient(_intake.Channel(_intake.Token("dpo", "admin")))
            .EraseComplainantAsync(new EraseComplainantRequest { Subject = new SubjectSelector { Reference = submitted.Reference }, Reason = "Art. 17" });

        Assert.Equal(0, await _intake.WithDb(db => db.Attachments.CountAsync(a => a.ComplaintId == Guid.Parse(submitted.ComplaintId))));
        Assert.Equal(0, await _intake.WithDb(db => db.AttachmentBlobs.CountAsync(b => b.AttachmentId == attachmentId)));
    }
}

public class FileAttachmentStoreTests : IDisposable
{
    private readonly IntakeFactory _intake = new(new Dictionary<string, string?> { ["Intake:AttachmentStore"] = "File", ["Intake:MaxAttachmentBytes"] = "300000" });

    private string Folder => Path.Combine(_intake.Data.Path, "attachments");

    private async Task<(SubmitComplaintResponse Submitted, AttachmentHeader Header)> SubmitAsync()
    {
        var submitted = await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());
        return (submitted, new AttachmentHeader { Reference = submitted.Reference, TrackingToken = submitted.TrackingToken, FileName = "statement.pdf" });
    }

    private static byte[] Pdf(int size)
    {
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        "%PDF-1.7\n"u8.CopyTo(bytes);
        return bytes;
    }

    [Fact]
    public async Task UploadAttachment_FileStoreOverTheLimit_ResourceExhaustedNoFileNoTempNoRow()
    {
        var (submitted, header) = await SubmitAsync();
        var before = Directory.Exists(Folder) ? Directory.GetFiles(Folder).Length : 0;

        var error = await Assert.ThrowsAsync<RpcException>(() => AttachmentTests.UploadAsync(new AttachmentService.AttachmentServiceClient(_intake.Channel()), header, Pdf(400_000)));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("300000", error.Status.Detail);
        Assert.Equal(before, Directory.Exists(Folder) ? Directory.GetFiles(Folder).Length : 0);
        Assert.Empty(Directory.Exists(Folder) ? Directory.GetFiles(Folder, "*.tmp") : []);
        Assert.Equal(0, await _intake.WithDb(db => db.Attachments.CountAsync(a => a.ComplaintId == Guid.Parse(submitted.ComplaintId))));
    }

    [Fact]
    public async Task UploadAttachment_FileStore_RoundTripsByteExactlyAndLeavesNoTemp()
    {
        var (_, header) = await SubmitAsync();
        var content = Pdf(250_000);

        var uploaded = await AttachmentTests.UploadAsync(new AttachmentService.AttachmentServiceClient(_intake.Channel()), header, content, 30_000);
        var downloaded = await AttachmentTests.DownloadAsync(new AttachmentService.AttachmentServiceClient(_intake.Channel(_intake.Token("agent-1", "agent"))), uploaded.Attachment.AttachmentId);

        Assert.Equal(content, downloaded);
        Assert.Equal(content.Length, uploaded.Attachment.Size);
        Assert.Empty(Directory.GetFiles(Folder, "*.tmp"));
    }

    public void Dispose() => _intake.Dispose();

    [Fact]
    public async Task EraseComplainant_FileStore_FileDeletedWithTheRecord()
    {
        var (submitted, header) = await SubmitAsync();
        var uploaded = await AttachmentTests.UploadAsync(new AttachmentService.AttachmentServiceClient(_intake.Channel()), header, Pdf(5_000));
        var path = Path.Combine(Folder, Guid.Parse(uploaded.Attachment.AttachmentId).ToString("N"));
        Assert.True(File.Exists(path));

        await new DataRightsService.DataRightsServiceClient(_intake.Channel(_intake.Token("dpo", "admin")))
            .EraseComplainantAsync(new EraseComplainantRequest { Subject = new SubjectSelector { Reference = submitted.Reference }, Reason = "Art. 17" });

        Assert.False(File.Exists(path));
        Assert.Equal(0, await _intake.WithDb(db => db.Attachments.CountAsync(a => a.ComplaintId == Guid.Parse(submitted.ComplaintId))));
    }

    [Fact]
    public async Task UploadAttachment_FileStoreSameFileAgain_OneFileAndTheFirstAttachment()
    {
        var (submitted, header) = await SubmitAsync();
        var content = Pdf(40_000);
        var client = new AttachmentService.AttachmentServiceClient(_intake.Channel());

        var first = await AttachmentTests.UploadAsync(client, header, content);
        var again = await AttachmentTests.UploadAsync(client, header, content);

        Assert.Equal(first.Attachment, again.Attachment);
        var ids = await _intake.WithDb(db => db.Attachments.Where(a => a.ComplaintId == Guid.Parse(submitted.ComplaintId)).Select(a => a.Id).ToListAsync());
        Assert.Equal([Guid.Parse(first.Attachment.AttachmentId)], ids);
        // The retry's content was written, then removed: only the first attachment's file is left, and no temporary one.
        Assert.Equal([ids[0].ToString("N")], Directory.GetFiles(Folder).Select(Path.GetFileName));
    }

    [Fact]
    public async Task UploadAttachment_FileStore_EncryptedFileUnderDataFolder()
    {
        var submitted = await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());
        var marker = "file" + Guid.NewGuid().ToString("N")[..12];

        var uploaded = await AttachmentTests.UploadAsync(new AttachmentService.AttachmentServiceClient(_intake.Channel()),
            new AttachmentHeader { Reference = submitted.Reference, TrackingToken = submitted.TrackingToken, FileName = "a.txt" }, Encoding.UTF8.GetBytes($"note {marker}\n"));

        var path = Path.Combine(_intake.Data.Path, "attachments", Guid.Parse(uploaded.Attachment.AttachmentId).ToString("N"));
        Assert.True(File.Exists(path));
        Assert.Equal(-1, (await File.ReadAllBytesAsync(path)).AsSpan().IndexOf(Encoding.UTF8.GetBytes(marker)));
        Assert.Equal(0, await _intake.WithDb(db => db.AttachmentBlobs.CountAsync()));
    }
}
