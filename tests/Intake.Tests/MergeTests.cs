using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Complaints.Common.V1;
using Complaints.Intake.V1;
using Complaints.Routing.V1;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Tests;

public class MergeTests(FakeRoutingFixture fixture) : IClassFixture<FakeRoutingFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;

    private StaffIntakeService.StaffIntakeServiceClient Staff(string subject = "agent-amy", string role = "agent") =>
        new(_intake.Channel(_intake.Token(subject, role)));

    private async Task<SubmitComplaintResponse> SubmitAsync(string email, bool confidential = false, string category = "billing")
    {
        var request = ValidationTests.ValidRequest();
        request.Complainant.Email = email;
        request.Complainant.Phone = "";
        request.Category = category;
        request.Confidential = confidential;
        return await _intake.Public().SubmitComplaintAsync(request);
    }

    private static string NewEmail() => $"m{Guid.NewGuid():N}@example.com";

    private static MergeComplaintsRequest Merge(SubmitComplaintResponse primary, SubmitComplaintResponse duplicate, string reason = "same double charge reported twice") =>
        new() { PrimaryReference = primary.Reference, DuplicateReference = duplicate.Reference, Reason = reason };

    private Task<List<ComplaintMerged>> MergedEventsAsync(string complaintId) => _intake.WithDb(async db =>
        (await db.Events.AsNoTracking().Where(e => e.AggregateId == complaintId && e.Type == ComplaintMerged.Descriptor.FullName).ToListAsync())
            .Select(e => ComplaintMerged.Parser.ParseFrom(e.Payload)).ToList());

    [Fact]
    public async Task MergeComplaints_LinkedDuplicate_RecordsMergeAuditsAndAppendsEvent()
    {
        var email = NewEmail();
        var primary = await SubmitAsync(email);
        var duplicate = await SubmitAsync(email);

        var merged = await Staff("agent-mo").MergeComplaintsAsync(Merge(primary, duplicate));

        Assert.Equal(primary.Reference, merged.PrimaryReference);
        Assert.Equal(duplicate.Reference, merged.DuplicateReference);
        var record = await _intake.WithDb(db => db.Complaints.SingleAsync(c => c.Reference == duplicate.Reference));
        Assert.Equal(Guid.Parse(primary.ComplaintId), record.MergedIntoId);
        var e = Assert.Single(await MergedEventsAsync(duplicate.ComplaintId));
        Assert.Equal(duplicate.Reference, e.Reference);
        Assert.Equal(primary.ComplaintId, e.PrimaryComplaintId);
        Assert.Equal(primary.Reference, e.PrimaryReference);
        Assert.Equal("agent-mo", e.Actor);
        Assert.NotNull(e.MergedAt);
        var audit = await _intake.WithDb(db => db.AccessAudit.SingleAsync(a => a.ComplaintId == Guid.Parse(duplicate.ComplaintId) && a.Action == "merge"));
        Assert.Equal("agent-mo", audit.Actor);
        Assert.Equal("same double charge reported twice", audit.Purpose);
        Assert.True(await _intake.WithDb(db => db.AccessAudit.AnyAsync(a => a.ComplaintId == Guid.Parse(primary.ComplaintId) && a.Action == "merge-primary")));
    }

    [Fact]
    public async Task MergeComplaints_SameComplainantOtherCategory_MergedOnSharedBlindIndex()
    {
        var email = NewEmail();
        var primary = await SubmitAsync(email);
        var duplicate = await SubmitAsync(email, category: "service");

        var merged = await Staff().MergeComplaintsAsync(Merge(primary, duplicate));

        Assert.Equal(primary.Reference, merged.PrimaryReference);
    }

    [Fact]
    public async Task MergeComplaints_DifferentComplainants_FailedPreconditionAndNothingChanges()
    {
        var primary = await SubmitAsync(NewEmail());
        var duplicate = await SubmitAsync(NewEmail());

        var error = await Assert.ThrowsAsync<RpcException>(() => Staff().MergeComplaintsAsync(Merge(primary, duplicate)).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("not the same complainant", error.Status.Detail);
        Assert.Empty(await MergedEventsAsync(duplicate.ComplaintId));
        Assert.Null(await _intake.WithDb(db => db.Complaints.Where(c => c.Reference == duplicate.Reference).Select(c => c.MergedIntoId).SingleAsync()));
    }

    [Fact]
    public async Task MergeComplaints_PrimaryMergedIntoAnother_FailedPreconditionNamingIt()
    {
        var email = NewEmail();
        var first = await SubmitAsync(email);
        var second = await SubmitAsync(email);
        var third = await SubmitAsync(email);
        await Staff().MergeComplaintsAsync(Merge(first, second));

        var error = await Assert.ThrowsAsync<RpcException>(() => Staff().MergeComplaintsAsync(Merge(second, third)).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains(first.Reference, error.Status.Detail);
        Assert.Contains("no chains", error.Status.Detail);
    }

    [Fact]
    public async Task MergeComplaints_DuplicateMergedElsewhere_FailedPreconditionNamingIt()
    {
        var email = NewEmail();
        var first = await SubmitAsync(email);
        var second = await SubmitAsync(email);
        var third = await SubmitAsync(email);
        await Staff().MergeComplaintsAsync(Merge(first, third));

        var error = await Assert.ThrowsAsync<RpcException>(() => Staff().MergeComplaintsAsync(Merge(second, third)).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains($"already merged into {first.Reference}", error.Status.Detail);
    }

    [Fact]
    public async Task MergeComplaints_ErasedDuplicate_FailedPrecondition()
    {
        var email = NewEmail();
        var primary = await SubmitAsync(email);
        var duplicate = await SubmitAsync(email);
        await new DataRightsService.DataRightsServiceClient(_intake.Channel(_intake.Token("dpo", "admin")))
            .EraseComplainantAsync(new EraseComplainantRequest { Subject = new SubjectSelector { Reference = duplicate.Reference }, Reason = "Art. 17" });

        var error = await Assert.ThrowsAsync<RpcException>(() => Staff().MergeComplaintsAsync(Merge(primary, duplicate)).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("erased", error.Status.Detail);
        Assert.Empty(await MergedEventsAsync(duplicate.ComplaintId));
    }

    [Fact]
    public async Task MergeComplaints_SamePairAgain_SameAnswerAndOneEvent()
    {
        var email = NewEmail();
        var primary = await SubmitAsync(email);
        var duplicate = await SubmitAsync(email);

        var first = await Staff().MergeComplaintsAsync(Merge(primary, duplicate));
        var again = await Staff("agent-other").MergeComplaintsAsync(Merge(primary, duplicate, "clicked twice"));

        Assert.Equal(first, again);
        Assert.Single(await MergedEventsAsync(duplicate.ComplaintId));
    }

    [Fact]
    public async Task MergeComplaints_ConfidentialAsAgent_NotFoundButAdminMerges()
    {
        var email = NewEmail();
        var primary = await SubmitAsync(email, confidential: true);
        var duplicate = await SubmitAsync(email, confidential: true);

        var denied = await Assert.ThrowsAsync<RpcException>(() => Staff().MergeComplaintsAsync(Merge(primary, duplicate)).ResponseAsync);
        var merged = await Staff("root", "admin").MergeComplaintsAsync(Merge(primary, duplicate));

        Assert.Equal(StatusCode.NotFound, denied.StatusCode);
        Assert.Equal(duplicate.Reference, merged.DuplicateReference);
    }

    [Fact]
    public async Task MergeComplaints_IntoItself_InvalidArgumentNamingDuplicateReference()
    {
        var submitted = await SubmitAsync(NewEmail());

        var error = await Assert.ThrowsAsync<RpcException>(() => Staff().MergeComplaintsAsync(Merge(submitted, submitted)).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("duplicateReference", error.Status.Detail);
    }

    [Fact]
    public async Task MergeComplaints_RestWithoutReason_400NamingReason()
    {
        var email = NewEmail();
        var primary = await SubmitAsync(email);
        var duplicate = await SubmitAsync(email);
        using var http = _intake.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/staff/complaints/{duplicate.Reference}/merge")
        {
            Content = JsonContent.Create(new { primaryReference = primary.Reference }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _intake.Token("agent-rest", "agent"));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("reason", await response.Content.ReadAsStringAsync());
        Assert.Empty(await MergedEventsAsync(duplicate.ComplaintId));
    }

    [Fact]
    public async Task MergeComplaints_Rest_MergesWithDuplicateFromThePath()
    {
        var email = NewEmail();
        var primary = await SubmitAsync(email);
        var duplicate = await SubmitAsync(email);
        using var http = _intake.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/staff/complaints/{duplicate.Reference}/merge")
        {
            Content = JsonContent.Create(new { primaryReference = primary.Reference, reason = "same matter" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _intake.Token("agent-rest", "agent"));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(await MergedEventsAsync(duplicate.ComplaintId));
    }

    [Fact]
    public async Task TrackComplaint_MergedDuplicate_OwnTokenShowsMergedIntoReferenceAndCaseView()
    {
        var email = NewEmail();
        var primary = await SubmitAsync(email);
        var duplicate = await SubmitAsync(email);
        await Staff().MergeComplaintsAsync(Merge(primary, duplicate));
        var view = new GetPublicCaseViewResponse { Status = CaseStatus.Closed };
        view.Timeline.Add(new Routing.V1.PublicTimelineEntry { At = duplicate.ReceivedAt, Title = $"Merged into {primary.Reference}" });
        fixture.CaseView.Views[duplicate.ComplaintId] = view;

        var tracked = await _intake.Public().TrackComplaintAsync(new TrackComplaintRequest { Reference = duplicate.Reference, TrackingToken = duplicate.TrackingToken });
        var primaryTracked = await _intake.Public().TrackComplaintAsync(new TrackComplaintRequest { Reference = primary.Reference, TrackingToken = primary.TrackingToken });

        Assert.Equal(primary.Reference, tracked.MergedIntoReference);
        Assert.Equal(CaseStatus.Closed, tracked.Status);
        Assert.Equal($"Merged into {primary.Reference}", Assert.Single(tracked.Timeline).Title);
        Assert.Equal("", primaryTracked.MergedIntoReference);
    }
}
