using Complaints.Intake.V1;
using Grpc.Core;

namespace Complaints.Intake.Tests;

public class ContactServiceTests(IntakeFixture fixture) : IClassFixture<IntakeFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;

    [Fact]
    public async Task GetContactForDelivery_ServiceToken_ReturnsDecryptedContact()
    {
        var submitted = await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());
        var client = new ContactService.ContactServiceClient(_intake.Channel(_intake.Token("notifications", "service")));

        var contact = await client.GetContactForDeliveryAsync(new GetContactForDeliveryRequest { ComplaintId = submitted.ComplaintId });

        Assert.True(contact.HasContact);
        Assert.Equal("Mina Park", contact.Name);
        Assert.Equal("mina@example.com", contact.Email);
        Assert.Equal("+821012345678", contact.Phone);
        Assert.Equal("ko", contact.PreferredLanguage);
        Assert.Equal(submitted.Reference, contact.Reference);
    }

    [Fact]
    public async Task GetContactForDelivery_PartnerSubmissionWithTimeZone_ReturnsTimeZoneAndPartner()
    {
        var request = ValidationTests.ValidRequest();
        request.Channel = Complaints.Common.V1.Channel.PartnerApi;
        request.Complainant.TimeZone = "Asia/Seoul";
        var partner = _intake.Partner("crm-acme", "complaints.submit");
        var submitted = await partner.SubmitComplaintAsync(request);
        var client = new ContactService.ContactServiceClient(_intake.Channel(_intake.Token("notifications", "service")));

        var contact = await client.GetContactForDeliveryAsync(new GetContactForDeliveryRequest { ComplaintId = submitted.ComplaintId });

        Assert.Equal("Asia/Seoul", contact.TimeZone);
        Assert.Equal("crm-acme", contact.PartnerId);
    }

    [Fact]
    public async Task GetContactForDelivery_PartnerSubmissionOnAnotherChannel_PartnerFromItsToken()
    {
        // A partner's CRM records a phone call: the channel is the complainant's, the webhook still the partner's.
        var request = ValidationTests.ValidRequest();
        request.Channel = Complaints.Common.V1.Channel.Phone;
        var submitted = await _intake.Partner("crm-phone", "complaints.submit").SubmitComplaintAsync(request);
        var client = new ContactService.ContactServiceClient(_intake.Channel(_intake.Token("notifications", "service")));

        var contact = await client.GetContactForDeliveryAsync(new GetContactForDeliveryRequest { ComplaintId = submitted.ComplaintId });

        Assert.Equal("crm-phone", contact.PartnerId);
    }

    [Fact]
    public async Task GetContactForDelivery_WebSubmission_NoPartnerNoTimeZone()
    {
        var submitted = await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());
        var client = new ContactService.ContactServiceClient(_intake.Channel(_intake.Token("notifications", "service")));

        var contact = await client.GetContactForDeliveryAsync(new GetContactForDeliveryRequest { ComplaintId = submitted.ComplaintId });

        Assert.Equal("", contact.PartnerId);
        Assert.Equal("", contact.TimeZone);
    }

    [Fact]
    public async Task GetContactForDelivery_NoToken_Unauthenticated()
    {
        var client = new ContactService.ContactServiceClient(_intake.Channel());

        var error = await Assert.ThrowsAsync<RpcException>(() => client.GetContactForDeliveryAsync(new GetContactForDeliveryRequest { ComplaintId = Guid.NewGuid().ToString() }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("partner")]
    [InlineData("admin")]
    public async Task GetContactForDelivery_PersonRole_PermissionDenied(string role)
    {
        var client = new ContactService.ContactServiceClient(_intake.Channel(_intake.Token("someone", role)));

        var error = await Assert.ThrowsAsync<RpcException>(() => client.GetContactForDeliveryAsync(new GetContactForDeliveryRequest { ComplaintId = Guid.NewGuid().ToString() }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Theory]
    [InlineData("routing")]
    [InlineData("insights")]
    public async Task GetContactForDelivery_ServiceThatDoesNotDeliver_PermissionDenied(string service)
    {
        var client = new ContactService.ContactServiceClient(_intake.Channel(_intake.Token(service, "service")));

        var error = await Assert.ThrowsAsync<RpcException>(() => client.GetContactForDeliveryAsync(new GetContactForDeliveryRequest { ComplaintId = Guid.NewGuid().ToString() }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task GetContactForDelivery_TokenSignedWithOtherKey_Unauthenticated()
    {
        var forged = new Complaints.TestSupport.TestIssuer().Token("notifications", ["service"]);
        var client = new ContactService.ContactServiceClient(_intake.Channel(forged));

        var error = await Assert.ThrowsAsync<RpcException>(() => client.GetContactForDeliveryAsync(new GetContactForDeliveryRequest { ComplaintId = Guid.NewGuid().ToString() }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task GetContactForDelivery_UnknownId_NotFound()
    {
        var client = new ContactService.ContactServiceClient(_intake.Channel(_intake.Token("notifications", "service")));

        var error = await Assert.ThrowsAsync<RpcException>(() => client.GetContactForDeliveryAsync(new GetContactForDeliveryRequest { ComplaintId = Guid.NewGuid().ToString() }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }
}
