using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;

namespace Complaints.Web.Portal.Submit;

/// <summary>What became of one attached file: stored, or refused and why (a <see cref="FileProblem"/>).</summary>
public sealed record FileOutcome(string FileName, long Size, FileProblem Problem)
{
    public bool Stored => Problem == FileProblem.None;
}

public enum FileProblem
{
    None,
    TooLarge,
    TypeRefused,
    Empty,
    TooMany,
    NotStored,
}

/// <summary>
/// Intake's answer to one submit form, and what became of its files. <see cref="UploadsDone"/> is false while the
/// files are still being sent (or when that post was cut off): a repeat then sends them again, and Intake's replay
/// dedupe keeps one copy of each.
/// </summary>
public sealed record SubmittedAnswer(
    string Reference,
    string TrackingToken,
    DateTimeOffset ReceivedAt,
    string? TimeZone,
    bool Anonymous,
    IReadOnlyList<FileOutcome> Files,
    bool UploadsDone);

/// <summary>What the confirmation page shows: the answer, and whether this post repeated a form sent before.</summary>
public sealed record ShownSubmission(SubmittedAnswer Answer, bool Repeat);

/// <summary>
/// Submitted forms' answers, shared by every replica (<see cref="IDistributedCache"/>: Redis or memory) for
/// <see cref="Lifetime"/>: a repeat of the same form shows the same confirmation without calling Intake. The values
/// hold tracking tokens, so they are encrypted with data protection; the keys are hashes of the form ids.
/// The confirmation page's view of a submission is kept the same way under the follow session's id.
/// </summary>
public sealed class SubmittedAnswers(IDistributedCache cache, IDataProtectionProvider dataProtection)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    private readonly IDataProtector _protector = dataProtection.CreateProtector("Complaints.Web.Submit.Answer.v1");

    public Task<SubmittedAnswer?> FindAsync(string formId, CancellationToken ct) => GetAsync<SubmittedAnswer>(FormKey(formId), ct);

    public Task SaveAsync(string formId, SubmittedAnswer answer, CancellationToken ct) => SetAsync(FormKey(formId), answer, ct);

    public Task RemoveAsync(string formId, CancellationToken ct) => cache.RemoveAsync(FormKey(formId), ct);

    /// <summary>The submission a confirmation page shows, by the id of the follow session the post opened.</summary>
    public Task<ShownSubmission?> FindShownAsync(string sessionId, CancellationToken ct) => GetAsync<ShownSubmission>(ShownKey(sessionId), ct);

    public Task SaveShownAsync(string sessionId, ShownSubmission shown, CancellationToken ct) => SetAsync(ShownKey(sessionId), shown, ct);

    private async Task<T?> GetAsync<T>(string key, CancellationToken ct) where T : class
    {
        var value = await cache.GetAsync(key, ct);
        if (value is null)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<T>(_protector.Unprotect(value));
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException)
        {
            // Written under a key that is gone, or damaged: as if never stored (Intake's own idempotency still holds).
            return null;
        }
    }

    private Task SetAsync<T>(string key, T value, CancellationToken ct) =>
        cache.SetAsync(key, _protector.Protect(JsonSerializer.SerializeToUtf8Bytes(value)),
            new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = Lifetime }, ct);

    private static string FormKey(string formId) => "submit:form:" + Hash(formId);

    private static string ShownKey(string sessionId) => "submit:shown:" + Hash(sessionId);

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
