using System.Text.Json;
using Complaints.Intake.Domain;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Errors;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Tests;

/// <summary>The preferred contact channel and the postal address: the channel's address is required, both are contact data.</summary>
public sealed class ContactChannelValidationTests
{
    private static SubmitComplaintRequest Request(PreferredContactChannel channel, string? email = "mina@example.com", string? phone = "+821012345678", string? postal = null)
    {
        var r = ValidationTests.ValidRequest();
        r.Complainant.PreferredContactChannel = channel;
        r.Complainant.Email = email ?? "";
        r.Complainant.Phone = phone ?? "";
        r.Complainant.PostalAddress = postal ?? "";
        return r;
    }

    private static IReadOnlyList<string> FieldsOf(SubmitComplaintRequest r) =>
        Assert.Throws<ValidationException>(() => ComplaintValidation.Validate(r, ValidationTests.Categories, ValidationTests.Today)).Violations.Select(v => v.Field).ToList();

    [Theory]
    [InlineData(PreferredContactChannel.Email, null, "+821012345678", null, "complainant.email")]
    [InlineData(PreferredContactChannel.Phone, "mina@example.com", null, null, "complainant.phone")]
    [InlineData(PreferredContactChannel.Sms, "mina@example.com", null, null, "complainant.phone")]
    [InlineData(PreferredContactChannel.Post, "mina@example.com", "+821012345678", null, "complainant.postalAddress")]
    [InlineData(PreferredContactChannel.Post, "mina@example.com", null, "   ", "complainant.postalAddress")]
    public void Validate_PreferredChannelWithoutItsAddress_NamesTheMissingField(PreferredContactChannel channel, string? email, string? phone, string? postal, string field)
    {
        var violation = Assert.Single(Assert.Throws<ValidationException>(() =>
            ComplaintValidation.Validate(Request(channel, email, phone, postal), ValidationTests.Categories, ValidationTests.Today)).Violations);

        Assert.Equal(field, violation.Field);
        Assert.Contains(ServiceDefaults.ProtoEnums.Name(channel), violation.Description);
    }

    [Fact]
    public void Validate_PhonePreferredWithoutEmailOrPhone_NamesBoth()
    {
        Assert.Equal(["complainant.email", "complainant.phone"], FieldsOf(Request(PreferredContactChannel.Phone, email: null, phone: null)));
    }

    [Fact]
    public void Validate_PostWithAddress_KeepsItsLinesAndTheChannel()
    {
        var valid = ComplaintValidation.Validate(Request(PreferredContactChannel.Post, postal: "  Flat 2\r\n10 Downing Street\r\nLondon SW1A 2AA \n"), ValidationTests.Categories, ValidationTests.Today);

        Assert.Equal(PreferredContactChannel.Post, valid.Contact.PreferredChannel);
        Assert.Equal("Flat 2\n10 Downing Street\nLondon SW1A 2AA", valid.Contact.PostalAddress);
    }

    [Fact]
    public void Validate_NoPreference_NothingRequiredBeyondEmailOrPhone()
    {
        var valid = ComplaintValidation.Validate(Request(PreferredContactChannel.Unspecified, phone: null), ValidationTests.Categories, ValidationTests.Today);

        Assert.Equal(PreferredContactChannel.Unspecified, valid.Contact.PreferredChannel);
        Assert.Null(valid.Contact.PostalAddress);
    }

    [Fact]
    public void Validate_PostalAddressOnlyWithoutEmailOrPhone_StillNamesEmail()
    {
        Assert.Equal(["complainant.email"], FieldsOf(Request(PreferredContactChannel.Post, email: null, phone: null, postal: "1 High Street\nLeeds")));
    }

    [Fact]
    public void Validate_UnknownChannelValue_NamesIt()
    {
        Assert.Equal(["complainant.preferredContactChannel"], FieldsOf(Request((PreferredContactChannel)9)));
    }

