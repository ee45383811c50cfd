using Complaints.Common.V1;
using Complaints.Intake.Domain;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Errors;

namespace Complaints.Intake.Tests;

/// <summary>Who complains, through which channel, about what: the rules beyond the foundation contract.</summary>
public class ChannelsAndKindsTests
{
    private static ValidSubmission Valid(SubmitComplaintRequest r, Taxonomy? taxonomy = null) =>
        ComplaintValidation.Validate(r, taxonomy ?? ValidationTests.Categories, ValidationTests.Today);

    private static IReadOnlyList<string> FieldsOf(SubmitComplaintRequest r) =>
        Assert.Throws<ValidationException>(() => Valid(r)).Violations.Select(v => v.Field).ToList();

    [Fact]
    public void Validate_AnonymousWithoutComplainant_ValidWithoutContact()
    {
        var r = ValidationTests.ValidRequest();
        r.ComplainantKind = ComplainantKind.Anonymous;
        r.Complainant = new Complainant { PreferredLanguage = "bg" };

        var valid = Valid(r);

        Assert.False(valid.HasContact);
        Assert.Null(valid.Contact.Name);
        Assert.Null(valid.Contact.Email);
        Assert.Equal("bg", valid.Contact.Language);
    }

    [Fact]
    public void Validate_AnonymousWithIdentifyingData_NamesComplainant()
    {
        var r = ValidationTests.ValidRequest();
        r.ComplainantKind = ComplainantKind.Anonymous;

        Assert.Equal(["complainant"], FieldsOf(r));
    }

    [Fact]
    public void Validate_MemberWithoutNumber_NamesMemberNumber()
    {
        var r = ValidationTests.ValidRequest();
        r.ComplainantKind = ComplainantKind.Member;

        Assert.Equal(["complainant.memberNumber"], FieldsOf(r));
        r.Complainant.MemberNumber = "M-10442";
        Assert.Equal("M-10442", Valid(r).Contact.MemberNumber);
    }

    [Fact]
    public void Validate_PhoneOnlyComplainant_ValidWithContact()
    {
        var r = ValidationTests.ValidRequest();
        r.Channel = Channel.Phone;
        r.Complainant.Email = "";

        var valid = Valid(r);

        Assert.True(valid.HasContact);
        Assert.Null(valid.Contact.Email);
        Assert.Equal("+821012345678", valid.Contact.Phone);
    }

    [Fact]
    public void Validate_RepresentativeChannelWithoutRepresentative_NamesRepresentative()
    {
        var r = ValidationTests.ValidRequest();
        r.Channel = Channel.Representative;

        Assert.Equal(["representative"], FieldsOf(r));
    }

    [Fact]
    public void Validate_RepresentativeWithoutAuthorityOrContact_NamesEachField()
    {
        var r = ValidationTests.ValidRequest();
        r.Channel = Channel.Representative;
        r.Representative = new Representative { Name = "Members' committee" };

        Assert.Equal(["representative.authority", "representative.email"], FieldsOf(r));
    }

    [Fact]
    public void Validate_CompleteRepresentative_Kept()
    {
        var r = ValidationTests.ValidRequest();
        r.Channel = Channel.Representative;
        r.Representative = new Representative
        {
            Name = "Jane Roe",
            Organisation = "Members' committee",
            Email = "committee@example.org",
            Authority = "Committee resolution 12/2026",
        };

        var rep = Assert.IsType<ValidRepresentative>(Valid(r).Representative);

        Assert.Equal("Committee resolution 12/2026", rep.Authority);
        Assert.Equal("committee@example.org", rep.Email);
    }

    [Theory]
    [InlineData("double-charge", "double-charge")]
    [InlineData("Charged twice", "double-charge")]
    public void Validate_SubcategoryByIdOrLabel_StoredAsId(string given, string expected)
    {
        var r = ValidationTests.ValidRequest();
        r.Subcategory = given;

        Assert.Equal(expected, Valid(r).Subcategory);
    }

