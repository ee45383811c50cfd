using System.Text;
using Complaints.Intake.V1;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Tests;

/// <summary>Intake with small attachment limits: 2 per submission or action, 3 per complaint, 300 kB each.</summary>
public sealed class TightAttachmentLimitsFixture : IDisposable
{
    public IntakeFactory Factory { get; } = new(new Dictionary<string, string?>
    {
        ["Intake:MaxAttachmentBytes"] = "300000",
        ["Intake:MaxAttachmentsPerSubmission"] = "2",
        ["Intake:MaxAttachmentsPerComplaint"] = "3",
    });

    public void Dispose() => Factory.Dispose();
}

/// <summary>
/// A retried upload (the portal lost the answer) returns the attachment stored the first time; the limits are per
/// submission or action (a batch key) and, larger, per complaint.
/// </summary>
public sealed class AttachmentBatchTests(SmallAttachmentsFixture fixture) : IClassFixture<SmallAttachmentsFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;

    private AttachmentService.AttachmentServiceClient Client() => new(_intake.Channel());

    private async Task<SubmitComplaintResponse> SubmitAsync() => await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());

    internal static byte[] Pdf(string marker, int size = 2_000)
    {
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        Encoding.ASCII.GetBytes($"%PDF-1.7\n% {marker}\n").CopyTo(bytes, 0);
        return bytes;
    }

    internal static AttachmentHeader Header(SubmitComplaintResponse s, string fileName, string batchKey = "") =>
        new() { Reference = s.Reference, TrackingToken = s.TrackingToken, FileName = fileName, DeclaredContentType = "application/pdf", BatchKey = batchKey };

    private Task<(int Rows, int Blobs)> StoredAsync(SubmitComplaintResponse s) => _intake.WithDb(async db =>
    {
        var id = Guid.Parse(s.ComplaintId);
        return (await db.Attachments.CountAsync(a => a.ComplaintId == id),
            await db.AttachmentBlobs.CountAsync(b => db.Attachments.Any(a => a.Id == b.AttachmentId && a.ComplaintId == id)));
    });

    [Fact]
    public async Task UploadAttachment_SameFileAgain_ReturnsTheFirstAttachmentAndStoresOne()
    {
        var submitted = await SubmitAsync();
        var content = Pdf("retry");

        var first = await AttachmentTests.UploadAsync(Client(), Header(submitted, "receipt.pdf", "submit-1"), content);
        var again = await AttachmentTests.UploadAsync(Client(), Header(submitted, "receipt.pdf", "submit-1"), content, chunk: 700);

        Assert.Equal(first.Attachment, again.Attachment);
        Assert.Equal((1, 1), await StoredAsync(submitted));
    }

    [Fact]
    public async Task UploadAttachment_SameFileWhenTheBatchIsFull_ReturnsTheFirstAttachment()
    {
        var submitted = await SubmitAsync();
        var files = Enumerable.Range(0, 5).Select(i => Pdf($"page{i}")).ToList();
        var uploaded = new List<UploadAttachmentResponse>();
        foreach (var (file, i) in files.Select((f, i) => (f, i)))
        {
            uploaded.Add(await AttachmentTests.UploadAsync(Client(), Header(submitted, $"page{i}.pdf", "submit-1"), file));
        }

        // The answer to the fifth was lost: the portal sends it again, into a batch that is now full.
        var again = await AttachmentTests.UploadAsync(Client(), Header(submitted, "page4.pdf", "submit-1"), files[4]);

        Assert.Equal(uploaded[4].Attachment, again.Attachment);
        Assert.Equal((5, 5), await StoredAsync(submitted));
    }

    [Fact]
    public async Task UploadAttachment_SameContentOtherName_StoredAsAnotherAttachment()
    {
        var submitted = await SubmitAsync();
        var content = Pdf("renamed");

        var first = await AttachmentTests.UploadAsync(Client(), Header(submitted, "receipt.pdf"), content);
        var renamed = await AttachmentTests.UploadAsync(Client(), Header(submitted, "receipt (copy).pdf"), content);

        Assert.NotEqual(first.Attachment.AttachmentId, renamed.Attachment.AttachmentId);
        Assert.Equal(first.Attachment.Sha256, renamed.Attachment.Sha256);
        Assert.Equal((2, 2), await StoredAsync(submitted));
    }

    [Fact]
    public async Task UploadAttachment_SameFileByStaffAfterTheComplainant_AnotherAttachmentByStaff()
    {
        var submitted = await SubmitAsync();
        var content = Pdf("both");
        var complainant = await AttachmentTests.UploadAsync(Client(), Header(submitted, "receipt.pdf"), content);
        var staff = new AttachmentService.AttachmentServiceClient(_intake.Channel(_intake.Token("agent-1", "agent")));

        var handler = await AttachmentTests.UploadAsync(staff, Header(submitted, "receipt.pdf"), content);

        Assert.NotEqual(complainant.Attachment.AttachmentId, handler.Attachment.AttachmentId);
        Assert.Equal((2, 2), await StoredAsync(submitted));
        Assert.Equal(["agent-1", "complainant"], await _intake.WithDb(db => db.Attachments
            .Where(a => a.ComplaintId == Guid.Parse(submitted.ComplaintId)).Select(a => a.UploadedBy).OrderBy(u => u).ToListAsync()));
    }

    [Fact]
    public async Task UploadAttachment_SameFileToAnotherComplaint_StoredForEach()
    {
        var one = await SubmitAsync();
        var other = await SubmitAsync();
        var content = Pdf("shared");

        var first = await AttachmentTests.UploadAsync(Client(), Header(one, "receipt.pdf"), content);
        var second = await AttachmentTests.UploadAsync(Client(), Header(other, "receipt.pdf"), content);

        Assert.NotEqual(first.Attachment.AttachmentId, second.Attachment.AttachmentId);
        Assert.Equal((1, 1), await StoredAsync(one));
        Assert.Equal((1, 1), await StoredAsync(other));
    }

    [Fact]
    public async Task UploadAttachment_SameFileInParallel_OneAttachmentForAll()
    {
        var submitted = await SubmitAsync();
        var content = Pdf("parallel", 50_000);

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => AttachmentTests.UploadAsync(Client(), Header(submitted, "scan.pdf"), content, chunk: 4_096)));

        Assert.Single(answers.Select(a => a.Attachment.AttachmentId).Distinct());
        Assert.Equal((1, 1), await StoredAsync(submitted));
    }

    [Fact]
    public async Task UploadAttachment_SixthOfOneBatch_FailedPreconditionAndTheNextBatchAccepted()
    {
        var submitted = await SubmitAsync();
        for (var i = 0; i < 5; i++)
        {
            await AttachmentTests.UploadAsync(Client(), Header(submitted, $"submitted{i}.pdf", "submit-1"), Pdf($"s{i}"));
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => AttachmentTests.UploadAsync(Client(), Header(submitted, "submitted5.pdf", "submit-1"), Pdf("s5")));
        // The answer to a request for information later brings its own documents.
        var answers = new List<UploadAttachmentResponse>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add(await AttachmentTests.UploadAsync(Client(), Header(submitted, $"answer{i}.pdf", "answer-1"), Pdf($"a{i}")));
        }

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("already has 5 attachments", error.Status.Detail);
        Assert.Equal(5, answers.Select(a => a.Attachment.AttachmentId).Distinct().Count());
        Assert.Equal((10, 10), await StoredAsync(submitted));
    }

    [Fact]
    public async Task UploadAttachment_BadBatchKey_InvalidArgumentNamingIt()
    {
        var submitted = await SubmitAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => AttachmentTests.UploadAsync(Client(), Header(submitted, "a.pdf", "not a key!"), Pdf("bad")));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(["header.batchKey"], ValidationTests.FieldViolations(error));
        Assert.Equal((0, 0), await StoredAsync(submitted));
    }
}

