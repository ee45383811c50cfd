using System.Text;
using Complaints.Eventing;
using Complaints.Insights.V1;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Data;
using Complaints.ServiceDefaults.Errors;
using Complaints.ServiceDefaults.Security;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Db = Complaints.Insights.Data;

namespace Complaints.Insights.Domain;

/// <summary>
/// Insights' master key (<c>Insights:MasterKey</c>, base64 of 32 bytes) wraps each suggestion's own key, and a key
/// derived from it keys the per-complaint term hashes (<see cref="TermLinks"/>). Production sets it (a secret): with
/// <c>Database:Provider=SqlServer</c> (replicas, each with a disk of its own) a missing key stops the service at start.
/// Embedded (SQLite, one machine, the local launcher) falls back to a key file made once in DataDir.
/// </summary>
public sealed class InsightsKeys(IConfiguration configuration)
{
    public const string Setting = "Insights:MasterKey";
    public const string KeyFile = "insights-master.key";

    private readonly Lazy<byte[]> _master = new(() =>
    {
        if (configuration[Setting] is { Length: > 0 } || DatabaseProvider.From(configuration) == DatabaseProvider.SqlServer)
        {
            return SealedBox.ReadKey(configuration, Setting);
        }
        return SealedBox.ReadOrCreateKeyFile(Path.Combine(configuration.DataDirectory(), KeyFile));
    });

    public byte[] Master => _master.Value;

    /// <summary>For <see cref="TermLinks"/>: HKDF-SHA256 of the master key, its own purpose.</summary>
    public byte[] TermLinkKey => field ??= System.Security.Cryptography.HKDF.DeriveKey(
        System.Security.Cryptography.HashAlgorithmName.SHA256, Master, 32, info: Encoding.ASCII.GetBytes("complaints/insights/term-links/v1"));

    /// <summary>For <see cref="SuggestionCodes"/>: HKDF-SHA256 of the master key, its own purpose.</summary>
    public byte[] SuggestionCodeKey => field ??= System.Security.Cryptography.HKDF.DeriveKey(
        System.Security.Cryptography.HashAlgorithmName.SHA256, Master, 32, info: Encoding.ASCII.GetBytes("complaints/insights/suggestion-codes/v1"));
}

/// <summary>
/// A suggestion's public reference ("SUG-7K3F-9Q2M", 40 random bits, unique in the database) and its secret access
/// code ("4HJ7-PQ2M-9XKD", 60 bits of HMAC-SHA256 of the suggestion's id under a key derived from the master key). The
/// code is never stored: it is derived again to check it, and to answer a retried submission with the same code.
/// Crockford base32 (no I, L, O, U), so both read out and type easily; look-alike letters are mapped when checking.
/// </summary>
public sealed class SuggestionCodes(InsightsKeys keys)
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    public const string Prefix = "SUG-";

    public static string NewReference()
    {
        Span<byte> bytes = stackalloc byte[8];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        var chars = new StringBuilder(Prefix, 13);
        for (var i = 0; i < 8; i++)
        {
            if (i == 4)
            {
                chars.Append('-');
            }
            chars.Append(Alphabet[bytes[i] & 31]);
        }
        return chars.ToString();
    }

    public string CodeFor(Guid suggestionId)
    {
        var mac = System.Security.Cryptography.HMACSHA256.HashData(keys.SuggestionCodeKey, suggestionId.ToByteArray());
        var chars = new StringBuilder(14);
        for (var i = 0; i < 12; i++)
        {
            if (i is 4 or 8)
            {
                chars.Append('-');
            }
            chars.Append(Alphabet[mac[i] & 31]);
        }
        return chars.ToString();
    }

    /// <summary>Whether <paramref name="code"/> (as typed: any case, spaces or dashes, O for 0, I or L for 1) is the suggestion's.</summary>
    public bool Matches(Guid suggestionId, string? code) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Canonical(CodeFor(suggestionId))), Encoding.ASCII.GetBytes(Canonical(code)));

    /// <summary>"SUG-7K3F-9Q2M" from what a reader typed ("sug 7k3f 9q2m", "SUG-7K3F9Q2M"), or empty when it cannot be one.</summary>
    public static string NormalizeReference(string? reference)
    {
        var r = Canonical(reference);
        if (r.StartsWith("SUG", StringComparison.Ordinal))
        {
            r = r[3..];
        }
        return r.Length == 8 && r.All(Alphabet.Contains) ? Prefix + r[..4] + "-" + r[4..] : string.Empty;
    }

    private static string Canonical(string? value) =>
        new((value ?? string.Empty).ToUpperInvariant().Where(char.IsAsciiLetterOrDigit)
            .Select(c => c switch { 'O' => '0', 'I' or 'L' => '1', _ => c }).ToArray());
}

