using Complaints.Intake.V1;
using Complaints.Routing.Directory;
using Complaints.Routing.V1;

namespace Complaints.Routing.Tests.Directory;

/// <summary>The shipped policy (Policies/triage.json, copied to the output) and the loader's checks.</summary>
public sealed class TriageTests : IDisposable
{
    private static readonly Triage Shipped = Triage.Load(Path.Combine(AppContext.BaseDirectory, "Policies", "triage.json"));
    private readonly TempFolder _folder = new("triage-tests");

    private static Data.Case Case(string category = "service", decimal? amount = null, string? currency = null, ComplainantKind kind = ComplainantKind.Customer)
    {
        var c = DirectoryTestKit.NewCase(category: category, kind: kind);
        c.AmountInDispute = amount;
        c.Currency = currency;
        return c;
    }

    [Fact]
    public void Assess_PlainComplaint_Low()
    {
        Assert.Equal(Severity.Low, Shipped.Assess(Case(), "The app was slow yesterday."));
    }

    [Fact]
    public void Assess_NoText_UsesOtherFactors()
    {
        Assert.Equal(Severity.Low, Shipped.Assess(Case(), null));
        Assert.Equal(Severity.Medium, Shipped.Assess(Case(category: "privacy"), null));
    }

    [Theory]
    [InlineData("service", Severity.Low)]
    [InlineData("conduct", Severity.Medium)]
    [InlineData("privacy", Severity.Medium)]
    [InlineData("unknown-category", Severity.Low)]
    public void Assess_Category_WeightApplies(string category, Severity expected)
    {
        Assert.Equal(expected, Shipped.Assess(Case(category: category), "Please look into this."));
    }

    [Theory]
    [InlineData("100", "GBP", Severity.Low)]
    [InlineData("6000", "GBP", Severity.Medium)]
    [InlineData("60000", "EUR", Severity.High)]
    [InlineData("6000", "KRW", Severity.Low)]
    [InlineData("8000000", "KRW", Severity.Medium)]
    [InlineData("6000", null, Severity.Medium)]
    public void Assess_AmountInDispute_PerCurrencyThresholds(string amount, string? currency, Severity expected)
    {
        var c = Case(amount: decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), currency: currency);

