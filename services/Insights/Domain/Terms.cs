using Complaints.Eventing;
using Complaints.Eventing.V1;
using Complaints.Insights.Data;
using Complaints.Intake.V1;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Insights.Domain;

/// <summary>A complaint's words, read on demand from Intake (decisions 0003, 0007); null once erased.</summary>
public interface IComplaintTextSource
{
    Task<string?> GetTextAsync(string complaintId, CancellationToken ct);
}

public sealed class IntakeComplaintTexts(ComplaintTextService.ComplaintTextServiceClient client, TimeProvider clock) : IComplaintTextSource
{
    public async Task<string?> GetTextAsync(string complaintId, CancellationToken ct)
    {
        try
        {
            var text = await client.GetComplaintTextAsync(new GetComplaintTextRequest { ComplaintId = complaintId },
                deadline: clock.GetUtcNow().UtcDateTime.AddSeconds(10), cancellationToken: ct);
            return text.Erased ? null : string.Join('\n', text.Subject, text.Description, text.RemedySought);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.NotFound or StatusCode.InvalidArgument)
        {
            // Nothing to count for this complaint, ever: skipping keeps one bad record from stalling the feed.
            // Anything else (down, slow, refused) throws, and the feed retries from its checkpoint.
            return null;
        }
    }
}

public static class TermSources
{
    public const string Complaint = "complaint";
    public const string Survey = "survey";
    public const string Suggestion = "suggestion";
}

public static class TermCounting
{
    /// <summary>
    /// Adds one document's distinct terms to the day's counts. With an owner (a complaint id), the rows it touched
    /// are linked so an erasure can subtract them.
    /// </summary>
    public static async Task AddTermsAsync(this InsightsDbContext db, string source, string category, string language, int day,
        IReadOnlyList<string> terms, string? owner, CancellationToken ct)
    {
        if (terms.Count == 0)
        {
            return;
        }
        var existing = await db.TermCounts
            .Where(t => t.Source == source && t.Category == category && t.Language == language && t.Day == day && terms.Contains(t.Term))
            .ToListAsync(ct);
        foreach (var term in terms)
        {
            var row = existing.FirstOrDefault(t => t.Term == term)
                ?? db.TermCounts.Local.FirstOrDefault(t => t.Source == source && t.Category == category && t.Language == language && t.Day == day && t.Term == term);
            if (row is null)
            {
                row = new TermCount { Source = source, Category = category, Language = language, Day = day, Term = term };
                db.TermCounts.Add(row);
            }
            row.Count++;
            if (owner is not null)
            {
                db.ComplaintTerms.Add(new ComplaintTerm { ComplaintId = owner, TermCount = row });
            }
        }
    }

    public static string LanguageOf(string tag) => tag.Length >= 2 ? tag[..2].ToLowerInvariant() : "und";
}

/// <summary>Counts a complaint's terms (its text read from Intake, never kept) and looks for rises in its category and terms.</summary>
public sealed class CountComplaintTerms(IComplaintTextSource texts, Detector detector) : FeedEventHandler<InsightsDbContext, ComplaintReceived>(Sources.Intake)
{
    protected override async Task HandleAsync(ComplaintReceived e, EventEnvelope envelope, InsightsDbContext db, CancellationToken ct)
    {
        var day = Days.Of(CaseFactExtensions.At(e.ReceivedAt, envelope));
        var category = FactReceived.Clip(e.Category);
        // The category's volume (FactReceived counted it earlier in this transaction).
        await detector.CheckCategoryAsync(db, category, day, e.Reference, ct);
        if (await db.ComplaintTerms.AnyAsync(t => t.ComplaintId == e.ComplaintId && t.TermCount!.Source == TermSources.Complaint, ct))
        {
            return;
        }
        var terms = Tokenizer.Terms(await texts.GetTextAsync(e.ComplaintId, ct));
        await db.AddTermsAsync(TermSources.Complaint, category, TermCounting.LanguageOf(e.PreferredLanguage), day, terms, e.ComplaintId, ct);
        await detector.CheckTermsAsync(db, TermSources.Complaint, category, day, terms, e.Reference, ct);
    }
}

/// <summary>
/// On erasure: the complaint's (and its survey comment's) term contributions are subtracted and its reference
/// leaves every signal. What stays is statistics: the classification fact and the day aggregates.
/// </summary>
public sealed class ForgetComplainant() : FeedEventHandler<InsightsDbContext, ComplainantErased>(Sources.Intake)
{
    protected override async Task HandleAsync(ComplainantErased e, EventEnvelope envelope, InsightsDbContext db, CancellationToken ct)
    {
        var links = await db.ComplaintTerms.Include(l => l.TermCount).Where(l => l.ComplaintId == e.ComplaintId).ToListAsync(ct);
        foreach (var link in links)
        {
            if (link.TermCount is { } row && --row.Count <= 0)
            {
                db.TermCounts.Remove(row);
            }
            db.ComplaintTerms.Remove(link);
        }
        if (e.Reference.Length > 0)
        {
            foreach (var signal in await db.Signals.Where(s => s.Examples.Contains(e.Reference)).ToListAsync(ct))
            {
                signal.Examples = string.Join(',', signal.Examples.Split(',').Where(r => r != e.Reference));
            }
        }
        if (await db.CaseFacts.FindAsync([e.ComplaintId], ct) is { } fact)
        {
            fact.Erased = true;
        }
        var surveys = await db.Surveys.Where(s => s.ComplaintId == e.ComplaintId).Select(s => s.SurveyId).ToListAsync(ct);
        await db.SurveyTokens.Where(t => surveys.Contains(t.SurveyId)).ExecuteDeleteAsync(ct);
    }
}
