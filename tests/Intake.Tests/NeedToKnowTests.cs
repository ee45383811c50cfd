using System.Text;
using Complaints.Intake.V1;
using Complaints.Routing.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Tests;

/// <summary>Intake with an organisation-defined reader role ("compliance") in the confidential circle.</summary>
public sealed class ComplianceIntakeFixture : IDisposable
{
    public IntakeFactory Factory { get; } = new(new Dictionary<string, string?> { ["Confidentiality:ReaderRoles:0"] = "compliance" });

    public void Dispose() => Factory.Dispose();
}

/// <summary>
/// The need-to-know rule in Intake: a confidential complaint exists only for its assigned handler, the supervisors of
/// its case's queue, admins and the configured reader roles. To anyone else every staff operation answers as if it
/// did not exist, and changes nothing.
/// </summary>
public class NeedToKnowTests(ComplianceIntakeFixture fixture) : IClassFixture<ComplianceIntakeFixture>
{
    private const string Queue = "staff-conduct";
    private readonly IntakeFactory _intake = fixture.Factory;

    private StaffIntakeService.StaffIntakeServiceClient Staff(string subject, params string[] roles) => new(_intake.Channel(_intake.Token(subject, roles)));

    private AttachmentService.AttachmentServiceClient Files(string subject, params string[] roles) => new(_intake.Channel(_intake.Token(subject, roles)));

    private DataRightsService.DataRightsServiceClient Rights(string subject, params string[] roles) => new(_intake.Channel(_intake.Token(subject, roles)));

    /// <summary>A confidential complaint by a new complainant, routed to the staff-conduct queue, handled by agent-hana, supervised by lead-li.</summary>
    private async Task<(SubmitComplaintResponse Complaint, string Email)> ConfidentialAsync(bool confidential = true, string queue = Queue)
    {
        var email = $"c{Guid.NewGuid():N}@example.com";
        var request = ValidationTests.ValidRequest();
        request.Complainant.Email = email;
        request.Confidential = confidential;
        var submitted = await _intake.Public().SubmitComplaintAsync(request);
        await RoutingEvents.ApplyAsync(_intake, new CaseAssigned
        {
            ComplaintId = submitted.ComplaintId,
            Reference = submitted.Reference,
            QueueId = queue,
            AssigneeId = "agent-hana",
            SupervisorIds = { "lead-li" },
            Confidential = confidential,
            At = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        });
        return (submitted, email);
    }

    private Task<GetComplaintContactResponse> ReadContactAsync(string reference, string subject, params string[] roles) =>
        Staff(subject, roles).GetComplaintContactAsync(new GetComplaintContactRequest { Reference = reference, Purpose = "call back about the refund" }).ResponseAsync;

    private Task<long> VersionAsync(string reference) => _intake.WithDb(db => db.Complaints.Where(c => c.Reference == reference).Select(c => c.Version).SingleAsync());

    private Task<int> AttachmentCountAsync(string reference) =>
        _intake.WithDb(db => db.Attachments.CountAsync(a => db.Complaints.Any(c => c.Id == a.ComplaintId && c.Reference == reference)));

    private static byte[] Pdf() => Encoding.ASCII.GetBytes("%PDF-1.7\n% need to know\n" + new string('x', 2000));

    [Theory]
    [InlineData("agent-bo", "agent")]
    [InlineData("boss", "supervisor")]
    public async Task SearchComplaints_ConfidentialOutsider_AbsentWithNoDuplicateLink(string subject, string role)
    {
        var (confidential, email) = await ConfidentialAsync();
        var request = ValidationTests.ValidRequest();
        request.Complainant.Email = email;
        var open = await _intake.Public().SubmitComplaintAsync(request);

        var found = await Staff(subject, role).SearchComplaintsAsync(new SearchComplaintsRequest { Email = email });

        var only = Assert.Single(found.Complaints);
        Assert.Equal(open.Reference, only.Reference);
        Assert.DoesNotContain(confidential.Reference, only.PossibleDuplicateOf);
    }

    [Theory]
    [InlineData("agent-hana", "agent")]
    [InlineData("lead-li", "agent")]
    [InlineData("root", "admin")]
    [InlineData("auditor", "agent", "compliance")]
    public async Task SearchComplaints_ConfidentialInCircle_Found(string subject, params string[] roles)
    {
        var (confidential, email) = await ConfidentialAsync();

        var found = await Staff(subject, roles).SearchComplaintsAsync(new SearchComplaintsRequest { Email = email });

        Assert.Equal(confidential.Reference, Assert.Single(found.Complaints).Reference);
    }

