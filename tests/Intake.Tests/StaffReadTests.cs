using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Complaints.Intake.V1;
using Complaints.Routing.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Tests;

/// <summary>
/// The staff read of a complaint's words (<c>GetComplaintForStaff</c>), audited like contact reads, and the access
/// audit of one complaint (<c>ListAccessAudit</c>): who read its contact, words and documents, when and why.
/// </summary>
public class StaffReadTests(ComplianceIntakeFixture fixture) : IClassFixture<ComplianceIntakeFixture>
{
    private const string Queue = "staff-read";
    private readonly IntakeFactory _intake = fixture.Factory;

    private StaffIntakeService.StaffIntakeServiceClient Staff(string subject, params string[] roles) => new(_intake.Channel(_intake.Token(subject, roles)));

    private AttachmentService.AttachmentServiceClient Files(string? subject = null, params string[] roles) =>
        new(_intake.Channel(subject is null ? null : _intake.Token(subject, roles)));

    /// <summary>A complaint by a new complainant, routed to the staff-read queue, handled by agent-hana, supervised by lead-li.</summary>
    private async Task<SubmitComplaintResponse> SubmitAsync(bool confidential = false, string? email = null, Action<SubmitComplaintRequest>? change = null)
    {
        var request = ValidationTests.ValidRequest();
        request.Complainant.Email = email ?? $"c{Guid.NewGuid():N}@example.com";
        request.Confidential = confidential;
        change?.Invoke(request);
        var submitted = await _intake.Public().SubmitComplaintAsync(request);
        await RoutingEvents.ApplyAsync(_intake, new CaseAssigned
        {
            ComplaintId = submitted.ComplaintId,
            Reference = submitted.Reference,
            QueueId = Queue,
            AssigneeId = "agent-hana",
            SupervisorIds = { "lead-li" },
            Confidential = confidential,
            At = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        });
        return submitted;
    }

    private Task<GetComplaintForStaffResponse> ReadAsync(string reference, string subject, string[] roles, string purpose = "") =>
        Staff(subject, roles).GetComplaintForStaffAsync(new GetComplaintForStaffRequest { Reference = reference, Purpose = purpose }).ResponseAsync;

    private Task<List<Data.AccessAudit>> AuditAsync(string complaintId) =>
        _intake.WithDb(db => db.AccessAudit.AsNoTracking().Where(a => a.ComplaintId == Guid.Parse(complaintId)).OrderBy(a => a.Id).ToListAsync());

    private static byte[] Pdf(string marker) => Encoding.ASCII.GetBytes($"%PDF-1.7\n% {marker}\n" + new string('x', 2000));

    private static async Task DownloadAsync(AttachmentService.AttachmentServiceClient files, string attachmentId, string purpose)
    {
        using var call = files.DownloadAttachment(new DownloadAttachmentRequest { AttachmentId = attachmentId, Purpose = purpose });
        await foreach (var _ in call.ResponseStream.ReadAllAsync())
        {
        }
    }

