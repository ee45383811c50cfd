using System.Collections.Concurrent;
using Complaints.Intake.V1;
using Grpc.Core;

namespace Complaints.Web.Portal.Submit;

public sealed record SubcategoryChoice(string Id, string Label);

public sealed record CategoryChoice(string Id, string Label, IReadOnlyList<SubcategoryChoice> Subcategories);

/// <summary>The choices the submit form offers: the organisation's categories and Intake's attachment limits.</summary>
public sealed record SubmitChoices(IReadOnlyList<CategoryChoice> Categories, long MaxAttachmentBytes, int MaxAttachments, IReadOnlyList<string> AcceptedContentTypes);

/// <summary>
/// The submit form's categories and limits, from Intake's public GetTaxonomy with labels in the page's language. Kept
/// for <see cref="FreshFor"/> per language; when Intake cannot be reached, the last answer serves (a form is better
/// than none), and without one the caller shows that the form is unavailable.
/// </summary>
public sealed class SubmitTaxonomy(IntakeService.IntakeServiceClient intake, SubmitTaxonomy.Cache cache, TimeProvider time, ILogger<SubmitTaxonomy> logger)
{
    public static readonly TimeSpan FreshFor = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    /// <exception cref="RpcException">Intake did not answer and no earlier answer is kept.</exception>
    public async Task<SubmitChoices> GetAsync(string language, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var kept = cache.Entries.TryGetValue(language, out var entry) ? entry : null;
        if (kept is not null && now - kept.At < FreshFor)
        {
            return kept.Choices;
        }
        try
        {
            var answer = await intake.GetTaxonomyAsync(new GetTaxonomyRequest { Language = language },
                deadline: now.UtcDateTime + Deadline, cancellationToken: ct);
            var choices = new SubmitChoices(
                answer.Categories.Select(c => new CategoryChoice(c.Code, c.Label, c.Subcategories.Select(s => new SubcategoryChoice(s.Code, s.Label)).ToList())).ToList(),
                answer.AttachmentLimits.MaxBytesPerFile,
                answer.AttachmentLimits.MaxPerSubmission,
                answer.AttachmentLimits.AcceptedContentTypes.ToList());
            cache.Entries[language] = new Entry(choices, now);
            return choices;
        }
        catch (RpcException ex) when (kept is not null && !ct.IsCancellationRequested)
        {
            logger.LogWarning("Intake's taxonomy could not be read ({Status}); the one read at {At} serves", ex.StatusCode, kept.At);
            return kept.Choices;
        }
    }

    public sealed record Entry(SubmitChoices Choices, DateTimeOffset At);

    /// <summary>The answers by language, for the life of the app.</summary>
    public sealed class Cache
    {
        public ConcurrentDictionary<string, Entry> Entries { get; } = new(StringComparer.Ordinal);
    }
}
