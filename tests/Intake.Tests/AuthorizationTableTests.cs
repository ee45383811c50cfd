using System.Text;
using Complaints.Intake.V1;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Auth;
using Complaints.TestSupport;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Tests;

/// <summary>
/// Every row of the authorisation table (<see cref="StaffOperations"/>) for Intake's staff intake, data rights and
/// attachments, called by every principal on an open and a confidential complaint (routed to the table's queue and
/// handler through Routing's feed): what the table allows succeeds, what it refuses is refused with the status it
/// names, and a refusal changes nothing.
/// </summary>
public sealed class AuthorizationTableTests(ComplianceIntakeFixture fixture) : IClassFixture<ComplianceIntakeFixture>
{
    private static readonly string[] Services = ["complaints.intake.v1.StaffIntakeService", "complaints.intake.v1.DataRightsService", "complaints.intake.v1.AttachmentService"];

    private readonly IntakeFactory _intake = fixture.Factory;

    public static TheoryData<string, string, bool> Rows => AuthorizationTable.Rows(Services);

    /// <summary>The complaint under test, its complainant's email, and what the arrangement made (a primary, an attachment).</summary>
    private sealed record Target(SubmitComplaintResponse Complaint, string Email, bool Confidential, string? Other = null);

    private sealed record Callers(StaffIntakeService.StaffIntakeServiceClient Staff, DataRightsService.DataRightsServiceClient Rights, AttachmentService.AttachmentServiceClient Files);

    private sealed record Scenario(Func<AuthorizationTableTests, Target, Task<Target>> Arrange, Func<Callers, Target, Task<bool>> Act);

    private static Task<Target> None(AuthorizationTableTests t, Target target) => Task.FromResult(target);

    private static async Task<bool> Done(Task call)
    {
        await call;
        return true;
    }

    private static readonly Dictionary<string, Scenario> Scenarios = new()
    {
        ["SearchComplaints"] = new(None, async (c, t) =>
            (await c.Staff.SearchComplaintsAsync(new SearchComplaintsRequest { Email = t.Email })).Complaints.Any(x => x.Reference == t.Complaint.Reference)),
        ["GetComplaintContact"] = new(None, (c, t) => Done(c.Staff.GetComplaintContactAsync(new GetComplaintContactRequest { Reference = t.Complaint.Reference, Purpose = "call back" }).ResponseAsync)),
        ["GetComplaintForStaff"] = new(None, async (c, t) =>
            (await c.Staff.GetComplaintForStaffAsync(new GetComplaintForStaffRequest { Reference = t.Complaint.Reference })).Subject.Length > 0),
        ["ListAccessAudit"] = new(None, (c, t) => Done(c.Staff.ListAccessAuditAsync(new ListAccessAuditRequest { Reference = t.Complaint.Reference }).ResponseAsync)),
        ["MergeComplaints"] = new(async (test, t) => t with { Other = (await test.SubmitAsync(t.Confidential, t.Email)).Complaint.Reference },
            (c, t) => Done(c.Staff.MergeComplaintsAsync(new MergeComplaintsRequest { PrimaryReference = t.Other, DuplicateReference = t.Complaint.Reference, Reason = "same matter" }).ResponseAsync)),
        ["EraseComplainant"] = new(None, (c, t) => Done(c.Rights.EraseComplainantAsync(new EraseComplainantRequest { Subject = new SubjectSelector { Reference = t.Complaint.Reference }, Reason = "Art. 17 request" }).ResponseAsync)),
        ["ExportComplainantData"] = new(None, (c, t) => Done(c.Rights.ExportComplainantDataAsync(new ExportComplainantDataRequest { Subject = new SubjectSelector { Reference = t.Complaint.Reference }, Reason = "Art. 15 request" }).ResponseAsync)),
        ["SetLegalHold"] = new(None, (c, t) => Done(c.Rights.SetLegalHoldAsync(new SetLegalHoldRequest { Reference = t.Complaint.Reference, Hold = true, Reason = "litigation pending" }).ResponseAsync)),
        ["UploadAttachment"] = new(None, (c, t) => Done(AttachmentTests.UploadAsync(c.Files, new AttachmentHeader { Reference = t.Complaint.Reference, FileName = "note.pdf" }, Pdf()))),
        ["ListAttachments"] = new(UploadedAsync, (c, t) => Done(c.Files.ListAttachmentsAsync(new ListAttachmentsRequest { Reference = t.Complaint.Reference }).ResponseAsync)),
        ["DownloadAttachment"] = new(UploadedAsync, async (c, t) =>
        {
            using var call = c.Files.DownloadAttachment(new DownloadAttachmentRequest { AttachmentId = t.Other, Purpose = "check the statement" });
            return await call.ResponseStream.MoveNext();
        }),
    };

    private static byte[] Pdf() => Encoding.ASCII.GetBytes("%PDF-1.7\n% authorisation table\n" + new string('x', 2000));