    [Fact]
    public async Task GetComplaintForStaff_OpenComplaint_ReturnsWordsMetadataAndDocuments()
    {
        var submitted = await SubmitAsync(change: r =>
        {
            r.AmountInDispute = new Money { Amount = "1234.5", Currency = "GBP" };
            r.Subcategory = "";
            r.EventDate = "2026-11-02";
        });
        var fromComplainant = await AttachmentTests.UploadAsync(Files(),
            new AttachmentHeader { Reference = submitted.Reference, TrackingToken = submitted.TrackingToken, FileName = "영수증 receipt.pdf" }, Pdf("receipt"));
        var fromStaff = await AttachmentTests.UploadAsync(Files("agent-hana", "agent"),
            new AttachmentHeader { Reference = submitted.Reference, FileName = "call notes.pdf" }, Pdf("notes"));

        var read = await ReadAsync(submitted.Reference, "agent-bo", ["agent"]);

        Assert.Equal(submitted.Reference, read.Reference);
        Assert.Equal(submitted.ComplaintId, read.ComplaintId);
        Assert.Equal("Charged twice", read.Subject);
        Assert.Equal("My card was charged twice for one order.", read.Description);
        Assert.Equal("Refund of the second charge", read.RemedySought);
        Assert.Equal(new Money { Amount = "1234.50", Currency = "GBP" }, read.AmountInDispute);
        Assert.Equal("billing", read.Category);
        Assert.Equal(Common.V1.Channel.Web, read.Channel);
        Assert.Equal(Common.V1.Jurisdiction.UkFca, read.Jurisdiction);
        Assert.Equal("ko", read.PreferredLanguage);
        Assert.Equal(submitted.ReceivedAt, read.ReceivedAt);
        Assert.Equal("2026-11-02", read.EventDate);
        Assert.Equal(ComplainantKind.Customer, read.ComplainantKind);
        Assert.False(read.Confidential);
        Assert.False(read.Merged);
        Assert.Null(read.ErasedAt);
        Assert.Collection(read.Attachments,
            a =>
            {
                Assert.Equal(fromComplainant.Attachment.AttachmentId, a.AttachmentId);
                Assert.Equal("영수증 receipt.pdf", a.FileName);
                Assert.Equal("application/pdf", a.ContentType);
                Assert.Equal(fromComplainant.Attachment.Size, a.Size);
                Assert.True(a.UploadedByComplainant);
                Assert.Equal("", a.UploadedByStaffId);
            },
            a =>
            {
                Assert.Equal(fromStaff.Attachment.AttachmentId, a.AttachmentId);
                Assert.False(a.UploadedByComplainant);
                Assert.Equal("agent-hana", a.UploadedByStaffId);
            });
    }

    [Fact]
    public async Task GetComplaintForStaff_WithAndWithoutPurpose_AuditedAsReadComplaint()
    {
        var submitted = await SubmitAsync();

        await ReadAsync(submitted.Reference, "agent-bo", ["agent"]);
        await ReadAsync(submitted.Reference, "agent-hana", ["agent"], "  prepare the final response ");

        var audit = await AuditAsync(submitted.ComplaintId);
        Assert.Collection(audit,
            a => Assert.Equal(("agent-bo", "agent", "read-complaint", (string?)null, (int?)0), (a.Actor, a.Roles, a.Action, a.Purpose, a.ResultCount)),
            a => Assert.Equal(("agent-hana", "agent", "read-complaint", (string?)"prepare the final response", (int?)0), (a.Actor, a.Roles, a.Action, a.Purpose, a.ResultCount)));
    }

    [Theory]
    [InlineData("agent-bo", "agent")]
    [InlineData("boss", "supervisor")]
    public async Task GetComplaintForStaff_ConfidentialOutsider_NotFoundLikeUnknownAndNotAudited(string subject, string role)
    {
        var confidential = await SubmitAsync(confidential: true);
        const string Unknown = "CMP-2000-ZZZZZZ";

        var error = await Assert.ThrowsAsync<RpcException>(() => ReadAsync(confidential.Reference, subject, [role], "review"));
        var unknown = await Assert.ThrowsAsync<RpcException>(() => ReadAsync(Unknown, subject, [role], "review"));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal(unknown.StatusCode, error.StatusCode);
        // The same words as for a reference that does not exist, with the reference asked for.
        Assert.Equal(unknown.Status.Detail.Replace(Unknown, confidential.Reference, StringComparison.Ordinal), error.Status.Detail);
        Assert.Empty(await AuditAsync(confidential.ComplaintId));
    }

