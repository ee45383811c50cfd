using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Complaints.Intake.V1;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Tests;

public class StaffAccessTests(IntakeFixture fixture) : IClassFixture<IntakeFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;

    private StaffIntakeService.StaffIntakeServiceClient Staff(string subject = "agent-amy", string role = "agent") =>
        new(_intake.Channel(_intake.Token(subject, role)));

    private async Task<SubmitComplaintResponse> SubmitAsync(string email, string? phone = null, string category = "billing", bool confidential = false)
    {
        var request = ValidationTests.ValidRequest();
        request.Complainant.Email = email;
        request.Complainant.Phone = phone ?? "";
        request.Category = category;
        request.Confidential = confidential;
        return await _intake.Public().SubmitComplaintAsync(request);
    }

    private static string NewEmail() => $"c{Guid.NewGuid():N}@example.com";

    [Fact]
    public async Task SearchComplaints_ByEmailAnyCase_FindsThatComplainantsComplaintsOnly()
    {
        var email = NewEmail();
        var first = await SubmitAsync(email);
        var second = await SubmitAsync(email.ToUpperInvariant(), category: "service");
        await SubmitAsync(NewEmail());

        var found = await Staff().SearchComplaintsAsync(new SearchComplaintsRequest { Email = "  " + email.ToUpperInvariant() });

        Assert.Equal([second.Reference, first.Reference], found.Complaints.Select(c => c.Reference));
    }

    [Fact]
    public async Task SearchComplaints_ByPhoneWithSeparators_Matches()
    {
        var phone = "+4477009" + Random.Shared.Next(10000, 99999);
        var submitted = await SubmitAsync(NewEmail(), phone);

        var found = await Staff().SearchComplaintsAsync(new SearchComplaintsRequest { Phone = phone[..5] + " " + phone[5..] });

        Assert.Equal(submitted.Reference, Assert.Single(found.Complaints).Reference);
    }

    [Fact]
    public async Task SearchComplaints_SameComplainantSameCategory_LinkedAsPossibleDuplicate()
    {
        var email = NewEmail();
        var first = await SubmitAsync(email);
        var repeat = await SubmitAsync(email);
        var other = await SubmitAsync(email, category: "privacy");

        var found = (await Staff().SearchComplaintsAsync(new SearchComplaintsRequest { Email = email })).Complaints.ToDictionary(c => c.Reference);

        Assert.Equal([first.Reference], found[repeat.Reference].PossibleDuplicateOf);
        Assert.Empty(found[first.Reference].PossibleDuplicateOf);
        Assert.Empty(found[other.Reference].PossibleDuplicateOf);
    }

    [Fact]
    public async Task SearchComplaints_NothingToSearchFor_InvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Staff().SearchComplaintsAsync(new SearchComplaintsRequest()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task GetComplaintContact_WithPurpose_ReturnsContactAndAuditsTheRead()
    {
        var email = NewEmail();
        var submitted = await SubmitAsync(email);

        var contact = await Staff("agent-bo").GetComplaintContactAsync(new GetComplaintContactRequest { Reference = submitted.Reference, Purpose = "call back about the refund" });

        Assert.Equal(email, contact.Email);
        Assert.Equal("Mina Park", contact.Name);
        var audit = await _intake.WithDb(db => db.AccessAudit.SingleAsync(a => a.ComplaintId == Guid.Parse(submitted.ComplaintId)));
        Assert.Equal("agent-bo", audit.Actor);
        Assert.Equal("agent", audit.Roles);
        Assert.Equal("read-contact", audit.Action);
        Assert.Equal("call back about the refund", audit.Purpose);
    }

    [Fact]
    public async Task GetComplaintContact_WithoutPurpose_InvalidArgumentAndNoRead()
    {
        var submitted = await SubmitAsync(NewEmail());

        var error = await Assert.ThrowsAsync<RpcException>(() => Staff().GetComplaintContactAsync(new GetComplaintContactRequest { Reference = submitted.Reference }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("purpose", error.Status.Detail);
        Assert.False(await _intake.WithDb(db => db.AccessAudit.AnyAsync(a => a.ComplaintId == Guid.Parse(submitted.ComplaintId))));
    }

    [Fact]
    public async Task GetComplaintContact_ConfidentialAsAgent_NotFoundButAdminReads()
    {
        var submitted = await SubmitAsync(NewEmail(), confidential: true);
        var request = new GetComplaintContactRequest { Reference = submitted.Reference, Purpose = "review" };

        var denied = await Assert.ThrowsAsync<RpcException>(() => Staff().GetComplaintContactAsync(request).ResponseAsync);
        var read = await Staff("root", "admin").GetComplaintContactAsync(request);

        Assert.Equal(StatusCode.NotFound, denied.StatusCode);
        Assert.Equal("Mina Park", read.Name);
    }

    [Theory]
    [InlineData("analyst")]
    [InlineData("partner")]
    [InlineData("service")]
    public async Task SearchComplaints_NonStaffRole_PermissionDenied(string role)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Staff("x", role).SearchComplaintsAsync(new SearchComplaintsRequest { Email = NewEmail() }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task SearchComplaints_Rest_EmailInBodyAndAudited()
    {
        var email = NewEmail();
        var submitted = await SubmitAsync(email);
        using var http = _intake.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/staff/complaints:search") { Content = JsonContent.Create(new { email }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _intake.Token("agent-rest", "agent"));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(submitted.Reference, json.GetProperty("complaints")[0].GetProperty("reference").GetString());
        Assert.True(await _intake.WithDb(db => db.AccessAudit.AnyAsync(a => a.Actor == "agent-rest" && a.Action == "search" && a.ResultCount == 1)));
        Assert.True(await _intake.WithDb(db => db.AccessAudit.AnyAsync(a => a.Actor == "agent-rest" && a.Action == "search-hit" && a.ComplaintId == Guid.Parse(submitted.ComplaintId))));
    }
}