/// <summary>
/// Reads the keys and the FCA calendar at start, so an instance without its key or with an unreadable calendar fails
/// before taking traffic rather than stalling its feeds.
/// </summary>
public sealed class InsightsStartupCheck(InsightsKeys keys, IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = keys.TermLinkKey;
        _ = services.GetService<FcaCalendar>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// The suggestion box: anyone submits, staff tag and respond. Suggestions feed the same trend analysis as complaints,
/// under their own source labels: the topic's daily volume (source "suggestion", a category series), the text's terms
/// (source "suggestion", category = topic) and staff tags (source "suggestion_tag", counted on the suggestion's day).
/// </summary>
public sealed class Suggestions(Db.InsightsDbContext db, InsightsKeys keys, SuggestionCodes codes, TimeProvider clock, Detector detector)
{
    public const int MaxText = 4000;
    public const int MaxTags = 10;
    public const int MaxIdempotencyKey = 100;
    public const int MaxContactId = 64;
    private const int ReferenceAttempts = 5;

    public async Task<SubmitSuggestionResponse> SubmitAsync(SubmitSuggestionRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var topic = v.Text("topic", request.Topic, 2, 100, allowNewlines: false).Trim().ToLowerInvariant();
        var text = v.Text("text", request.Text, 5, MaxText);
        var language = (request.Language ?? string.Empty).Trim();
        if (language.Length > 0 && !System.Text.RegularExpressions.Regex.IsMatch(language, "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"))
        {
            v.Add("language", "must be a language tag, e.g. en, ko, bg");
        }
        if (!System.Enum.IsDefined(request.SubmitterKind))
        {
            v.Add("submitterKind", "is not a known submitter kind");
        }
        if (!System.Enum.IsDefined(request.Origin))
        {
            v.Add("origin", "is not a known origin");
        }
        var givenKey = v.Text("idempotencyKey", request.IdempotencyKey, 0, MaxIdempotencyKey, allowNewlines: false);
        var contactId = (request.ContactId ?? string.Empty).Trim();
        if (contactId.Length > MaxContactId || !contactId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            v.Add("contactId", $"must be the contact id Intake's RegisterSuggestionContact answered with (at most {MaxContactId} letters, digits, - or _)");
        }
        v.ThrowIfInvalid();

        // Anyone may submit, so keys share one space: a key matches only the same words, so a guessed key alone
        // never returns someone else's reference and access code.
        var idempotencyKey = givenKey.Length == 0 ? string.Empty : Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Join('\0', givenKey, topic, text, request.SubmitterKind.ToString(), request.Origin.ToString(), language))));

        if (idempotencyKey.Length > 0 && await FindByKeyAsync(idempotencyKey, ct) is { } earlier)
        {
            return Submitted(earlier);
        }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return Submitted(await StoreAsync(request, topic, text, language, idempotencyKey.Length > 0 ? idempotencyKey : null,
                    contactId.Length > 0 ? contactId : null, ct));
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear();
                // A concurrent retry with the same key won the unique index: answer with its result.
                if (idempotencyKey.Length > 0 && await FindByKeyAsync(idempotencyKey, ct) is { } winner)
                {
                    return Submitted(winner);
                }
                // Otherwise the reference collided (40 random bits): draw another.
                if (attempt >= ReferenceAttempts)
                {
                    throw;
                }
            }
        }
    }

    private Task<Db.Suggestion?> FindByKeyAsync(string idempotencyKey, CancellationToken ct) =>
        db.Suggestions.AsNoTracking().FirstOrDefaultAsync(s => s.IdempotencyKey == idempotencyKey, ct);

    private SubmitSuggestionResponse Submitted(Db.Suggestion s) => new()
    {
        Id = s.Id.ToString(),
        SubmittedAt = Timestamp.FromDateTimeOffset(s.SubmittedAt),
        Reference = s.Reference ?? string.Empty,
        AccessCode = codes.CodeFor(s.Id),
    };

    private async Task<Db.Suggestion> StoreAsync(SubmitSuggestionRequest request, string topic, string text, string language, string? idempotencyKey,
        string? contactId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var key = SealedBox.NewKey();
        var suggestion = new Db.Suggestion
        {
            Id = id,
            Reference = SuggestionCodes.NewReference(),
            IdempotencyKey = idempotencyKey,
            Topic = topic,
            WrappedKey = SealedBox.Seal(keys.Master, key, SealedBox.Aad(id, "data-key")),
            SealedText = SealedBox.Seal(key, Encoding.UTF8.GetBytes(text), SealedBox.Aad(id, "text")),
            SubmitterKind = ProtoEnums.Name(request.SubmitterKind == SubmitterKind.Unspecified ? SubmitterKind.Anonymous : request.SubmitterKind),
            Origin = ProtoEnums.Name(request.Origin == SuggestionOrigin.Unspecified ? SuggestionOrigin.SuggestionBox : request.Origin),
            Language = language.Length > 0 ? language : "en",
            SubmittedAt = now,
            ContactId = contactId,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Suggestions.Add(suggestion);
        var day = Days.Of(now);
        var example = id.ToString();
        await db.AddAsync(day, Metric.SuggestionTopic, topic, Metric.Suggestions, 1, ct);
        await detector.CheckCategoryAsync(db, TermSources.Suggestion, Metric.SuggestionTopic, topic, Metric.Suggestions, day, example, record: true, ct);
        var terms = Tokenizer.Terms(text);
        await db.AddTermsAsync(TermSources.Suggestion, topic, TermCounting.LanguageOf(suggestion.Language), day, terms, ct);
        await detector.CheckTermsAsync(db, TermSources.Suggestion, topic, day, terms, example, record: true, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return suggestion;
    }

    /// <summary>The submitter's view, by reference and access code; an unknown reference and a wrong code are the same NotFound.</summary>
    public async Task<ViewSuggestionResponse> ViewAsync(ViewSuggestionRequest request, CancellationToken ct)
    {
        var v = new Validator();
        if (string.IsNullOrWhiteSpace(request.Reference))
        {
            v.Add("reference", "is required");
        }
        if (string.IsNullOrWhiteSpace(request.AccessCode))
        {
            v.Add("accessCode", "is required");
        }
        v.ThrowIfInvalid();
        var reference = SuggestionCodes.NormalizeReference(request.Reference);
        var suggestion = reference.Length == 0 ? null : await db.Suggestions.AsNoTracking().FirstOrDefaultAsync(s => s.Reference == reference, ct);
        // The code is checked (in constant time) even for an unknown reference, so timing tells nothing either.
        var matches = codes.Matches(suggestion?.Id ?? Guid.Empty, request.AccessCode);
        if (suggestion is null || !matches)
        {
            throw new NotFoundException("No suggestion has this reference and access code.") { Reason = "SUGGESTION_NOT_FOUND" };
        }
        var s = ToProto(suggestion);
        return new ViewSuggestionResponse
        {
            Reference = s.Reference,
            Topic = s.Topic,
            Text = s.Text,
            Origin = s.Origin,
            SubmitterKind = s.SubmitterKind,
            Language = s.Language,
            SubmittedAt = s.SubmittedAt,
            Response = s.Response,
            RespondedAt = s.RespondedAt,
        };
    }

    public async Task<ListSuggestionsResponse> ListAsync(ListSuggestionsRequest request, CancellationToken ct)
    {
        var size = request.PageSize is > 0 and <= 200 ? request.PageSize : 50;
        var query = db.Suggestions.AsNoTracking();
        if (request.Topic.Length > 0)
        {
            var topic = request.Topic.Trim().ToLowerInvariant();
            query = query.Where(s => s.Topic == topic);
        }
        if (request.Tag.Length > 0)
        {
            var tag = "," + request.Tag.Trim().ToLowerInvariant() + ",";
            query = query.Where(s => ("," + s.Tags + ",").Contains(tag));
        }
        var rows = await query.OrderByDescending(s => s.SubmittedAt).Take(size).ToListAsync(ct);
        var response = new ListSuggestionsResponse();
        response.Suggestions.AddRange(rows.Select(ToProto));
        return response;
    }

    public async Task<Suggestion> TagAsync(TagSuggestionRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var tags = request.Tags.Select(t => t.Trim().ToLowerInvariant()).Where(t => t.Length > 0).Distinct().ToList();
        if (tags.Count > MaxTags)
        {
            v.Add("tags", $"at most {MaxTags} tags");
        }
        for (var i = 0; i < tags.Count; i++)
        {
            if (tags[i].Length > 30 || tags[i].Contains(',') || Validator.HasForbiddenControl(tags[i], allowNewlines: false))
            {
                v.Add($"tags[{i}]", "must be at most 30 characters, without commas or control characters");
            }
        }
        var suggestion = await FindAsync(request.Id, v, ct);
        var before = suggestion.Tags.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var after = string.Join(',', tags);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Conditional on the tags read: two staff tagging at once cannot both count their difference.
        if (await db.Suggestions.Where(s => s.Id == suggestion.Id && s.Tags == suggestion.Tags).ExecuteUpdateAsync(u => u.SetProperty(s => s.Tags, after), ct) == 0)
        {
            throw new ConflictException("The suggestion's tags changed meanwhile; read it again and retry.");
        }
        // Tags count on the suggestion's day under its topic, like its words.
        var day = Days.Of(suggestion.SubmittedAt);
        var language = TermCounting.LanguageOf(suggestion.Language);
        var removed = before.Except(tags).ToList();
        var added = tags.Except(before).ToList();
        await db.AddTermsAsync(TermSources.SuggestionTag, suggestion.Topic, language, day, removed, ct, delta: -1);
        await db.TermCounts.Where(t => t.Source == TermSources.SuggestionTag && t.Count <= 0).ExecuteDeleteAsync(ct);
        await db.AddTermsAsync(TermSources.SuggestionTag, suggestion.Topic, language, day, added, ct);
        await detector.CheckTermsAsync(db, TermSources.SuggestionTag, suggestion.Topic, day, added, suggestion.Id.ToString(), record: true, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        suggestion.Tags = after;
        return ToProto(suggestion);
    }

    public async Task<Suggestion> RespondAsync(RespondToSuggestionRequest request, string staff, CancellationToken ct)
    {
        var v = new Validator();
        var text = v.Text("response", request.Response, 1, MaxText);
        var suggestion = await FindAsync(request.Id, v, ct);
        var first = suggestion.SealedResponse is null;
        var now = clock.GetUtcNow();
        suggestion.SealedResponse = SealedBox.Seal(KeyOf(suggestion), Encoding.UTF8.GetBytes(text), SealedBox.Aad(suggestion.Id, "response"));
        suggestion.RespondedBy = staff;
        suggestion.RespondedAt = now;
        if (first && suggestion.ContactId is { Length: > 0 } contactId)
        {
            // The submitter left an address with Intake: Notifications tells them a response is ready. Saved with the
            // response (outbox); ids only, never the response (sealed here; the event log is not). A revised response
            // sends nothing more: the address is forgotten once the first message is delivered.
            db.AppendEvent(new SuggestionResponded
            {
                SuggestionId = suggestion.Id.ToString(),
                Reference = suggestion.Reference ?? string.Empty,
                ContactId = contactId,
                Language = suggestion.Language,
                RespondedAt = Timestamp.FromDateTimeOffset(now),
            }, suggestion.Id.ToString(), clock);
        }
        await db.SaveChangesAsync(ct);
        return ToProto(suggestion);
    }

    private async Task<Db.Suggestion> FindAsync(string id, Validator v, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var guid))
        {
            v.Add("id", "must be a suggestion id");
        }
        v.ThrowIfInvalid();
        return await db.Suggestions.FindAsync([guid], ct) ?? throw new NotFoundException("No such suggestion.");
    }

    private byte[] KeyOf(Db.Suggestion s) => SealedBox.Open(keys.Master, s.WrappedKey, SealedBox.Aad(s.Id, "data-key"));

    private Suggestion ToProto(Db.Suggestion s)
    {
        var key = KeyOf(s);
        var proto = new Suggestion
        {
            Id = s.Id.ToString(),
            Topic = s.Topic,
            Text = Encoding.UTF8.GetString(SealedBox.Open(key, s.SealedText, SealedBox.Aad(s.Id, "text"))),
            SubmitterKind = System.Enum.TryParse<SubmitterKind>(Pascal(s.SubmitterKind, "SUBMITTER_KIND_"), out var kind) ? kind : SubmitterKind.Unspecified,
            Origin = System.Enum.TryParse<SuggestionOrigin>(Pascal(s.Origin, "SUGGESTION_ORIGIN_"), out var origin) ? origin : SuggestionOrigin.Unspecified,
            Language = s.Language,
            Response = s.SealedResponse is null ? string.Empty : Encoding.UTF8.GetString(SealedBox.Open(key, s.SealedResponse, SealedBox.Aad(s.Id, "response"))),
            RespondedBy = s.RespondedBy ?? string.Empty,
            SubmittedAt = Timestamp.FromDateTimeOffset(s.SubmittedAt),
            RespondedAt = s.RespondedAt is { } at ? Timestamp.FromDateTimeOffset(at) : null,
            Reference = s.Reference ?? string.Empty,
        };
        proto.Tags.AddRange(s.Tags.Split(',', StringSplitOptions.RemoveEmptyEntries));
        return proto;
    }

    private static string Pascal(string name, string prefix) =>
        string.Concat(name.Replace(prefix, string.Empty).Split('_').Select(p => p.Length == 0 ? p : p[0] + p[1..].ToLowerInvariant()));
}