    [Fact]
    public void Validate_PostalAddressTooLongOrWithControlCharacters_NamesIt()
    {
        Assert.Equal(["complainant.postalAddress"], FieldsOf(Request(PreferredContactChannel.Unspecified, postal: new string('a', 1_001))));
        Assert.Equal(["complainant.postalAddress"], FieldsOf(Request(PreferredContactChannel.Unspecified, postal: "1 High Street\u0007")));
    }

    [Fact]
    public void Validate_AnonymousWithPostalAddressOrChannel_Refused()
    {
        var withAddress = ValidationTests.ValidRequest();
        withAddress.ComplainantKind = ComplainantKind.Anonymous;
        withAddress.Complainant = new Complainant { PostalAddress = "1 High Street" };
        var withChannel = ValidationTests.ValidRequest();
        withChannel.ComplainantKind = ComplainantKind.Anonymous;
        withChannel.Complainant = new Complainant { PreferredContactChannel = PreferredContactChannel.Sms };

        Assert.Equal(["complainant"], FieldsOf(withAddress));
        Assert.Equal(["complainant.preferredContactChannel"], FieldsOf(withChannel));
    }
}

/// <summary>Stored encrypted with the other contact data; returned wherever contact details are; corrected and erased with them.</summary>
public sealed class ContactChannelTests(IntakeFixture fixture) : IClassFixture<IntakeFixture>
{
    private const string Address = "Flat 2\n10 Acacia Avenue\nLeeds LS1 4AB";

    private readonly IntakeFactory _intake = fixture.Factory;

    private async Task<(SubmitComplaintResponse Submitted, string Marker)> SubmitByPostAsync()
    {
        var marker = "Street" + Guid.NewGuid().ToString("N")[..10];
        var request = ValidationTests.ValidRequest();
        request.Complainant.PreferredContactChannel = PreferredContactChannel.Post;
        request.Complainant.PostalAddress = $"{Address}\n{marker}";
        return (await _intake.Public().SubmitComplaintAsync(request), marker);
    }

    private StaffIntakeService.StaffIntakeServiceClient Staff() => new(_intake.Channel(_intake.Token("agent-post", "agent")));

    private ContactService.ContactServiceClient Notifications() => new(_intake.Channel(_intake.Token("notifications", "service")));

