using Complaints.Insights.Domain;
using Complaints.Insights.V1;
using static Complaints.Insights.Tests.Events;

namespace Complaints.Insights.Tests;

/// <summary>The returns over <see cref="MetricsTests.Scenario"/>, days 0-31, worked out by hand.</summary>
public sealed class ReturnsTests : IDisposable
{
    private readonly Pipeline _p = new();

    public void Dispose() => _p.Dispose();

    private Task<GetFcaReturnResponse> FcaAsync(int from, int to) =>
        _p.QueryAsync(db => new Returns(db, new MetricQueries(db)).FcaAsync(new GetFcaReturnRequest { From = Date(from), To = Date(to) }, CancellationToken.None));

    [Fact]
    public async Task GetFcaReturn_Scenario_ByProductGroupMatchesHandCount()
    {
        await _p.FeedAsync(MetricsTests.Scenario());

        var fca = await FcaAsync(0, 31);

        // Banking: a and b opened and closed (after 11 and 30 days: none within 3 days, both within 8 weeks), a upheld
        // with 100.50 GBP. Insurance: d opened, then merged: not closed, not outstanding. c and e have no FCA group.
        Assert.Equal(["Banking", "Insurance"], fca.Rows.Select(r => r.ProductGroup));
        var banking = fca.Rows[0];
        Assert.Equal((2L, 2L, 0L, 2L, 1L, 50.0, 0L), (banking.Opened, banking.Closed, banking.ClosedWithin3Days, banking.ClosedWithin8Weeks, banking.Upheld, banking.UpheldPercent, banking.Outstanding));
        Assert.Equal([("GBP", "100.50")], banking.RedressPaid.Select(m => (m.Currency, m.Amount)));
        var insurance = fca.Rows[1];
        Assert.Equal((1L, 0L, 0L), (insurance.Opened, insurance.Closed, insurance.Outstanding));
        Assert.Equal((3L, 2L, 1L, 2L), (fca.Total.Opened, fca.Total.Closed, fca.Total.Upheld, fca.Total.ClosedWithin8Weeks));
        Assert.Equal(
            "Product group,Outstanding at start,Opened,Closed,Closed within 3 days,Closed within 8 weeks,Upheld,Upheld %,Redress paid,Outstanding\n"
            + "Banking,0,2,2,0,2,1,50,100.50 GBP,0\n"
            + "Insurance,0,1,0,0,0,0,0,,0\n"
            + "Total,0,3,2,0,2,1,50,100.50 GBP,0\n", fca.Csv);
    }

    [Fact]
    public async Task GetFcaReturn_PeriodBeforeClosures_ShowsOutstanding()
    {
        await _p.FeedAsync(MetricsTests.Scenario());

        var fca = await FcaAsync(0, 10);

        // a closes on day 11 and b on day 31: both outstanding at the end of day 10.
        Assert.Equal((2L, 0L, 2L), (fca.Rows[0].Opened, fca.Rows[0].Closed, fca.Rows[0].Outstanding));
    }

    [Fact]
    public async Task GetCfpbExport_Scenario_OneLinePerDistinctRow()
    {
        await _p.FeedAsync(MetricsTests.Scenario());

        var cfpb = await _p.QueryAsync(db => new Returns(db, new MetricQueries(db)).CfpbAsync(new GetCfpbExportRequest { From = Date(0), To = Date(31) }, CancellationToken.None));

        // a: billing (no CFPB product: the category), web, upheld with money; b: phone, not upheld; c: Mortgage, partly
        // upheld with money. All met their statutory deadline: timely. d was merged: not a closed complaint.
        Assert.Equal(
            "Product,Issue,Submitted via,Company response to consumer,Timely response?,Complaints\n"
            + "Mortgage,Trouble during payment process,Web,Closed with monetary relief,Yes,1\n"
            + "billing,,Phone,Closed with explanation,Yes,1\n"
            + "billing,,Web,Closed with monetary relief,Yes,1\n", cfpb.Csv);
        Assert.Equal((3L, 3L), (cfpb.Rows, cfpb.Complaints));
    }

    [Fact]
    public void CfpbKey_LongProductAndIssue_FitsTheKeyColumn()
    {
        var fact = new Complaints.Insights.Data.CaseFact { ComplaintId = "x", CfpbProduct = new string('p', 300), Subcategory = new string('i', 300), Channel = "CHANNEL_POSTAL_MAIL" };

        var key = Returns.CfpbKey(fact, "Closed with non-monetary relief", "Yes");

        Assert.InRange(key.Length, 1, 256);
        Assert.Equal([100, 100], key.Split('\u001f').Take(2).Select(p => p.Length));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("=SUM(A1)", "'=SUM(A1)")]
    public void Csv_Value_QuotedAndDefused(string value, string expected) => Assert.Equal(expected, Returns.Csv(value));
}
