using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Complaints.Common.V1;
using Complaints.Intake.V1;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Tests;

public class TrackComplaintTests(IntakeFixture fixture) : IClassFixture<IntakeFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;

    [Fact]
    public async Task TrackComplaint_RightAfterSubmit_ReceivedWithDependenciesNamedUnavailable()
    {
        var submitted = await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());

        var view = await _intake.Public().TrackComplaintAsync(new TrackComplaintRequest { Reference = submitted.Reference, TrackingToken = submitted.TrackingToken });

        Assert.Equal(CaseStatus.Received, view.Status);
        Assert.Equal(submitted.Reference, view.Reference);
        Assert.Equal(submitted.ReceivedAt, view.ReceivedAt);
        Assert.Equal("Charged twice", view.Subject);
        Assert.Equal("Complaint received", Assert.Single(view.Timeline).Title);
        // Routing and Notifications point at dead ports in this host.
        Assert.Equal(["case", "messages"], view.Unavailable);
    }

    [Fact]
    public async Task TrackComplaint_WrongToken_NotFoundLikeUnknownReference()
    {
        var submitted = await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());
        // Differs from the real token in its first character, always (not 63 times in 64).
        var otherToken = (submitted.TrackingToken[0] == 'A' ? "B" : "A") + submitted.TrackingToken[1..];
        Assert.NotEqual(submitted.TrackingToken, otherToken);

        var wrongToken = await Assert.ThrowsAsync<RpcException>(() => _intake.Public().TrackComplaintAsync(
            new TrackComplaintRequest { Reference = submitted.Reference, TrackingToken = otherToken }).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => _intake.Public().TrackComplaintAsync(
            new TrackComplaintRequest { Reference = "CMP-0000-0000", TrackingToken = submitted.TrackingToken }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, wrongToken.StatusCode);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(unknown.Status.Detail, wrongToken.Status.Detail);
    }

    [Fact]
    public async Task TrackComplaint_MissingToken_InvalidArgumentNamingToken()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _intake.Public().TrackComplaintAsync(
            new TrackComplaintRequest { Reference = "CMP-0000-0000" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("trackingToken", error.Status.Detail);
    }

    [Fact]
    public async Task TrackComplaint_LowerCaseReference_Matches()
    {
        var submitted = await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());

        var view = await _intake.Public().TrackComplaintAsync(new TrackComplaintRequest { Reference = submitted.Reference.ToLowerInvariant(), TrackingToken = submitted.TrackingToken });

        Assert.Equal(submitted.Reference, view.Reference);
    }

    [Theory]
    [InlineData("ko", "이중 결제 환불 요청")]
    [InlineData("bg", "Двойно таксуване — искам възстановяване")]
    [InlineData("ar", "تم خصم المبلغ مرتين")]
    [InlineData("en", "Charged twice 💳💳 — please fix 👍🏽")]
    public async Task TrackComplaint_AnyScript_SubjectRoundTripsExactly(string language, string subject)
    {
        var request = ValidationTests.ValidRequest();
        request.Subject = subject;
        request.Complainant.PreferredLanguage = language;
        var submitted = await _intake.Public().SubmitComplaintAsync(request);

        var view = await _intake.Public().TrackComplaintAsync(new TrackComplaintRequest { Reference = submitted.Reference, TrackingToken = submitted.TrackingToken });

        Assert.Equal(subject, view.Subject);
    }

    [Fact]
    public async Task TrackComplaint_Rest_TokenInBodyAnd404ForWrongToken()
    {
        var submitted = await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());
        using var http = _intake.CreateClient();

        using var ok = await http.PostAsJsonAsync($"/api/v1/complaints/{submitted.Reference}/track", new { trackingToken = submitted.TrackingToken });
        using var wrong = await http.PostAsJsonAsync($"/api/v1/complaints/{submitted.Reference}/track", new { trackingToken = "wrong" });

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var json = await ok.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("CASE_STATUS_RECEIVED", json.GetProperty("status").GetString());
        Assert.Equal(submitted.Reference, json.GetProperty("reference").GetString());
        Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);
    }
}

public class ContactCorrectionTests(IntakeFixture fixture) : IClassFixture<IntakeFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;

    [Fact]
    public async Task CorrectContactDetails_WithToken_NewAddressUsedAndSearchableAndAudited()
    {
        var submitted = await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());
        var newEmail = $"n{Guid.NewGuid():N}@example.com";

        await _intake.Public().CorrectContactDetailsAsync(new CorrectContactDetailsRequest
        {
            Reference = submitted.Reference,
            TrackingToken = submitted.TrackingToken,
            Complainant = new Complainant { Name = "Mina Park-Lee", Email = newEmail, PreferredLanguage = "en", TimeZone = "Asia/Seoul" },
        });

        var contact = await new ContactService.ContactServiceClient(_intake.Channel(_intake.Token("notifications", "service")))
            .GetContactForDeliveryAsync(new GetContactForDeliveryRequest { ComplaintId = submitted.ComplaintId });
        Assert.Equal(newEmail, contact.Email);
        Assert.Equal("Mina Park-Lee", contact.Name);
        Assert.Empty(contact.Phone);
        Assert.Equal("en", contact.PreferredLanguage);
        var found = await new StaffIntakeService.StaffIntakeServiceClient(_intake.Channel(_intake.Token("amy", "agent")))
            .SearchComplaintsAsync(new SearchComplaintsRequest { Email = newEmail });
        Assert.Equal(submitted.Reference, Assert.Single(found.Complaints).Reference);
        Assert.True(await _intake.WithDb(db => db.AccessAudit.AnyAsync(a => a.ComplaintId == Guid.Parse(submitted.ComplaintId) && a.Action == "contact-corrected")));
    }

    [Fact]
    public async Task CorrectContactDetails_WrongToken_NotFoundAndUnchanged()
    {
        var submitted = await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());

        var error = await Assert.ThrowsAsync<RpcException>(() => _intake.Public().CorrectContactDetailsAsync(new CorrectContactDetailsRequest
        {
            Reference = submitted.Reference,
            TrackingToken = "not-the-token",
            Complainant = new Complainant { Name = "Mallory", Email = "mallory@example.com" },
        }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        var contact = await new ContactService.ContactServiceClient(_intake.Channel(_intake.Token("notifications", "service")))
            .GetContactForDeliveryAsync(new GetContactForDeliveryRequest { ComplaintId = submitted.ComplaintId });
        Assert.Equal("mina@example.com", contact.Email);
    }

    [Fact]
    public async Task CorrectContactDetails_InvalidEmail_InvalidArgumentNamingField()
    {
        var submitted = await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());

        var error = await Assert.ThrowsAsync<RpcException>(() => _intake.Public().CorrectContactDetailsAsync(new CorrectContactDetailsRequest
        {
            Reference = submitted.Reference,
            TrackingToken = submitted.TrackingToken,
            Complainant = new Complainant { Name = "Mina", Email = "broken" },
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("complainant.email", error.Status.Detail);
    }

    [Fact]
    public async Task CorrectContactDetails_AnonymousComplaint_FailedPrecondition()
    {
        var request = ValidationTests.ValidRequest();
        request.ComplainantKind = ComplainantKind.Anonymous;
        request.Complainant = null;
        var submitted = await _intake.Public().SubmitComplaintAsync(request);

        var error = await Assert.ThrowsAsync<RpcException>(() => _intake.Public().CorrectContactDetailsAsync(new CorrectContactDetailsRequest
        {
            Reference = submitted.Reference,
            TrackingToken = submitted.TrackingToken,
            Complainant = new Complainant { Name = "Now Known", Email = "known@example.com" },
        }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
    }
}