    [Theory]
    [InlineData("agent-hana", "agent")]
    [InlineData("lead-li", "agent")]
    [InlineData("root", "admin")]
    [InlineData("auditor", "agent", "compliance")]
    public async Task GetComplaintForStaff_ConfidentialInCircle_ReadsTheWords(string subject, params string[] roles)
    {
        var confidential = await SubmitAsync(confidential: true);

        var read = await ReadAsync(confidential.Reference, subject, roles);

        Assert.Equal("Charged twice", read.Subject);
        Assert.True(read.Confidential);
    }

    [Fact]
    public async Task GetComplaintForStaff_ErasedComplainant_ReturnsWhatRemains()
    {
        var submitted = await SubmitAsync();
        await AttachmentTests.UploadAsync(Files("agent-hana", "agent"), new AttachmentHeader { Reference = submitted.Reference, FileName = "notes.pdf" }, Pdf("erased"));
        await new DataRightsService.DataRightsServiceClient(_intake.Channel(_intake.Token("root", "admin"))).EraseComplainantAsync(
            new EraseComplainantRequest { Subject = new SubjectSelector { Reference = submitted.Reference }, Reason = "Art. 17 request DPO-301" });

        var read = await ReadAsync(submitted.Reference, "agent-hana", ["agent"]);

        Assert.NotNull(read.ErasedAt);
        Assert.Equal(("", "", ""), (read.Subject, read.Description, read.RemedySought));
        Assert.Empty(read.Attachments);
        Assert.Equal("billing", read.Category);
        Assert.Equal(submitted.ReceivedAt, read.ReceivedAt);
        Assert.Contains(await AuditAsync(submitted.ComplaintId), a => a.Action == "read-complaint" && a.Actor == "agent-hana");
    }

    [Fact]
    public async Task GetComplaintForStaff_MergedDuplicate_NamesThePrimary()
    {
        var email = $"c{Guid.NewGuid():N}@example.com";
        var primary = await SubmitAsync(email: email);
        var duplicate = await SubmitAsync(email: email);
        await Staff("agent-hana", "agent").MergeComplaintsAsync(new MergeComplaintsRequest
        {
            PrimaryReference = primary.Reference,
            DuplicateReference = duplicate.Reference,
            Reason = "same matter",
        });

        var read = await ReadAsync(duplicate.Reference, "agent-bo", ["agent"]);
        var primaryRead = await ReadAsync(primary.Reference, "agent-bo", ["agent"]);

        Assert.True(read.Merged);
        Assert.Equal(primary.Reference, read.MergedIntoReference);
        Assert.False(primaryRead.Merged);
        Assert.Equal("", primaryRead.MergedIntoReference);
    }

    [Fact]
    public async Task GetComplaintForStaff_BadInput_InvalidArgumentNamingFieldsAndNotAudited()
    {
        var submitted = await SubmitAsync();

        var missing = await Assert.ThrowsAsync<RpcException>(() => ReadAsync(" ", "agent-bo", ["agent"], "ok"));
        var control = await Assert.ThrowsAsync<RpcException>(() => ReadAsync(submitted.Reference, "agent-bo", ["agent"], "line\u0007bell"));

        Assert.Equal(StatusCode.InvalidArgument, missing.StatusCode);
        Assert.Equal(["purpose", "reference"], ValidationTests.FieldViolations(missing));
        Assert.Equal(StatusCode.InvalidArgument, control.StatusCode);
        Assert.Equal(["purpose"], ValidationTests.FieldViolations(control));
        Assert.Empty(await AuditAsync(submitted.ComplaintId));
    }