public sealed class AttachmentComplaintLimitTests(TightAttachmentLimitsFixture fixture) : IClassFixture<TightAttachmentLimitsFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;

    private AttachmentService.AttachmentServiceClient Client() => new(_intake.Channel());

    [Fact]
    public async Task UploadAttachment_PastTheComplaintTotal_FailedPreconditionNamingTheTotalAndNothingStored()
    {
        var submitted = await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());
        await AttachmentTests.UploadAsync(Client(), AttachmentBatchTests.Header(submitted, "a.pdf", "submit"), AttachmentBatchTests.Pdf("a"));
        await AttachmentTests.UploadAsync(Client(), AttachmentBatchTests.Header(submitted, "b.pdf", "submit"), AttachmentBatchTests.Pdf("b"));
        await AttachmentTests.UploadAsync(Client(), AttachmentBatchTests.Header(submitted, "c.pdf", "answer"), AttachmentBatchTests.Pdf("c"));

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            AttachmentTests.UploadAsync(Client(), AttachmentBatchTests.Header(submitted, "d.pdf", "answer"), AttachmentBatchTests.Pdf("d")));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("This complaint already has 3 attachments", error.Status.Detail);
        Assert.Equal(3, await _intake.WithDb(db => db.Attachments.CountAsync(a => a.ComplaintId == Guid.Parse(submitted.ComplaintId))));
        Assert.Equal(3, await _intake.WithDb(db => db.AttachmentBlobs.CountAsync(b => db.Attachments.Any(a => a.Id == b.AttachmentId && a.ComplaintId == Guid.Parse(submitted.ComplaintId)))));
    }

    [Fact]
    public async Task UploadAttachment_StaffAndComplainant_EachHasItsOwnBatchWithoutAKey()
    {
        var submitted = await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());
        var staff = new AttachmentService.AttachmentServiceClient(_intake.Channel(_intake.Token("agent-batch", "agent")));
        await AttachmentTests.UploadAsync(Client(), AttachmentBatchTests.Header(submitted, "a.pdf"), AttachmentBatchTests.Pdf("a"));
        await AttachmentTests.UploadAsync(Client(), AttachmentBatchTests.Header(submitted, "b.pdf"), AttachmentBatchTests.Pdf("b"));

        var byStaff = await AttachmentTests.UploadAsync(staff, new AttachmentHeader { Reference = submitted.Reference, FileName = "call notes.pdf" }, AttachmentBatchTests.Pdf("staff"));
        var third = await Assert.ThrowsAsync<RpcException>(() => AttachmentTests.UploadAsync(Client(), AttachmentBatchTests.Header(submitted, "c.pdf"), AttachmentBatchTests.Pdf("c")));

        Assert.NotEmpty(byStaff.Attachment.AttachmentId);
        Assert.Equal(StatusCode.FailedPrecondition, third.StatusCode);
    }

    [Fact]
    public void Start_MorePerSubmissionThanPerComplaint_FailsNamingBoth()
    {
        using var factory = new IntakeFactory(new Dictionary<string, string?> { ["Intake:MaxAttachmentsPerSubmission"] = "10", ["Intake:MaxAttachmentsPerComplaint"] = "5" });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("Intake:MaxAttachmentsPerSubmission (10) must be at least 1 and at most Intake:MaxAttachmentsPerComplaint (5)", error.ToString());
    }
}