        Assert.Equal(expected, Shipped.Assess(c, "Refund please."));
    }

    [Fact]
    public void Assess_ComplainantKind_AddsItsPoints()
    {
        // billing (1) + member (1) reaches medium; a customer with the same complaint stays low.
        Assert.Equal(Severity.Medium, Shipped.Assess(Case(category: "billing", kind: ComplainantKind.Member), "Wrong fee."));
        Assert.Equal(Severity.Low, Shipped.Assess(Case(category: "billing", kind: ComplainantKind.Customer), "Wrong fee."));
    }

    [Theory]
    [InlineData("I was a victim of FRAUD on my account.", Severity.High)]
    [InlineData("This looks fraudulent to me.", Severity.High)]
    [InlineData("The heater is unsafe and caught fire.", Severity.High)]
    [InlineData("After this I thought about suicide.", Severity.Critical)]
    [InlineData("My husband died; I am dealing with a bereavement.", Severity.Medium)]
    public void Assess_EnglishKeywords_RaiseSeverity(string text, Severity expected)
    {
        Assert.Equal(expected, Shipped.Assess(Case(), text));
    }

    [Theory]
    [InlineData("누군가 제 계좌로 사기를 쳤습니다.", Severity.High)]
    [InlineData("제품이 매우 위험합니다.", Severity.High)]
    [InlineData("너무 힘들어서 자살까지 생각했습니다.", Severity.Critical)]
    [InlineData("배우자와 사별한 후 연락을 받지 못했습니다.", Severity.Medium)]
    public void Assess_KoreanKeywords_MatchInsideWords(string text, Severity expected)
    {
        Assert.Equal(expected, Shipped.Assess(Case(), text));
    }

    [Fact]
    public void Assess_KoreanDecomposedHangul_MatchesAfterNfc()
    {
        var decomposed = "사기를 당했습니다".Normalize(System.Text.NormalizationForm.FormD);
        Assert.NotEqual("사기를 당했습니다", decomposed);

        Assert.Equal(Severity.High, Shipped.Assess(Case(), decomposed));
    }

    [Theory]
    [InlineData("Това е ИЗМАМА!", Severity.High)]
    [InlineData("Станах жертва на измамата с картата.", Severity.High)]
    [InlineData("Уредът е опасно нагорещен.", Severity.High)]
    [InlineData("Аз съм уязвим клиент.", Severity.Medium)]
    public void Assess_BulgarianKeywords_CaseFoldedAndInflected(string text, Severity expected)
    {
        Assert.Equal(expected, Shipped.Assess(Case(), text));
    }

    [Theory]
    [InlineData("They fired me from the loyalty scheme.")]
    [InlineData("Firewall settings on the website.")]
    [InlineData("A bonfire festival ticket.")]
    public void Assess_KeywordInsideAnotherWord_NoMatch(string text)
    {
        Assert.Equal(Severity.Low, Shipped.Assess(Case(), text));
    }

    [Fact]
    public void Assess_CombinedFactors_AddUp()
    {
        // conduct (2) + 5,000+ GBP (2) + vulnerability (2) = 6: high without any minimum.
        var result = Shipped.Explain(Case(category: "conduct", amount: 5000m, currency: "GBP"), "I am a vulnerable customer.");

        Assert.Equal(Severity.High, result.Severity);
        Assert.Equal(6, result.Points);
        Assert.Equal((2, 2, 0), (result.CategoryPoints, result.AmountPoints, result.ComplainantKindPoints));
        Assert.Equal(["vulnerability"], result.KeywordGroups);
    }

    [Fact]
    public void Assess_CombinedFactors_ReachCritical()
    {
        var c = Case(category: "privacy", amount: 60000m, currency: "EUR");

        Assert.Equal(Severity.Critical, Shipped.Assess(c, "Fraud on my account."));
    }

    [Fact]
    public void Load_BadLevels_NamesTheField()
    {
        var path = Write("""{ "levels": { "medium": 3, "high": 2, "critical": 5 } }""");

        var error = Assert.Throws<InvalidOperationException>(() => Triage.Load(path));

        Assert.Contains("levels.high must be greater than levels.medium", error.Message);
    }

    [Fact]
    public void Load_UnknownSeverityAndKind_NamesEachField()
    {
        var path = Write("""
            {
              "levels": { "medium": 1, "high": 2, "critical": 3 },
              "complainantKinds": { "COMPLAINANT_KIND_ROBOT": 1 },
              "amounts": { "default": [ { "atLeast": 0, "points": 1 } ], "byCurrency": { "eur": [] } },
              "keywordGroups": [ { "name": "x", "points": 1, "minimum": "SEVERE", "terms": { "en": [ "ok", " " ] } } ]
            }
            """);

        var error = Assert.Throws<InvalidOperationException>(() => Triage.Load(path));

        Assert.Contains("complainantKinds.COMPLAINANT_KIND_ROBOT", error.Message);
        Assert.Contains("amounts.default[0].atLeast", error.Message);
        Assert.Contains("amounts.byCurrency.eur", error.Message);
        Assert.Contains("keywordGroups[0].minimum", error.Message);
        Assert.Contains("keywordGroups[0].terms.en[1]", error.Message);
    }

    [Fact]
    public void Load_MissingFile_NamesTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Triage.Load(_folder.File("none.json")));

        Assert.Contains("Routing:TriagePolicyPath", error.Message);
    }

    private string Write(string json)
    {
        var path = _folder.File(Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        return path;
    }

    public void Dispose() => _folder.Dispose();
}