    [Theory]
    [InlineData("analyst")]
    [InlineData("partner")]
    [InlineData("service")]
    public async Task GetComplaintForStaff_NonStaffRole_PermissionDeniedAndNotAudited(string role)
    {
        var submitted = await SubmitAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => ReadAsync(submitted.Reference, "x", [role]));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Empty(await AuditAsync(submitted.ComplaintId));
    }

    [Fact]
    public async Task GetComplaintForStaff_Rest_PurposeInBodyReadsAndAudits()
    {
        var submitted = await SubmitAsync();
        using var http = _intake.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/staff/complaints/{submitted.Reference}:read")
        {
            Content = JsonContent.Create(new { purpose = "triage the morning queue" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _intake.Token("agent-rest", "agent"));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Charged twice", json.GetProperty("subject").GetString());
        Assert.Equal("CHANNEL_WEB", json.GetProperty("channel").GetString());
        var audit = Assert.Single(await AuditAsync(submitted.ComplaintId));
        Assert.Equal(("agent-rest", "read-complaint", "triage the morning queue"), (audit.Actor, audit.Action, audit.Purpose));
    }

    [Fact]
    public async Task DownloadAttachment_Staff_AuditNamesTheAttachmentAndPurpose()
    {
        var submitted = await SubmitAsync();
        var uploaded = await AttachmentTests.UploadAsync(Files(),
            new AttachmentHeader { Reference = submitted.Reference, TrackingToken = submitted.TrackingToken, FileName = "receipt.pdf" }, Pdf("download"));

        await DownloadAsync(Files("agent-hana", "agent"), uploaded.Attachment.AttachmentId, "check the receipt");

        var audit = Assert.Single(await AuditAsync(submitted.ComplaintId));
        Assert.Equal(("agent-hana", "read-attachment", "check the receipt"), (audit.Actor, audit.Action, audit.Purpose));
        Assert.Equal(Guid.Parse(uploaded.Attachment.AttachmentId), audit.AttachmentId);
    }

    [Fact]
    public async Task ListAccessAudit_ContactWordsAndDownload_NewestFirstWithPurposes()
    {
        var submitted = await SubmitAsync();
        var uploaded = await AttachmentTests.UploadAsync(Files(),
            new AttachmentHeader { Reference = submitted.Reference, TrackingToken = submitted.TrackingToken, FileName = "receipt.pdf" }, Pdf("audit"));
        await Staff("agent-hana", "agent").GetComplaintContactAsync(new GetComplaintContactRequest { Reference = submitted.Reference, Purpose = "call back about the refund" });
        await ReadAsync(submitted.Reference, "agent-bo", ["agent"], "covering for Hana");
        await DownloadAsync(Files("agent-hana", "agent"), uploaded.Attachment.AttachmentId, "check the receipt");

        var listed = await Staff("lead-li", "agent").ListAccessAuditAsync(new ListAccessAuditRequest { Reference = submitted.Reference });

        Assert.Equal(submitted.Reference, listed.Reference);
        Assert.Equal("", listed.NextPageToken);
        Assert.Equal(
            [
                ("agent-hana", "read-attachment", uploaded.Attachment.AttachmentId, "check the receipt"),
                ("agent-bo", "read-complaint", "", "covering for Hana"),
                ("agent-hana", "read-contact", "", "call back about the refund"),
            ],
            listed.Entries.Select(e => (e.Actor, e.Action, e.AttachmentId, e.Purpose)));
        Assert.All(listed.Entries, e => Assert.Equal(["agent"], e.Roles));
        Assert.True(listed.Entries.Zip(listed.Entries.Skip(1)).All(p => p.First.At >= p.Second.At));
    }

    [Fact]
    public async Task ListAccessAudit_Paged_EachEntryOnceNewestFirst()
    {
        var submitted = await SubmitAsync();
        for (var i = 1; i <= 5; i++)
        {
            await ReadAsync(submitted.Reference, "agent-hana", ["agent"], $"read number {i}");
        }
        var supervisor = Staff("boss", "supervisor");

        var purposes = new List<string>();
        var pages = 0;
        var token = "";
        do
        {
            var page = await supervisor.ListAccessAuditAsync(new ListAccessAuditRequest { Reference = submitted.Reference, PageSize = 2, PageToken = token });
            Assert.True(page.Entries.Count <= 2);
            purposes.AddRange(page.Entries.Select(e => e.Purpose));
            token = page.NextPageToken;
            pages++;
        }
        while (token != "");

        Assert.Equal(3, pages);
        Assert.Equal(["read number 5", "read number 4", "read number 3", "read number 2", "read number 1"], purposes);
    }

    [Theory]
    [InlineData("lead-li", "agent")]
    [InlineData("boss", "supervisor")]
    [InlineData("root", "admin")]
    public async Task ListAccessAudit_SupervisorOfTheCase_Lists(string subject, params string[] roles)
    {
        var submitted = await SubmitAsync();
        await ReadAsync(submitted.Reference, "agent-hana", ["agent"]);

        var listed = await Staff(subject, roles).ListAccessAuditAsync(new ListAccessAuditRequest { Reference = submitted.Reference });

        Assert.Equal("read-complaint", Assert.Single(listed.Entries).Action);
    }

    [Theory]
    [InlineData("agent-hana", "agent")]
    [InlineData("agent-bo", "agent")]
    [InlineData("auditor", "agent", "compliance")]
    public async Task ListAccessAudit_NotASupervisorOfTheCase_PermissionDenied(string subject, params string[] roles)
    {
        var submitted = await SubmitAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Staff(subject, roles).ListAccessAuditAsync(new ListAccessAuditRequest { Reference = submitted.Reference }).ResponseAsync);

        // They may see the complaint, so they are told who may read its audit (not that it does not exist).
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("supervisor", error.Status.Detail);
    }

    [Theory]
    [InlineData("analyst")]
    [InlineData("partner")]
    public async Task ListAccessAudit_NonStaffRole_PermissionDenied(string role)
    {
        var submitted = await SubmitAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Staff("x", role).ListAccessAuditAsync(new ListAccessAuditRequest { Reference = submitted.Reference }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task ListAccessAudit_ConfidentialSupervisorOutsideTheCircle_NotFoundLikeUnknown()
    {
        var confidential = await SubmitAsync(confidential: true);
        var supervisor = Staff("boss", "supervisor");
        const string Unknown = "CMP-2000-ZZZZZZ";

        var error = await Assert.ThrowsAsync<RpcException>(() => supervisor.ListAccessAuditAsync(new ListAccessAuditRequest { Reference = confidential.Reference }).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => supervisor.ListAccessAuditAsync(new ListAccessAuditRequest { Reference = Unknown }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal(unknown.Status.Detail.Replace(Unknown, confidential.Reference, StringComparison.Ordinal), error.Status.Detail);
    }

    [Fact]
    public async Task ListAccessAudit_BadInput_InvalidArgumentNamingFields()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Staff("root", "admin").ListAccessAuditAsync(
            new ListAccessAuditRequest { Reference = "", PageSize = 500, PageToken = "not-a-token" }).ResponseAsync);
        var negative = await Assert.ThrowsAsync<RpcException>(() => Staff("root", "admin").ListAccessAuditAsync(
            new ListAccessAuditRequest { Reference = "CMP-2000-ZZZZZZ", PageSize = -1 }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(["reference", "pageSize", "pageToken"], ValidationTests.FieldViolations(error));
        Assert.Equal(["pageSize"], ValidationTests.FieldViolations(negative));
    }

    [Fact]
    public async Task ListAccessAudit_Rest_GetWithPageSize()
    {
        var submitted = await SubmitAsync();
        await ReadAsync(submitted.Reference, "agent-hana", ["agent"], "first look");
        await ReadAsync(submitted.Reference, "agent-hana", ["agent"], "second look");
        using var http = _intake.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/staff/complaints/{submitted.Reference}/access-audit?pageSize=1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _intake.Token("lead-li", "agent"));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        var entry = Assert.Single(json.GetProperty("entries").EnumerateArray().ToList());
        Assert.Equal("second look", entry.GetProperty("purpose").GetString());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("nextPageToken").GetString()));
    }
}
