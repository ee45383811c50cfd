using Complaints.Insights.Domain;
using Complaints.Insights.V1;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Insights.Tests;

/// <summary>
/// Suggestions in the same trend analysis as complaints: topic "parking" gets one suggestion a day for 20 days
/// ("more bike racks please"), then six on day 20 about broken lighting. The topic's volume (baseline 1, sd 1:
/// z = 5 at six) and the word "lighting" (baseline 0: fires at five) rise; staff tags rise as their own source.
/// </summary>
public sealed class SuggestionTrendTests : IDisposable
{
    private readonly Pipeline _p = new();

    public void Dispose() => _p.Dispose();

    private async Task<string> SubmitAsync(int day, string topic, string text)
    {
        _p.Clock.Now = Events.Day0.AddDays(day).AddHours(10);
        await using var db = _p.Db.Open();
        var response = await new Suggestions(db, _p.Keys, new SuggestionCodes(_p.Keys), _p.Clock, _p.Detector)
            .SubmitAsync(new SubmitSuggestionRequest { Topic = topic, Text = text, Language = "en" }, CancellationToken.None);
        return response.Id;
    }

    private async Task TagAsync(string id, params string[] tags)
    {
        await using var db = _p.Db.Open();
        await new Suggestions(db, _p.Keys, new SuggestionCodes(_p.Keys), _p.Clock, _p.Detector).TagAsync(new TagSuggestionRequest { Id = id, Tags = { tags } }, CancellationToken.None);
    }

    private Task<GetEmergingIssuesResponse> IssuesAsync() =>
        _p.QueryAsync(db => new TermQueries(db).EmergingAsync(new GetEmergingIssuesRequest { From = Events.Date(0), To = Events.Date(30) }, CancellationToken.None));

    private async Task<List<string>> BaselineAndSpikeAsync()
    {
        var ids = new List<string>();
        for (var day = 0; day < 20; day++)
        {
            ids.Add(await SubmitAsync(day, "parking", "More bike racks please"));
        }
        for (var i = 0; i < 6; i++)
        {
            ids.Add(await SubmitAsync(20, "parking", "The stairwell lighting is broken again"));
        }
        return ids;
    }

    [Fact]
    public async Task SubmitSuggestion_TopicAndWordsRise_SignalsUnderSourceSuggestion()
    {
        var ids = await BaselineAndSpikeAsync();

        var issues = await IssuesAsync();

        var topic = Assert.Single(issues.Issues, i => i.Kind == Detector.CategoryKind);
        Assert.Equal((TermSources.Suggestion, "parking", Events.Date(20), 6L, 1.0, 5.0), (topic.Source, topic.Category, topic.Since, topic.Observed, topic.Baseline, topic.ZScore));
        Assert.Equal([ids[^1]], topic.ExampleReferences);
        var lighting = Assert.Single(issues.Issues, i => i.Term == "lighting");
        Assert.Equal((TermSources.Suggestion, "parking", 6L), (lighting.Source, lighting.Category, lighting.Observed));
        Assert.DoesNotContain(issues.Issues, i => i.Source == TermSources.Complaint);
    }

    [Fact]
    public async Task TagSuggestion_TagRisesOnTheSuggestionsDay_SignalUnderSourceSuggestionTag()
    {
        var ids = await BaselineAndSpikeAsync();
        // Staff tag the early ones (the tag series starts on day 0), then five of the day-20 ones, later on.
        for (var day = 0; day < 20; day++)
        {
            await TagAsync(ids[day], "bikes");
        }
        _p.Clock.Now = Events.Day0.AddDays(23);
        foreach (var id in ids.Skip(20).Take(5))
        {
            await TagAsync(id, "safety", "lighting");
        }

        var issues = await IssuesAsync();

        var safety = Assert.Single(issues.Issues, i => i.Source == TermSources.SuggestionTag && i.Term == "safety");
        Assert.Equal(("parking", Events.Date(20), 5L, 0.0), (safety.Category, safety.Since, safety.Observed, safety.Baseline));
        var top = await _p.QueryAsync(db => new TermQueries(db).TopTermsAsync(
            new GetTopTermsRequest { From = Events.Date(0), To = Events.Date(30), Source = TermSources.SuggestionTag }, CancellationToken.None));
        Assert.Equal([("bikes", 20L), ("lighting", 5L), ("safety", 5L)], top.Terms.Select(t => (t.Term, t.Count)));
    }

    [Fact]
    public async Task TagSuggestion_TagRemoved_CountSubtracted()
    {
        var id = await SubmitAsync(0, "parking", "More bike racks please");
        await TagAsync(id, "bikes", "racks");

        await TagAsync(id, "racks", "cycling");

        var tags = await _p.QueryAsync(db => db.TermCounts.Where(t => t.Source == TermSources.SuggestionTag).ToDictionaryAsync(t => t.Term, t => t.Count));
        Assert.Equal(new Dictionary<string, long> { ["cycling"] = 1, ["racks"] = 1 }, tags);
    }
}