    private static async Task<Target> UploadedAsync(AuthorizationTableTests test, Target t)
    {
        var uploaded = await AttachmentTests.UploadAsync(test.As(AuthorizationTable.Named("admin")).Files,
            new AttachmentHeader { Reference = t.Complaint.Reference, FileName = "statement.pdf" }, Pdf());
        return t with { Other = uploaded.Attachment.AttachmentId };
    }

    private Callers As(Principal p)
    {
        var channel = _intake.Channel(TestIssuer.Shared.Token(p.Subject, p.Roles, claims: AuthorizationTable.Claims(p)));
        return new(new StaffIntakeService.StaffIntakeServiceClient(channel), new DataRightsService.DataRightsServiceClient(channel), new AttachmentService.AttachmentServiceClient(channel));
    }

    /// <summary>A complaint routed (as Routing's feed tells Intake) to the table's queue, handled by its handler.</summary>
    private async Task<Target> SubmitAsync(bool confidential, string? email = null)
    {
        email ??= $"c{Guid.NewGuid():N}@example.com";
        var request = ValidationTests.ValidRequest();
        request.Complainant.Email = email;
        request.Confidential = confidential;
        var submitted = await _intake.Public().SubmitComplaintAsync(request);
        await RoutingEvents.ApplyAsync(_intake, new CaseAssigned
        {
            ComplaintId = submitted.ComplaintId,
            Reference = submitted.Reference,
            QueueId = "authz",
            AssigneeId = AuthorizationTable.Named("handler").Subject,
            SupervisorIds = { AuthorizationTable.Named("queue-supervisor").Subject },
            Confidential = confidential,
            At = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        });
        return new Target(submitted, email, confidential);
    }

    /// <summary>What a refusal must leave as it was: the complaint's row, its attachments, its events and its audit trail.</summary>
    private Task<(long Version, int Attachments, int Events, int Audit)> SnapshotAsync(Target t) => _intake.WithDb(async db =>
    {
        var c = await db.Complaints.AsNoTracking().SingleAsync(x => x.Reference == t.Complaint.Reference);
        return (c.Version, await db.Attachments.CountAsync(a => a.ComplaintId == c.Id), await db.Events.CountAsync(e => e.AggregateId == c.Id.ToString()),
            await db.AccessAudit.CountAsync(a => a.ComplaintId == c.Id));
    });

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task StaffOperation_PrincipalOnComplaint_AsTheTableSays(string method, string principal, bool confidential)
    {
        var operation = AuthorizationTable.Operation(method);
        var caller = AuthorizationTable.Named(principal);
        var scenario = Scenarios[method];
        var target = await scenario.Arrange(this, await SubmitAsync(confidential));
        var before = await SnapshotAsync(target);
        var expected = AuthorizationTable.Expected(operation, caller, confidential);

        StatusCode status;
        var found = false;
        try
        {
            found = await scenario.Act(As(caller), target);
            status = StatusCode.OK;
        }
        catch (RpcException error)
        {
            status = error.StatusCode;
        }

        Assert.Equal(expected, status);
        if (status == StatusCode.OK)
        {
            // A search lists the complaint exactly when the need-to-know rule lets the caller see it.
            Assert.Equal(method != "SearchComplaints" || AuthorizationTable.MaySee(caller, confidential), found);
        }
        else
        {
            Assert.Equal(before, await SnapshotAsync(target));
        }
    }

    public static TheoryData<string> StaffMethods => new(StaffOperations.All.Where(o => Services.Contains(o.Service)).Select(o => o.Method));

    [Theory]
    [MemberData(nameof(StaffMethods))]
    public async Task StaffOperation_PartnerWithEveryScope_Refused(string method)
    {
        var operation = AuthorizationTable.Operation(method);
        var partner = AuthorizationTable.PartnerWithEveryScope;
        var scenario = Scenarios[method];
        var target = await scenario.Arrange(this, await SubmitAsync(confidential: false));
        var before = await SnapshotAsync(target);

        var error = await Assert.ThrowsAsync<RpcException>(() => scenario.Act(As(partner), target));

        // No staff row has a partner scope: refused as any caller without a staff role (a complainant's upload without the
        // tracking token finds nothing).
        Assert.Equal(operation.Complainant ? StatusCode.NotFound : StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal(AuthorizationTable.Expected(operation, partner, confidential: false), error.StatusCode);
        Assert.Equal(before, await SnapshotAsync(target));
    }

    [Fact]
    public void StaffOperations_IntakeStaffServices_EveryMethodHasARowAndAScenario()
    {
        var methods = new[] { StaffIntakeService.Descriptor, DataRightsService.Descriptor, AttachmentService.Descriptor }
            .SelectMany(s => s.Methods.Select((MethodDescriptor m) => $"/{s.FullName}/{m.Name}"))
            .Order().ToList();
        var rows = StaffOperations.All.Where(o => Services.Contains(o.Service)).Select(o => o.Path).Order().ToList();

        Assert.Equal(methods, rows);
        Assert.Equal(rows.Select(r => r[(r.LastIndexOf('/') + 1)..]).Order(), Scenarios.Keys.Order());
    }
}