    [Fact]
    public async Task SubmitComplaint_PostalAddress_StoredOnlyEncrypted()
    {
        var (_, marker) = await SubmitByPostAsync();

        Assert.Equal(-1, _intake.RawDatabaseBytes().AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(marker)));
    }

    [Fact]
    public async Task GetComplaintContact_PostPreferred_ChannelAndAddressForStaff()
    {
        var (submitted, marker) = await SubmitByPostAsync();

        var contact = await Staff().GetComplaintContactAsync(new GetComplaintContactRequest { Reference = submitted.Reference, Purpose = "write a letter" });

        Assert.Equal(PreferredContactChannel.Post, contact.PreferredContactChannel);
        Assert.Equal($"{Address}\n{marker}", contact.PostalAddress);
    }

    [Fact]
    public async Task GetContactForDelivery_PostPreferred_ChannelAndAddressForNotifications()
    {
        var (submitted, marker) = await SubmitByPostAsync();

        var contact = await Notifications().GetContactForDeliveryAsync(new GetContactForDeliveryRequest { ComplaintId = submitted.ComplaintId });

        Assert.Equal(PreferredContactChannel.Post, contact.PreferredContactChannel);
        Assert.Equal($"{Address}\n{marker}", contact.PostalAddress);
    }

    [Fact]
    public async Task ExportComplainantData_PostPreferred_ChannelAndAddressInTheExport()
    {
        var (submitted, marker) = await SubmitByPostAsync();

        var export = await new DataRightsService.DataRightsServiceClient(_intake.Channel(_intake.Token("dpo", "admin")))
            .ExportComplainantDataAsync(new ExportComplainantDataRequest { Subject = new SubjectSelector { Reference = submitted.Reference }, Reason = "Art. 15" });

        var item = JsonDocument.Parse(export.Json).RootElement.GetProperty("complaints")[0];
        Assert.Equal("PREFERRED_CONTACT_CHANNEL_POST", item.GetProperty("preferredContactChannel").GetString());
        Assert.Equal($"{Address}\n{marker}", item.GetProperty("postalAddress").GetString());
    }

    [Fact]
    public async Task CorrectContactDetails_SmsAndNewAddress_Replaced()
    {
        var (submitted, _) = await SubmitByPostAsync();

        await _intake.Public().CorrectContactDetailsAsync(new CorrectContactDetailsRequest
        {
            Reference = submitted.Reference,
            TrackingToken = submitted.TrackingToken,
            Complainant = new Complainant { Name = "Mina Park", Phone = "+821099998888", PreferredContactChannel = PreferredContactChannel.Sms, PostalAddress = "2 New Road\nBusan" },
        });

        var contact = await Notifications().GetContactForDeliveryAsync(new GetContactForDeliveryRequest { ComplaintId = submitted.ComplaintId });
        Assert.Equal((PreferredContactChannel.Sms, "2 New Road\nBusan", "+821099998888", ""), (contact.PreferredContactChannel, contact.PostalAddress, contact.Phone, contact.Email));
    }

    [Fact]
    public async Task CorrectContactDetails_PostWithoutAddress_InvalidArgumentNamingItAndUnchanged()
    {
        var (submitted, marker) = await SubmitByPostAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => _intake.Public().CorrectContactDetailsAsync(new CorrectContactDetailsRequest
        {
            Reference = submitted.Reference,
            TrackingToken = submitted.TrackingToken,
            Complainant = new Complainant { Name = "Mina Park", Email = "mina@example.com", PreferredContactChannel = PreferredContactChannel.Post },
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(["complainant.postalAddress"], ValidationTests.FieldViolations(error));
        var contact = await Notifications().GetContactForDeliveryAsync(new GetContactForDeliveryRequest { ComplaintId = submitted.ComplaintId });
        Assert.Equal($"{Address}\n{marker}", contact.PostalAddress);
    }

    [Fact]
    public async Task EraseComplainant_PostPreferred_AddressAndChannelGone()
    {
        var (submitted, _) = await SubmitByPostAsync();

        await new DataRightsService.DataRightsServiceClient(_intake.Channel(_intake.Token("dpo", "admin")))
            .EraseComplainantAsync(new EraseComplainantRequest { Subject = new SubjectSelector { Reference = submitted.Reference }, Reason = "Art. 17" });

        var stored = await _intake.WithDb(db => db.Complaints.AsNoTracking().SingleAsync(c => c.Reference == submitted.Reference));
        Assert.Null(stored.PostalAddressCipher);
        Assert.Equal(0, stored.PreferredContactChannel);
    }

    [Fact]
    public async Task SubmitComplaint_RestBodyWithChannelAndAddress_Accepted()
    {
        using var http = _intake.CreateClient();
        var body = $$"""
            {
              "idempotencyKey": "{{Guid.NewGuid()}}",
              "channel": "CHANNEL_WEB",
              "complainant": {
                "name": "Ivan Petrov", "email": "ivan@example.bg", "preferredLanguage": "bg",
                "preferredContactChannel": "PREFERRED_CONTACT_CHANNEL_POST", "postalAddress": "ul. Vitosha 1\nSofia 1000"
              },
              "category": "service", "subject": "Late", "description": "Too late."
            }
            """;

        using var response = await http.PostAsync("/api/v1/complaints", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var reference = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("reference").GetString();
        var contact = await Staff().GetComplaintContactAsync(new GetComplaintContactRequest { Reference = reference, Purpose = "send a letter" });
        Assert.Equal("ul. Vitosha 1\nSofia 1000", contact.PostalAddress);
    }
}
