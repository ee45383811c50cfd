using Complaints.Insights.Domain;
using Complaints.Insights.V1;
using Complaints.Intake.V1;
using Microsoft.EntityFrameworkCore;
using static Complaints.Insights.Tests.Events;

namespace Complaints.Insights.Tests;

public sealed class TokenizerTests
{
    [Fact]
    public void Terms_English_LowerCaseStopWordsRedactionsAndNumbersDropped()
    {
        var terms = Tokenizer.Terms("I was charged TWICE by the bank on XX/XX/2024 for {$25.00}; the bank's fee isn't fair. XXXX");

        Assert.Equal(["charged", "twice", "bank", "bank's", "fee", "isn't", "fair"], terms);
    }

    [Fact]
    public void Terms_Korean_ParticlesStrippedStopWordsDropped()
    {
        // 카드가 → 카드, 결제를 → 결제, 환불은 → 환불; 그리고 and 너무 are stop words; 두 is a single syllable.
        var terms = Tokenizer.Terms("카드가 두 번 결제를 했습니다. 그리고 환불은 너무 늦습니다");

        Assert.Equal(["카드", "결제", "환불", "늦습니다"], terms);
    }

    [Fact]
    public void Terms_Bulgarian_LowerCaseStopWordsDropped()
    {
        var terms = Tokenizer.Terms("Картата ми беше блокирана и таксата за превод е твърде висока");

        Assert.Equal(["картата", "блокирана", "таксата", "превод", "твърде", "висока"], terms);
    }

    [Fact]
    public void Terms_MixedScriptsAndRepeats_EachTermOncePerDocument()
    {
        var terms = Tokenizer.Terms("Zelle zelle ZELLE 송금 송금이 превод");

        Assert.Equal(["zelle", "송금", "превод"], terms);
    }

    [Fact]
    public void Terms_NullOrPunctuation_Empty()
    {
        Assert.Empty(Tokenizer.Terms(null));
        Assert.Empty(Tokenizer.Terms(" ... !!! 123 45-67 "));
    }
}

public sealed class SpikeTestTests
{
    private static readonly DetectorOptions Defaults = new();

    [Fact]
    public void Evaluate_SteadyBaselineAndSpike_HandComputedZ()
    {
        // Baseline 28 days alternating 2 and 4: mean 3, sample variance 28/27 = 1.037 < mean, so sd = √3 = 1.732;
        // 11 observed: z = 8 / 1.732 = 4.62 ≥ 4.5, 11 ≥ 5 and 11 ≥ 2 × 3: fires. 10 gives z = 4.04: no.
        var baseline = Enumerable.Range(0, 28).Select(i => i % 2 == 0 ? 2L : 4L).ToList();

        var score = SpikeTest.Evaluate(baseline, 11, Defaults);

        Assert.True(score.Fires);
        Assert.Equal(3, score.Mean, 6);
        Assert.Equal(4.62, score.ZScore, 2);
        Assert.False(SpikeTest.Evaluate(baseline, 10, Defaults).Fires);
    }

    [Fact]
    public void Evaluate_NewTermBelowMinCount_DoesNotFire()
    {
        var zeros = Enumerable.Repeat(0L, 28).ToList();

        Assert.False(SpikeTest.Evaluate(zeros, 4, Defaults).Fires);
        Assert.True(SpikeTest.Evaluate(zeros, 5, Defaults).Fires);
    }

    [Fact]
    public void Evaluate_LargeSteadyVolume_RatioFloorHolds()
    {
        // Mean 100 with no variance: sd = 10; 145 gives z = 4.5 but is under 2 × the mean: no signal.
        var steady = Enumerable.Repeat(100L, 28).ToList();

        Assert.False(SpikeTest.Evaluate(steady, 145, Defaults).Fires);
    }
}

/// <summary>
/// Billing receives one complaint a day for 20 days ("card payment declined"), then on day 20 eight complaints that
/// all say "zelle": the category (baseline 1, sd 1, z ≥ 4.5) fires from its 6th complaint of the day, "zelle"
/// (baseline 0, sd 1, minimum 5) from its 5th.
/// </summary>
public sealed class EmergingIssueTests : IDisposable
{
    private readonly Pipeline _p = new();

