using Complaints.Eventing;
using Complaints.Eventing.V1;
using Complaints.Insights.Data;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Data;
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
    /// <summary>A suggestion's text (terms) and its topic's volume (the category series).</summary>
    public const string Suggestion = "suggestion";
    /// <summary>Staff tags of suggestions, counted on the suggestion's day under its topic.</summary>
    public const string SuggestionTag = "suggestion_tag";

    public static readonly string[] All = [Complaint, Survey, Suggestion, SuggestionTag];
}

/// <summary>
/// The per-complaint record of which term counts a document added to, as keyed hashes (see <see cref="ComplaintTerm"/>):
/// HMAC-SHA256 under a key derived from <c>Insights:MasterKey</c>, over the complaint id and the term, cut to
/// <see cref="HashSize"/> bytes. An erasure recomputes the hashes of the terms counted in the document's bucket and
/// subtracts the ones that match.
/// </summary>
public sealed class TermLinks(InsightsKeys keys)
{
    public const int HashSize = 16;

    public byte[] Hash(string complaintId, string term) =>
        System.Security.Cryptography.HMACSHA256.HashData(keys.TermLinkKey, System.Text.Encoding.UTF8.GetBytes(complaintId + "\0" + term))[..HashSize];

    /// <summary>Records the document's terms for a later erasure (nothing to record without terms).</summary>
    public void Record(InsightsDbContext db, string complaintId, string source, string category, string language, int day, IReadOnlyList<string> terms)
    {
        if (terms.Count == 0)
        {
            return;
        }
        db.ComplaintTerms.Add(new ComplaintTerm
        {
            ComplaintId = complaintId,
            Source = source,
            Category = category,
            Language = language,
            Day = day,
            Hashes = [.. terms.SelectMany(t => Hash(complaintId, t))],
        });
    }

    /// <summary>Subtracts every document of the complaint from the term counts and deletes the records.</summary>
    public async Task ForgetAsync(InsightsDbContext db, string complaintId, CancellationToken ct)
    {
        foreach (var record in await db.ComplaintTerms.Where(l => l.ComplaintId == complaintId).ToListAsync(ct))
        {
            var hashes = record.Hashes.Chunk(HashSize).Select(Convert.ToHexString).ToHashSet(StringComparer.Ordinal);
            var bucket = await db.TermCounts.AsNoTracking()
                .Where(t => t.Source == record.Source && t.Category == record.Category && t.Language == record.Language && t.Day == record.Day)
                .Select(t => new { t.Id, t.Term })
                .ToListAsync(ct);
            var ids = bucket.Where(t => hashes.Contains(Convert.ToHexString(Hash(complaintId, t.Term)))).Select(t => t.Id).ToList();
            foreach (var chunk in ids.Chunk(500))
            {
                // In the database, not in memory: another writer may be counting the same rows.
                await db.TermCounts.Where(t => chunk.Contains(t.Id)).ExecuteUpdateAsync(u => u.SetProperty(t => t.Count, t => t.Count - 1), ct);
                await db.TermCounts.Where(t => chunk.Contains(t.Id) && t.Count <= 0).ExecuteDeleteAsync(ct);
            }
            db.ComplaintTerms.Remove(record);
        }
    }
}

public static class TermCounting
{
    private static readonly string[] Keys =
        [nameof(TermCount.Source), nameof(TermCount.Category), nameof(TermCount.Term), nameof(TermCount.Day), nameof(TermCount.Language)];

    /// <summary>Adds one document's distinct terms to the day's counts, atomically (one upsert per row).</summary>
    public static Task AddTermsAsync(this InsightsDbContext db, string source, string category, string language, int day,
        IReadOnlyList<string> terms, CancellationToken ct, long delta = 1) =>
        terms.Count == 0 ? Task.CompletedTask
            : db.UpsertAsync("term_count", Keys, nameof(TermCount.Count), Combine.Add,
                terms.Select(t => new object[] { source, category, t, day, language, delta }).ToList(), ct);

    public static string LanguageOf(string tag) => tag.Length >= 2 ? tag[..2].ToLowerInvariant() : "und";
}

/// <summary>
/// Counts a complaint's terms (its text read from Intake, never kept) and looks for rises in its category and terms.
/// During a rebuild's replay the detector only warms up: the signals found live are kept (<see cref="Rebuild"/>).
/// </summary>
public sealed class CountComplaintTerms(IComplaintTextSource texts, Detector detector, TermLinks links) : FeedEventHandler<InsightsDbContext, ComplaintReceived>(Sources.Intake)
{
    protected override async Task HandleAsync(ComplaintReceived e, EventEnvelope envelope, InsightsDbContext db, CancellationToken ct)
    {
        var day = Days.Of(CaseFactExtensions.At(e.ReceivedAt, envelope));
        var category = FactReceived.Clip(e.Category);
        var live = !await Rebuild.IsReplayAsync(db, Sources.Intake, envelope.Sequence, ct);
        // The category's volume (FactReceived counted it earlier in this transaction).
        await detector.CheckCategoryAsync(db, TermSources.Complaint, Metric.Category, category, Metric.Received, day, e.Reference, live, ct);
        if (db.ComplaintTerms.Tracked().Any(t => t.ComplaintId == e.ComplaintId && t.Source == TermSources.Complaint)
            || await db.ComplaintTerms.AnyAsync(t => t.ComplaintId == e.ComplaintId && t.Source == TermSources.Complaint, ct))
        {
            return;
        }
        var terms = Tokenizer.Terms(await texts.GetTextAsync(e.ComplaintId, ct));
        var language = TermCounting.LanguageOf(e.PreferredLanguage);
        await db.AddTermsAsync(TermSources.Complaint, category, language, day, terms, ct);
        links.Record(db, e.ComplaintId, TermSources.Complaint, category, language, day, terms);
        await detector.CheckTermsAsync(db, TermSources.Complaint, category, day, terms, e.Reference, live, ct);
    }
}

/// <summary>
/// On erasure: the complaint's (and its survey comment's) term contributions are subtracted, its reference leaves
/// every signal, and its survey is withdrawn (no link works, none is issued). What stays is statistics: the
/// classification fact and the day aggregates.
/// </summary>
public sealed class ForgetComplainant(TermLinks links, TimeProvider clock) : FeedEventHandler<InsightsDbContext, ComplainantErased>(Sources.Intake)
{
    protected override async Task HandleAsync(ComplainantErased e, EventEnvelope envelope, InsightsDbContext db, CancellationToken ct)
    {
        // The survey first: its row lock orders this against an answer being submitted, so an answer either fails as
        // withdrawn or has committed its comment's record before the records are read below.
        var now = clock.GetUtcNow();
        await db.Surveys.Where(s => s.ComplaintId == e.ComplaintId && s.WithdrawnAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.WithdrawnAt, now), ct);
        await links.ForgetAsync(db, e.ComplaintId, ct);
        if (e.Reference.Length > 0)
        {
            // Saved signals, and those an earlier event of this batch added or changed (not saved yet).
            var saved = await db.Signals.Where(s => s.Examples.Contains(e.Reference)).ToListAsync(ct);
            foreach (var signal in saved.Union(db.Signals.Tracked().Where(s => s.Examples.Split(',').Contains(e.Reference))))
            {
                signal.Examples = string.Join(',', signal.Examples.Split(',').Where(r => r != e.Reference));
            }
        }
        if (await db.CaseFacts.FindAsync([e.ComplaintId], ct) is { } fact)
        {
            fact.Erased = true;
        }
    }
}
