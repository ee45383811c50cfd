using Complaints.Common.V1;
using Complaints.Intake.Domain;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Errors;

namespace Complaints.Intake.Tests;

public class ValidationTests
{
    internal static readonly Taxonomy Categories = Taxonomy.Load("default");
    internal static readonly DateOnly Today = new(2026, 11, 23);

    internal static SubmitComplaintRequest ValidRequest(string? key = null) => new()
    {
        IdempotencyKey = key ?? Guid.NewGuid().ToString(),
        Channel = Channel.Web,
        Complainant = new Complainant { Name = "Mina Park", Email = "mina@example.com", Phone = "+821012345678", PreferredLanguage = "ko" },
        Category = "billing",
        Subject = "Charged twice",
        Description = "My card was charged twice for one order.",
        RemedySought = "Refund of the second charge",
        Jurisdiction = Jurisdiction.UkFca,
    };

    /// <summary>The fields an InvalidArgument's google.rpc.BadRequest names, in order.</summary>
    internal static IReadOnlyList<string> FieldViolations(global::Grpc.Core.RpcException error) =>
        global::Grpc.Core.RpcExceptionExtensions.GetRpcStatus(error)?.GetDetail<Google.Rpc.BadRequest>()?.FieldViolations.Select(v => v.Field).ToList() ?? [];

    private static IReadOnlyList<string> FieldsOf(SubmitComplaintRequest request) =>
        Assert.Throws<ValidationException>(() => ComplaintValidation.Validate(request, Categories, Today)).Violations.Select(v => v.Field).ToList();

    [Fact]
    public void Validate_ValidRequest_NormalizesLanguageAndCategory()
    {
        var request = ValidRequest();
        request.Category = " Billing ";
        request.Complainant.PreferredLanguage = "ko-kr";

        var valid = ComplaintValidation.Validate(request, Categories, Today);

        Assert.Equal("billing", valid.Category.Id);
        Assert.Equal("ko-KR", valid.Contact.Language);
        Assert.Equal("+821012345678", valid.Contact.Phone);
    }

    [Fact]
    public void Validate_MissingRequiredFields_NamesEachField()
    {
        var fields = FieldsOf(new SubmitComplaintRequest());

        Assert.Equal(["idempotencyKey", "channel", "complainant", "category", "subject", "description"], fields);
    }

    [Fact]
    public void Validate_MissingComplainantFields_NamesNestedFields()
    {
        var request = ValidRequest();
        request.Complainant = new Complainant();

        Assert.Equal(["complainant.name", "complainant.email"], FieldsOf(request));
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("a@b")]
    [InlineData("two@@example.com")]
    [InlineData("Mina <mina@example.com>")]
    public void Validate_InvalidEmail_NamesEmail(string email)
    {
        var request = ValidRequest();
        request.Complainant.Email = email;

        Assert.Equal(["complainant.email"], FieldsOf(request));
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("+0123456789")]
    [InlineData("+82 10 abcd")]
    public void Validate_InvalidPhone_NamesPhone(string phone)
    {
        var request = ValidRequest();
        request.Complainant.Phone = phone;

        Assert.Equal(["complainant.phone"], FieldsOf(request));
    }

    [Theory]
    [InlineData("klingon-xx-yy-zz")]
    [InlineData("e")]
    [InlineData("en_GB")]
    public void Validate_InvalidLanguage_NamesPreferredLanguage(string language)
    {
        var request = ValidRequest();
        request.Complainant.PreferredLanguage = language;

        Assert.Equal(["complainant.preferredLanguage"], FieldsOf(request));
    }

    [Fact]
    public void Validate_UnknownCategory_ListsAllowedCategories()
    {
        var request = ValidRequest();
        request.Category = "weather";

        var error = Assert.Throws<ValidationException>(() => ComplaintValidation.Validate(request, Categories, Today));

        Assert.Equal("category", Assert.Single(error.Violations).Field);
        Assert.Contains("billing, service, product, conduct, privacy, other", error.Message);
    }

    [Fact]
    public void Validate_UndefinedEnumValues_NamesChannelAndJurisdiction()
    {
        var request = ValidRequest();
        request.Channel = (Channel)99;
        request.Jurisdiction = (Jurisdiction)42;

        Assert.Equal(["channel", "jurisdiction"], FieldsOf(request));
    }

    [Fact]
    public void Validate_TextAtLimits_IsAccepted()
    {
        var request = ValidRequest();
        request.Subject = new string('s', ComplaintValidation.SubjectMax);
        request.Description = new string('d', ComplaintValidation.DescriptionMax);
        request.RemedySought = new string('r', ComplaintValidation.RemedySoughtMax);

        var valid = ComplaintValidation.Validate(request, Categories, Today);

        Assert.Equal(ComplaintValidation.DescriptionMax, valid.Description.Length);
    }

    [Fact]
    public void Validate_TextOverLimits_NamesEachField()
    {
        var request = ValidRequest();
        request.Subject = new string('s', ComplaintValidation.SubjectMax + 1);
        request.Description = new string('d', ComplaintValidation.DescriptionMax + 1);
        request.RemedySought = new string('r', ComplaintValidation.RemedySoughtMax + 1);

        Assert.Equal(["subject", "description", "remedySought"], FieldsOf(request));
    }

    [Fact]
    public void Validate_LimitsCountCharactersNotBytes_KoreanAndEmojiFit()
    {
        var request = ValidRequest();
        request.Subject = string.Concat(Enumerable.Repeat("한", 200));
        request.Description = string.Concat(Enumerable.Repeat("👍🏽", 100));

        var valid = ComplaintValidation.Validate(request, Categories, Today);

        Assert.Equal(request.Subject, valid.Subject);
    }

    [Fact]
    public void Validate_ControlCharacters_RefusedExceptNewlineAndTab()
    {
        var ok = ValidRequest();
        ok.Description = "line one\nline two\tindented\r\n";
        ok.Subject = "Charged\ttwice\nfor one order";
        var valid = ComplaintValidation.Validate(ok, Categories, Today);
        Assert.Equal(ok.Description, valid.Description);
        Assert.Equal(ok.Subject, valid.Subject);

        var bad = ValidRequest();
        bad.Description = "bell\u0007";
        bad.Subject = "escape\u001b[31m";
        Assert.Equal(["subject", "description"], FieldsOf(bad));
    }

    [Fact]
    public void Validate_DecomposedText_IsNormalizedToNfc()
    {
        var request = ValidRequest();
        request.Subject = "Cafe\u0301";

        var valid = ComplaintValidation.Validate(request, Categories, Today);

        Assert.Equal("Caf\u00e9", valid.Subject);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("slash/key")]
    public void Validate_BadIdempotencyKey_NamesKey(string key)
    {
        Assert.Equal(["idempotencyKey"], FieldsOf(ValidRequest(key)));
    }
}
