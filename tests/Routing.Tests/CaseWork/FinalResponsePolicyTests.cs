using Complaints.Common.V1;
using Complaints.Routing.Domain;

namespace Complaints.Routing.Tests.CaseWork;

public sealed class FinalResponsePolicyTests
{
    private static readonly FinalResponsePolicy Policy = FinalResponsePolicy.Load(Path.Combine(AppContext.BaseDirectory, "Policies", "final-response.json"));

    [Fact]
    public void Missing_UkFcaFullResponseWithoutSixMonths_NamesOnlyThatStatement()
    {
        var missing = Policy.Missing(Jurisdiction.UkFca, summary: false, "en", "You may refer this to the FINANCIAL OMBUDSMAN SERVICE.");

        Assert.Equal(["fos_six_months"], missing.Select(m => m.Code));
    }

    [Fact]
    public void Missing_UkFcaSummaryResolution_OnlyOmbudsmanRightsRequired()
    {
        var missing = Policy.Missing(Jurisdiction.UkFca, summary: true, "en", "You may refer this to the Financial Ombudsman Service.");

        Assert.Empty(missing);
    }

    [Fact]
    public void Missing_KoreanWording_Recognised()
    {
        var wording = string.Join(" ", Policy.Required(Jurisdiction.UkFca, false, "ko").Select(r => r.StandardWording));

        Assert.Empty(Policy.Missing(Jurisdiction.UkFca, false, "ko", wording));
        Assert.Contains("6개월", wording);
    }

    [Fact]
    public void Required_NoJurisdiction_Nothing()
    {
        Assert.Empty(Policy.Required(Jurisdiction.Unspecified, false, "en"));
    }

    [Fact]
    public void Load_UnknownStatement_ErrorNamesIt()
    {
        using var folder = new TempFolder();
        var path = folder.File("policy.json");
        File.WriteAllText(path, """{"jurisdictions":{"JURISDICTION_UK_FCA":{"full":["nope"]}},"statements":{}}""");

        var error = Assert.Throws<InvalidOperationException>(() => FinalResponsePolicy.Load(path));

        Assert.Contains("jurisdictions.JURISDICTION_UK_FCA", error.Message);
        Assert.Contains("nope", error.Message);
    }
}