    [Fact]
    public void Validate_SubcategoryOfAnotherCategory_NamesSubcategory()
    {
        var r = ValidationTests.ValidRequest();
        r.Subcategory = "data-breach";

        var error = Assert.Throws<ValidationException>(() => Valid(r));

        Assert.Equal("subcategory", Assert.Single(error.Violations).Field);
        Assert.Contains("double-charge", error.Message);
    }

    [Fact]
    public void Taxonomy_Default_MapsEveryCategoryToRegulatorProducts()
    {
        var taxonomy = Taxonomy.Load("default");

        Assert.Equal(["billing", "service", "product", "conduct", "privacy", "other"], taxonomy.Categories.Select(c => c.Id));
        Assert.All(taxonomy.Categories, c =>
        {
            Assert.False(string.IsNullOrWhiteSpace(c.FcaProductGroup));
            Assert.False(string.IsNullOrWhiteSpace(c.CfpbProduct));
        });
    }

    [Fact]
    public void Taxonomy_Cfpb_AcceptsProductAndIssueLabels()
    {
        var cfpb = Taxonomy.Load("cfpb");
        var r = ValidationTests.ValidRequest();
        r.Category = "Checking or savings account";
        r.Subcategory = "Managing an account";

        var valid = Valid(r, cfpb);

        Assert.Equal("checking-or-savings-account", valid.Category.Id);
        Assert.Equal("managing-an-account", valid.Subcategory);
        Assert.Equal("Checking or savings account", valid.Category.CfpbProduct);
    }

    [Theory]
    [InlineData("2026-11-23", true)]
    [InlineData("2019-02-28", true)]
    [InlineData("2026-11-30", false)]
    [InlineData("23/11/2026", false)]
    [InlineData("2026-02-30", false)]
    public void Validate_EventDate_MustBeARealPastDate(string date, bool ok)
    {
        var r = ValidationTests.ValidRequest();
        r.EventDate = date;

        if (ok)
        {
            Assert.Equal(DateOnly.ParseExact(date, "yyyy-MM-dd"), Valid(r).EventDate);
        }
        else
        {
            Assert.Equal(["eventDate"], FieldsOf(r));
        }
    }

    [Theory]
    [InlineData("1234.50", "gbp", null)]
    [InlineData("150000", "KRW", null)]
    [InlineData("12.345", "GBP", "amountInDispute.amount")]
    [InlineData("10.5", "KRW", "amountInDispute.amount")]
    [InlineData("-5", "EUR", "amountInDispute.amount")]
    [InlineData("1,000", "USD", "amountInDispute.amount")]
    [InlineData("10", "ZZZ", "amountInDispute.currency")]
    [InlineData("10", "", "amountInDispute.currency")]
    public void Validate_AmountInDispute_DecimalWithIsoCurrency(string amount, string currency, string? badField)
    {
        var r = ValidationTests.ValidRequest();
        r.AmountInDispute = new Money { Amount = amount, Currency = currency };

        if (badField is null)
        {
            var valid = Valid(r);
            Assert.Equal(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), valid.Amount);
            Assert.Equal(currency.ToUpperInvariant(), valid.Currency);
        }
        else
        {
            Assert.Equal([badField], FieldsOf(r));
        }
    }

    [Theory]
    [InlineData("Asia/Seoul", true)]
    [InlineData("Europe/Sofia", true)]
    [InlineData("UTC", true)]
    [InlineData("Mars/Olympus_Mons", false)]
    [InlineData("PST", false)]
    public void Validate_TimeZone_MustBeIana(string zone, bool ok)
    {
        var r = ValidationTests.ValidRequest();
        r.Complainant.TimeZone = zone;

        if (ok)
        {
            Assert.Equal(zone, Valid(r).Contact.TimeZone);
        }
        else
        {
            Assert.Equal(["complainant.timeZone"], FieldsOf(r));
        }
    }
}