    public void Dispose() => _p.Dispose();

    private static ComplaintReceived[] SpikeEvents(FakeTexts texts)
    {
        var events = new List<ComplaintReceived>();
        for (var day = 0; day < 20; day++)
        {
            texts.Texts["base" + day] = "My card payment was declined";
            events.Add(Received("base" + day, "billing", day: day));
        }
        for (var i = 1; i <= 8; i++)
        {
            texts.Texts["spike" + i] = "Money sent by Zelle never arrived";
            events.Add(Received("spike" + i, "billing", day: 20, hours: 8 + i));
        }
        return [.. events];
    }

    private Task SpikeAsync() => _p.FeedAsync(SpikeEvents(_p.Texts));

    [Fact]
    public async Task Detector_SpikeInOneBatch_SameSignalsAsOneByOne()
    {
        await SpikeAsync();
        var oneByOne = await IssuesAsync();
        using var batched = new Pipeline();

        // An import arrives as one burst: the subscriber applies it in one transaction.
        await batched.FeedBatchAsync(SpikeEvents(batched.Texts));

        var inBatch = await batched.QueryAsync(db => new TermQueries(db).EmergingAsync(new GetEmergingIssuesRequest { From = Date(0), To = Date(30) }, CancellationToken.None));
        // The category, and the four words every spike complaint uses: money, sent, zelle, arrived.
        Assert.Equal(["", "arrived", "money", "sent", "zelle"], oneByOne.Issues.Select(i => i.Term).Order(StringComparer.Ordinal));
        Assert.Equal(oneByOne.Issues.Select(Describe), inBatch.Issues.Select(Describe));
    }

    private static string Describe(EmergingIssue i) => $"{i.Kind}/{i.Category}/{i.Term}/{i.Since}/{i.Observed}/{i.Baseline}/{i.ZScore}/{string.Join(",", i.ExampleReferences)}";

    private Task<GetEmergingIssuesResponse> IssuesAsync() =>
        _p.QueryAsync(db => new TermQueries(db).EmergingAsync(new GetEmergingIssuesRequest { From = Date(0), To = Date(30) }, CancellationToken.None));

    [Fact]
    public async Task Detector_TermAndCategorySpike_SignalsWithSinceSizeAndExamples()
    {
        await SpikeAsync();

        var issues = await IssuesAsync();

        var category = Assert.Single(issues.Issues, i => i.Kind == Detector.CategoryKind);
        Assert.Equal(("billing", Date(20), 8L, 1.0), (category.Category, category.Since, category.Observed, category.Baseline));
        Assert.Equal(7.0, category.ZScore);
        Assert.Equal([Reference("spike6"), Reference("spike7"), Reference("spike8")], category.ExampleReferences);
        var zelle = Assert.Single(issues.Issues, i => i.Term == "zelle");
        Assert.Equal(("complaint", "billing", Date(20), 8L, 0.0, 8.0), (zelle.Source, zelle.Category, zelle.Since, zelle.Observed, zelle.Baseline, zelle.ZScore));
        Assert.Equal([Reference("spike5"), Reference("spike6"), Reference("spike7"), Reference("spike8")], zelle.ExampleReferences);
        Assert.Equal(["arrived", "money", "sent"], zelle.RelatedTerms);
        Assert.Empty(category.RelatedTerms);
        // "card", "payment" and "declined" stayed at their baseline.
        Assert.DoesNotContain(issues.Issues, i => i.Term is "card" or "payment" or "declined");
    }

    [Fact]
    public async Task Detector_BeforeWarmUp_NoSignal()
    {
        for (var i = 0; i < 8; i++)
        {
            _p.Texts.Texts["w" + i] = "Zelle";
            await _p.FeedAsync(Received("w" + i, "billing", day: 3));
        }

        Assert.Empty((await IssuesAsync()).Issues);
    }