    [Theory]
    [InlineData("agent-bo", "agent")]
    [InlineData("boss", "supervisor")]
    public async Task GetComplaintContact_ConfidentialOutsider_NotFoundLikeUnknown(string subject, string role)
    {
        var (confidential, _) = await ConfidentialAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => ReadContactAsync(confidential.Reference, subject, role));
        var unknown = await Assert.ThrowsAsync<RpcException>(() => ReadContactAsync("CMP-2000-ZZZZZZ", subject, role));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal(unknown.StatusCode, error.StatusCode);
        Assert.DoesNotContain("confidential", error.Status.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("agent-hana", "agent")]
    [InlineData("lead-li", "agent")]
    [InlineData("lead-li", "supervisor")]
    [InlineData("root", "admin")]
    [InlineData("auditor", "agent", "compliance")]
    public async Task GetComplaintContact_ConfidentialInCircle_Reads(string subject, params string[] roles)
    {
        var (confidential, email) = await ConfidentialAsync();

        var contact = await ReadContactAsync(confidential.Reference, subject, roles);

        Assert.Equal(email, contact.Email);
    }

    [Fact]
    public async Task ListAttachments_ConfidentialOutsider_NotFound()
    {
        var (confidential, _) = await ConfidentialAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => Files("boss", "supervisor").ListAttachmentsAsync(new ListAttachmentsRequest { Reference = confidential.Reference }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task DownloadAttachment_ConfidentialOutsider_NotFound()
    {
        var (confidential, _) = await ConfidentialAsync();
        var uploaded = await AttachmentTests.UploadAsync(Files("agent-hana", "agent"), new AttachmentHeader { Reference = confidential.Reference, FileName = "statement.pdf" }, Pdf());

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = Files("agent-bo", "agent").DownloadAttachment(new DownloadAttachmentRequest { AttachmentId = uploaded.Attachment.AttachmentId, Purpose = "check the statement" });
            await call.ResponseStream.MoveNext();
        });

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task UploadAttachment_ConfidentialOutsider_NotFoundAndNothingStored()
    {
        var (confidential, _) = await ConfidentialAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            AttachmentTests.UploadAsync(Files("agent-bo", "agent"), new AttachmentHeader { Reference = confidential.Reference, FileName = "note.pdf" }, Pdf()));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal(0, await AttachmentCountAsync(confidential.Reference));
    }

    [Fact]
    public async Task MergeComplaints_ConfidentialOutsider_NotFoundAndNothingChanged()
    {
        var (confidential, _) = await ConfidentialAsync();
        var second = await ConfidentialAsync();
        var before = await VersionAsync(confidential.Reference);

        var error = await Assert.ThrowsAsync<RpcException>(() => Staff("boss", "supervisor").MergeComplaintsAsync(new MergeComplaintsRequest
        {
            PrimaryReference = second.Complaint.Reference,
            DuplicateReference = confidential.Reference,
            Reason = "same matter",
        }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal(before, await VersionAsync(confidential.Reference));
    }

    [Fact]
    public async Task MergeComplaints_ConfidentialIntoOpen_FailedPrecondition()
    {
        var (confidential, email) = await ConfidentialAsync();
        var request = ValidationTests.ValidRequest();
        request.Complainant.Email = email;
        var open = await _intake.Public().SubmitComplaintAsync(request);

        var error = await Assert.ThrowsAsync<RpcException>(() => Staff("root", "admin").MergeComplaintsAsync(new MergeComplaintsRequest
        {
            PrimaryReference = open.Reference,
            DuplicateReference = confidential.Reference,
            Reason = "same matter",
        }).ResponseAsync);

        // Either side's timeline would name the other: a confidential complaint merges only with a confidential one.
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("confidential", error.Status.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SetLegalHold_ConfidentialSupervisorOutsider_NotFoundAndNothingChanged()
    {
        var (confidential, _) = await ConfidentialAsync();
        var before = await VersionAsync(confidential.Reference);

        var error = await Assert.ThrowsAsync<RpcException>(() => Rights("boss", "supervisor").SetLegalHoldAsync(new SetLegalHoldRequest
        {
            Reference = confidential.Reference,
            Hold = true,
            Reason = "litigation pending",
        }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal(before, await VersionAsync(confidential.Reference));
    }

    [Fact]
    public async Task SetLegalHold_ConfidentialQueueSupervisor_Holds()
    {
        var (confidential, _) = await ConfidentialAsync();

        var held = await Rights("lead-li", "supervisor").SetLegalHoldAsync(new SetLegalHoldRequest { Reference = confidential.Reference, Hold = true, Reason = "litigation pending" });

        Assert.True(held.Hold);
    }

    [Fact]
    public async Task GetComplaintContact_SupervisorAddedToTheQueueLater_ReadsAndRemovedOneNotFound()
    {
        var queue = "conduct-" + Guid.NewGuid().ToString("N")[..8];
        var (confidential, email) = await ConfidentialAsync(queue: queue);

        await RoutingEvents.ApplyAsync(_intake, new QueueUpdated { QueueId = queue, Name = "Conduct", SupervisorIds = { "lead-new" } });

        Assert.Equal(email, (await ReadContactAsync(confidential.Reference, "lead-new", "agent")).Email);
        var removed = await Assert.ThrowsAsync<RpcException>(() => ReadContactAsync(confidential.Reference, "lead-li", "agent"));
        Assert.Equal(StatusCode.NotFound, removed.StatusCode);
    }
}
