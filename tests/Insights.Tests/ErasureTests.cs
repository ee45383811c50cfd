using System.Text;
using Complaints.Insights.Domain;
using Complaints.Insights.V1;
using Complaints.Intake.V1;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Errors;
using Microsoft.EntityFrameworkCore;
using static Complaints.Insights.Tests.Events;

namespace Complaints.Insights.Tests;

/// <summary>What an erasure leaves: no per-complaint words, no answerable survey.</summary>
public sealed class ErasureTests : IDisposable
{
    private readonly Pipeline _p = new();

    public void Dispose() => _p.Dispose();

    [Fact]
    public async Task ComplaintReceived_TermsRecorded_KeyedHashesNotWordsNorComparableAcrossComplaints()
    {
        _p.Texts.Texts["p1"] = "Overcharged by agent Quillonby";
        _p.Texts.Texts["p2"] = "Overcharged by agent Quillonby";

        await _p.FeedAsync(Received("p1", "billing"), Received("p2", "billing"));

        var records = await _p.QueryAsync(db => db.ComplaintTerms.OrderBy(r => r.ComplaintId).ToListAsync());
        Assert.Equal(["p1", "p2"], records.Select(r => r.ComplaintId));
        // Three terms (overcharged, agent, quillonby), 16 bytes each; none of the words in them.
        Assert.All(records, r => Assert.Equal(3 * TermLinks.HashSize, r.Hashes.Length));
        foreach (var word in new[] { "overcharged", "agent", "quillonby" })
        {
            Assert.All(records, r => Assert.Equal(-1, r.Hashes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(word))));
        }
        // The same words give other hashes in another complaint: records cannot be matched with each other.
        var first = records[0].Hashes.Chunk(TermLinks.HashSize).Select(Convert.ToHexString).ToHashSet();
        Assert.DoesNotContain(records[1].Hashes.Chunk(TermLinks.HashSize).Select(Convert.ToHexString), first.Contains);
        // The aggregate keeps its words (it explains the counts) and no complaint id.
        Assert.Equal(2, await _p.QueryAsync(db => db.TermCounts.Where(t => t.Term == "quillonby").SumAsync(t => t.Count)));
    }

    [Fact]
    public async Task ComplainantErased_OneOfTwoComplaintsWithTheTerm_OnlyItsCountSubtracted()
    {
        _p.Texts.Texts["p1"] = "Overcharged by agent Quillonby";
        _p.Texts.Texts["p2"] = "Agent was rude";
        await _p.FeedAsync(Received("p1", "billing"), Received("p2", "billing"));

        await _p.FeedAsync(new ComplainantErased { ComplaintId = "p1", Reference = Reference("p1") });

        var counts = await _p.QueryAsync(db => db.TermCounts.ToDictionaryAsync(t => t.Term, t => t.Count));
        Assert.Equal(new Dictionary<string, long> { ["agent"] = 1, ["rude"] = 1 }, counts);
        Assert.Equal(["p2"], await _p.QueryAsync(db => db.ComplaintTerms.Select(r => r.ComplaintId).ToListAsync()));
    }

    private async Task<Guid> ResolvedCaseAsync(string id)
    {
        await _p.FeedAsync(
            Received(id, "billing"),
            new CaseOpened { ComplaintId = id, QueueId = "q1" },
            new FinalResponseSent { ComplaintId = id, At = At(3), Outcome = Outcome.Upheld, WithinSla = true });
        return await _p.QueryAsync(db => db.Surveys.Where(s => s.ComplaintId == id).Select(s => s.SurveyId).SingleAsync());
    }

    private async Task<string> TokenAsync(Guid surveyId) =>
        (await _p.QueryAsync(db => _p.Surveys.LinkAsync(db, surveyId.ToString(), CancellationToken.None))).Url.Split('/')[^1];

    [Fact]
    public async Task ComplainantErased_UnansweredSurvey_LinksAndNewLinksRefusedClearly()
    {
        var surveyId = await ResolvedCaseAsync("a");
        var token = await TokenAsync(surveyId);

        await _p.FeedAsync(new ComplainantErased { ComplaintId = "a", Reference = Reference("a") });

        var read = await Assert.ThrowsAsync<PreconditionException>(() => _p.QueryAsync(db => _p.Surveys.QuestionsAsync(db, token, CancellationToken.None)));
        Assert.Contains("withdrawn", read.Message);
        Assert.Equal(Surveys.ReasonWithdrawn, read.Reason);
        var submit = await Assert.ThrowsAsync<PreconditionException>(() => _p.QueryAsync(db =>
            _p.Surveys.SubmitAsync(db, new SubmitSurveyRequest { Token = token, Resolved = true, Satisfaction = 5, Effort = 1, Comment = "fine" }, CancellationToken.None)));
        Assert.Contains("withdrawn", submit.Message);
        // Notifications rendering an invitation afterwards gets no link either.
        await Assert.ThrowsAsync<PreconditionException>(() => TokenAsync(surveyId));
        Assert.Equal(0, (await _p.QueryAsync(db => new MetricQueries(db).MetricsAsync(new GetMetricsRequest { From = "2026-01-01", To = "2026-12-31" }, CancellationToken.None))).Totals.Csat.Denominator);
    }

    [Fact]
    public async Task ComplainantErased_AnsweredSurvey_CommentTermsDroppedScoresKept()
    {
        var token = await TokenAsync(await ResolvedCaseAsync("a"));
        await _p.QueryAsync(db => _p.Surveys.SubmitAsync(db,
            new SubmitSurveyRequest { Token = token, Resolved = true, Satisfaction = 5, Effort = 1, Comment = "Thank you Quillonby" }, CancellationToken.None));
        Assert.Equal(1, await _p.QueryAsync(db => db.TermCounts.CountAsync(t => t.Source == TermSources.Survey && t.Term == "quillonby")));

        await _p.FeedAsync(new ComplainantErased { ComplaintId = "a", Reference = Reference("a") });

        Assert.Equal(0, await _p.QueryAsync(db => db.TermCounts.CountAsync(t => t.Source == TermSources.Survey)));
        Assert.Equal(0, await _p.QueryAsync(db => db.ComplaintTerms.CountAsync()));
        Assert.DoesNotContain("quillonby", _p.Db.StoredText());
        // The answer's scores are statistics: they stay.
        Assert.Equal(1, (await _p.QueryAsync(db => new MetricQueries(db).MetricsAsync(new GetMetricsRequest { From = "2026-01-01", To = "2026-12-31" }, CancellationToken.None))).Totals.Csat.Denominator);
    }
}