    [Fact]
    public async Task GetTopTerms_AfterSpike_DocumentCountsPerTerm()
    {
        await SpikeAsync();

        var top = await _p.QueryAsync(db => new TermQueries(db).TopTermsAsync(new GetTopTermsRequest { From = Date(20), To = Date(20), Limit = 3 }, CancellationToken.None));

        Assert.Equal([("arrived", 8L), ("money", 8L), ("sent", 8L)], top.Terms.Select(t => (t.Term, t.Count)));
    }

    [Fact]
    public async Task GetTopTerms_RareTerm_NotShown()
    {
        // "quillonby" is in 2 complaints, "declined" in 3: only terms of at least 3 documents are listed.
        for (var i = 0; i < 3; i++)
        {
            _p.Texts.Texts["r" + i] = i < 2 ? "Agent Quillonby declined" : "Payment declined";
            await _p.FeedAsync(Received("r" + i, "billing"));
        }

        var top = await _p.QueryAsync(db => new TermQueries(db).TopTermsAsync(new GetTopTermsRequest { From = Date(0), To = Date(0) }, CancellationToken.None));

        Assert.Equal([("declined", 3L)], top.Terms.Select(t => (t.Term, t.Count)));
    }

    [Fact]
    public async Task ComplainantErased_InTheSameBatchAsItsComplaint_ReferenceNotKeptAsExample()
    {
        // The spike and the erasure of its latest complaint arrive together: the signal that names it as an example
        // is not saved yet when the erasure is applied.
        await _p.FeedBatchAsync([.. SpikeEvents(_p.Texts), new ComplainantErased { ComplaintId = "spike8", Reference = Reference("spike8") }]);

        var issues = await IssuesAsync();
        Assert.NotEmpty(issues.Issues);
        Assert.All(issues.Issues, i => Assert.DoesNotContain(Reference("spike8"), i.ExampleReferences));
    }

    [Fact]
    public async Task ComplainantErased_ExampleComplaint_ReferenceAndTermsDropped()
    {
        await SpikeAsync();

        await _p.FeedAsync(new ComplainantErased { ComplaintId = "spike6", Reference = Reference("spike6") });

        var issues = await IssuesAsync();
        Assert.All(issues.Issues, i => Assert.DoesNotContain(Reference("spike6"), i.ExampleReferences));
        Assert.Equal(3, Assert.Single(issues.Issues, i => i.Term == "zelle").ExampleReferences.Count);
        Assert.Equal(7, await _p.QueryAsync(db => db.TermCounts.Where(t => t.Term == "zelle").SumAsync(t => t.Count)));
        Assert.Equal(0, await _p.QueryAsync(db => db.ComplaintTerms.CountAsync(l => l.ComplaintId == "spike6")));
        // The statistics stay: 28 received.
        Assert.Equal(28, (await _p.QueryAsync(db => new MetricQueries(db).MetricsAsync(new GetMetricsRequest { From = Date(0), To = Date(30) }, CancellationToken.None))).Totals.Received);
    }
}

public sealed class PrivacyTests : IDisposable
{
    private readonly Pipeline _p = new();

    public void Dispose() => _p.Dispose();

    [Fact]
    public async Task Insights_ComplaintText_NeverStoredOnlyTermCounts()
    {
        const string text = "Marker sentence: Mrs Quillonby of 14 Larkspur Lane was overcharged";
        _p.Texts.Texts["p1"] = text;

        await _p.FeedAsync(Received("p1", "billing"));

        var stored = _p.Db.StoredText();
        Assert.DoesNotContain("Marker sentence", stored);
        Assert.DoesNotContain("Mrs Quillonby", stored);
        Assert.DoesNotContain("Larkspur Lane", stored);
        Assert.Contains("quillonby", stored);
    }

    [Fact]
    public async Task ComplainantErased_RareTerm_GoneFromTheFile()
    {
        _p.Texts.Texts["p1"] = "Overcharged by agent Quillonby";
        await _p.FeedAsync(Received("p1", "billing"));

        await _p.FeedAsync(new ComplainantErased { ComplaintId = "p1", Reference = Reference("p1") });

        // secure_delete overwrites the freed pages: the name is not left in the file.
        Assert.DoesNotContain("quillonby", _p.Db.StoredText());
        Assert.Equal(0, await _p.QueryAsync(db => db.TermCounts.CountAsync()));
    }
}
