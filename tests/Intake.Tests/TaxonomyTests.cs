using System.Net;
using System.Text.Json;
using Complaints.Common.V1;
using Complaints.Intake.Domain;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Auth;
using Complaints.TestSupport;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Tests;

/// <summary>Intake with a default jurisdiction and its own attachment limits, so GetTaxonomy's answer is not the defaults.</summary>
public sealed class ConfiguredTaxonomyFixture : IDisposable
{
    public IntakeFactory Factory { get; } = new(new Dictionary<string, string?>
    {
        ["Intake:DefaultJurisdiction"] = "JURISDICTION_UK_FCA",
        ["Intake:MaxAttachmentsPerSubmission"] = "3",
        ["Intake:MaxAttachmentsPerComplaint"] = "7",
        ["Intake:MaxAttachmentBytes"] = "2097152",
    });

    public void Dispose() => Factory.Dispose();
}

/// <summary>GetTaxonomy: the configured categories with labels in the caller's language, the default jurisdiction and the limits.</summary>
public sealed class TaxonomyTests(ConfiguredTaxonomyFixture fixture) : IClassFixture<ConfiguredTaxonomyFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;

    private static readonly Taxonomy Default = Taxonomy.Load("default");

    [Fact]
    public void Taxonomy_Default_EveryCategoryAndSubcategoryLabelledInKoreanAndBulgarian()
    {
        var entries = Default.Categories.Select(c => (c.Id, c.Labels)).Concat(Default.Categories.SelectMany(c => c.Subcategories.Select(s => (s.Id, s.Labels)))).ToList();

        Assert.Equal(23, entries.Count);
        Assert.All(entries, e =>
        {
            Assert.NotNull(e.Labels);
            Assert.Equal(["bg", "ko"], e.Labels.Keys.Order());
            Assert.All(e.Labels.Values, l => Assert.False(string.IsNullOrWhiteSpace(l)));
        });
        Assert.Contains(entries, e => e.Labels!["ko"].Any(c => c is >= '\uAC00' and <= '\uD7A3'));
        Assert.Contains(entries, e => e.Labels!["bg"].Any(c => c is >= '\u0400' and <= '\u04FF'));
    }

    [Fact]
    public async Task GetTaxonomy_Korean_CodesWithKoreanLabels()
    {
        var taxonomy = await _intake.Public().GetTaxonomyAsync(new GetTaxonomyRequest { Language = "ko" });

        Assert.Equal("default", taxonomy.Name);
        Assert.Equal("ko", taxonomy.Language);
        Assert.Equal(["billing", "service", "product", "conduct", "privacy", "other"], taxonomy.Categories.Select(c => c.Code));
        var billing = taxonomy.Categories[0];
        Assert.Equal("청구, 요금 및 결제", billing.Label);
        Assert.Equal(["double-charge", "unexpected-fee", "refund", "payment-not-applied"], billing.Subcategories.Select(s => s.Code));
        Assert.Equal("이중 청구", billing.Subcategories[0].Label);
        Assert.Empty(taxonomy.Categories.Single(c => c.Code == "other").Subcategories);
    }

    [Theory]
    [InlineData("bg-BG", "bg", "Сметки, такси и плащания")]
    [InlineData("BG", "bg", "Сметки, такси и плащания")]
    [InlineData("en-GB", "en", "Billing, charges and payments")]
    [InlineData("fr", "en", "Billing, charges and payments")]
    [InlineData("", "en", "Billing, charges and payments")]
    public async Task GetTaxonomy_Language_ItsLabelsOrItsPrimaryLanguagesOrEnglish(string requested, string language, string billing)
    {
        var taxonomy = await _intake.Public().GetTaxonomyAsync(new GetTaxonomyRequest { Language = requested });

        Assert.Equal(language, taxonomy.Language);
        Assert.Equal(billing, taxonomy.Categories[0].Label);
    }

    [Fact]
    public async Task GetTaxonomy_NotALanguageTag_InvalidArgumentNamingLanguage()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _intake.Public().GetTaxonomyAsync(new GetTaxonomyRequest { Language = "<ko>" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(["language"], ValidationTests.FieldViolations(error));
    }

    [Fact]
    public async Task GetTaxonomy_Configured_DefaultJurisdictionAndAttachmentLimits()
    {
        var taxonomy = await _intake.Public().GetTaxonomyAsync(new GetTaxonomyRequest());

        Assert.Equal(Jurisdiction.UkFca, taxonomy.DefaultJurisdiction);
        Assert.Equal(3, taxonomy.AttachmentLimits.MaxPerSubmission);
        Assert.Equal(7, taxonomy.AttachmentLimits.MaxPerComplaint);
        Assert.Equal(2 * 1024 * 1024, taxonomy.AttachmentLimits.MaxBytesPerFile);
        Assert.Equal(["application/pdf", "image/png", "image/jpeg", "image/gif",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/plain"], taxonomy.AttachmentLimits.AcceptedContentTypes);
    }

    [Fact]
    public async Task GetTaxonomy_Rest_GetWithTheLanguageInTheQuery()
    {
        using var client = _intake.CreateClient();

        using var response = await client.GetAsync("/api/v1/taxonomy?language=bg");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal("bg", root.GetProperty("language").GetString());
        Assert.Equal("JURISDICTION_UK_FCA", root.GetProperty("defaultJurisdiction").GetString());
        Assert.Equal(3, root.GetProperty("attachmentLimits").GetProperty("maxPerSubmission").GetInt32());
        Assert.Equal(2097152, root.GetProperty("attachmentLimits").GetProperty("maxBytesPerFile").GetInt64());
        var privacy = root.GetProperty("categories").EnumerateArray().Single(c => c.GetProperty("code").GetString() == "privacy");
        Assert.Equal("Поверителност и защита на данните", privacy.GetProperty("label").GetString());
        Assert.Equal("data-breach", privacy.GetProperty("subcategories")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task GetTaxonomy_StaffToken_Answered()
    {
        var staff = new IntakeService.IntakeServiceClient(_intake.Channel(_intake.Token("agent-taxonomy", Roles.Agent)));

        var taxonomy = await staff.GetTaxonomyAsync(new GetTaxonomyRequest { Language = "ko" });

        Assert.Equal("ko", taxonomy.Language);
    }

    [Fact]
    public async Task GetTaxonomy_PartnerWithSubmitScope_Answered()
    {
        var taxonomy = await _intake.Partner("crm-taxonomy", PartnerScopes.Submit).GetTaxonomyAsync(new GetTaxonomyRequest());

        Assert.Equal(6, taxonomy.Categories.Count);
    }

    [Fact]
    public async Task GetTaxonomy_PartnerWithoutSubmitScope_PermissionDenied()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _intake.Partner("crm-taxonomy-read", PartnerScopes.Read).GetTaxonomyAsync(new GetTaxonomyRequest()).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task GetTaxonomy_TokenThatDoesNotValidate_Unauthenticated()
    {
        var forged = new IntakeService.IntakeServiceClient(_intake.Channel(_intake.Token("agent-taxonomy", Roles.Agent)[..^4] + "AAAA"));

        var error = await Assert.ThrowsAsync<RpcException>(() => forged.GetTaxonomyAsync(new GetTaxonomyRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task SubmitComplaint_CategoryByItsKoreanLabel_StoredAsItsCode()
    {
        var request = ValidationTests.ValidRequest();
        request.Category = "개인정보 및 데이터 보호";
        request.Subcategory = "개인정보 유출";

        var submitted = await _intake.Public().SubmitComplaintAsync(request);

        var stored = await _intake.WithDb(db => db.Complaints.Where(c => c.Reference == submitted.Reference).Select(c => new { c.Category, c.Subcategory }).SingleAsync());
        Assert.Equal(("privacy", "data-breach"), (stored.Category, stored.Subcategory));
    }
}

/// <summary>Taxonomies other than the default: CFPB's (English only) and an organisation's own file with its own language.</summary>
public sealed class OtherTaxonomyTests
{
    [Fact]
    public async Task GetTaxonomy_CfpbInKorean_EnglishLabels()
    {
        using var intake = new IntakeFactory(new Dictionary<string, string?> { ["Intake:Taxonomy"] = "cfpb" });

        var taxonomy = await intake.Public().GetTaxonomyAsync(new GetTaxonomyRequest { Language = "ko" });

        Assert.Equal("en", taxonomy.Language);
        Assert.Equal(17, taxonomy.Categories.Count);
        Assert.Equal(("bank-account-or-service", "Bank account or service"), (taxonomy.Categories[0].Code, taxonomy.Categories[0].Label));
        Assert.Contains(taxonomy.Categories, c => c.Label == "Checking or savings account");
        Assert.Equal(Jurisdiction.Unspecified, taxonomy.DefaultJurisdiction);
        Assert.Equal(5, taxonomy.AttachmentLimits.MaxPerSubmission);
        Assert.Equal(25, taxonomy.AttachmentLimits.MaxPerComplaint);
        Assert.Equal(10 * 1024 * 1024, taxonomy.AttachmentLimits.MaxBytesPerFile);
    }

    [Fact]
    public async Task GetTaxonomy_OrganisationFileWithItsOwnLanguage_ItsLabelsAndEnglishWhereMissing()
    {
        using var folder = new TempFolder();
        var path = folder.File("taxonomy.json");
        await File.WriteAllTextAsync(path, """
            {
              "name": "acme",
              "categories": [
                {
                  "id": "delivery", "label": "Delivery", "fcaProductGroup": "Banking and credit cards", "cfpbProduct": "Checking or savings account",
                  "labels": { "fr": "Livraison", "de-CH": "Lieferig" },
                  "subcategories": [
                    { "id": "late", "label": "Late", "labels": { "fr": "En retard" } },
                    { "id": "damaged", "label": "Damaged" }
                  ]
                }
              ]
            }
            """);
        using var intake = new IntakeFactory(new Dictionary<string, string?> { ["Intake:Taxonomy"] = path });

        var french = await intake.Public().GetTaxonomyAsync(new GetTaxonomyRequest { Language = "fr-CA" });
        var swiss = await intake.Public().GetTaxonomyAsync(new GetTaxonomyRequest { Language = "de-CH" });

        Assert.Equal(("acme", "fr"), (french.Name, french.Language));
        Assert.Equal("Livraison", french.Categories[0].Label);
        Assert.Equal(["En retard", "Damaged"], french.Categories[0].Subcategories.Select(s => s.Label));
        Assert.Equal(("de-ch", "Lieferig"), (swiss.Language, swiss.Categories[0].Label));
    }

    [Fact]
    public void Load_LabelNotKeyedByALanguage_FailsNamingTheEntry()
    {
        using var folder = new TempFolder();
        var path = folder.File("bad.json");
        File.WriteAllText(path, """
            { "categories": [ { "id": "delivery", "label": "Delivery", "fcaProductGroup": "x", "cfpbProduct": "y",
              "subcategories": [ { "id": "late", "label": "Late", "labels": { "French": "En retard" } } ] } ] }
            """);

        var error = Assert.Throws<InvalidOperationException>(() => Taxonomy.Load(path));

        Assert.Contains("delivery/late has a label 'French'", error.Message);
    }
}
