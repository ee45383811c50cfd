using System.Text;
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
/// Insights' master key (<c>Insights:MasterKey</c>, base64 of 32 bytes) wraps each suggestion's own key. Without the
/// setting (one machine, development) a key file in DataDir is made once; production sets the key.
/// </summary>
public sealed class SuggestionKeys(IConfiguration configuration)
{
    private readonly Lazy<byte[]> _master = new(() =>
    {
        if (configuration["Insights:MasterKey"] is { Length: > 0 })
        {
            return SealedBox.ReadKey(configuration, "Insights:MasterKey");
        }
        var path = Path.Combine(configuration.DataDirectory(), "insights-master.key");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, Convert.ToBase64String(SealedBox.NewKey()));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
        return Convert.FromBase64String(File.ReadAllText(path).Trim());
    });

    public byte[] Master => _master.Value;
}

/// <summary>The suggestion box: anyone submits, staff tag and respond; the words feed the term counts per topic.</summary>
public sealed class Suggestions(Db.InsightsDbContext db, SuggestionKeys keys, TimeProvider clock, Detector detector)
{
    public const int MaxText = 4000;
    public const int MaxTags = 10;

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
        v.ThrowIfInvalid();

        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var key = SealedBox.NewKey();
        var suggestion = new Db.Suggestion
        {
            Id = id,
            Topic = topic,
            WrappedKey = SealedBox.Seal(keys.Master, key, SealedBox.Aad(id, "data-key")),
            SealedText = SealedBox.Seal(key, Encoding.UTF8.GetBytes(text), SealedBox.Aad(id, "text")),
            SubmitterKind = ProtoEnums.Name(request.SubmitterKind == SubmitterKind.Unspecified ? SubmitterKind.Anonymous : request.SubmitterKind),
            Origin = ProtoEnums.Name(request.Origin == SuggestionOrigin.Unspecified ? SuggestionOrigin.SuggestionBox : request.Origin),
            Language = language.Length > 0 ? language : "en",
            SubmittedAt = now,
        };
        db.Suggestions.Add(suggestion);
        var day = Days.Of(now);
        var terms = Tokenizer.Terms(text);
        await db.AddTermsAsync(TermSources.Suggestion, topic, TermCounting.LanguageOf(suggestion.Language), day, terms, owner: null, ct);
        await detector.CheckTermsAsync(db, TermSources.Suggestion, topic, day, terms, reference: string.Empty, ct);
        await db.SaveChangesAsync(ct);
        return new SubmitSuggestionResponse { Id = id.ToString(), SubmittedAt = Timestamp.FromDateTimeOffset(now) };
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
        suggestion.Tags = string.Join(',', tags);
        await db.SaveChangesAsync(ct);
        return ToProto(suggestion);
    }

    public async Task<Suggestion> RespondAsync(RespondToSuggestionRequest request, string staff, CancellationToken ct)
    {
        var v = new Validator();
        var text = v.Text("response", request.Response, 1, MaxText);
        var suggestion = await FindAsync(request.Id, v, ct);
        suggestion.SealedResponse = SealedBox.Seal(KeyOf(suggestion), Encoding.UTF8.GetBytes(text), SealedBox.Aad(suggestion.Id, "response"));
        suggestion.RespondedBy = staff;
        suggestion.RespondedAt = clock.GetUtcNow();
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
        };
        proto.Tags.AddRange(s.Tags.Split(',', StringSplitOptions.RemoveEmptyEntries));
        return proto;
    }

    private static string Pascal(string name, string prefix) =>
        string.Concat(name.Replace(prefix, string.Empty).Split('_').Select(p => p.Length == 0 ? p : p[0] + p[1..].ToLowerInvariant()));
}
