using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Complaints.Intake.V1;
using Complaints.Routing.Data;
using Complaints.Routing.V1;

namespace Complaints.Routing.Directory;

/// <summary>Initial assessment: severity from category, amount in dispute and vulnerability or safety keywords (multilingual, configurable).</summary>
public sealed class Triage(TriagePolicy policy)
{
    /// <summary>The shipped policy (Policies/triage.json next to the service), for callers that construct it by hand.</summary>
    public Triage() : this(LoadPolicy(Path.Combine(AppContext.BaseDirectory, "Policies", "triage.json")))
    {
    }

    private readonly KeywordGroup[] _groups = policy.KeywordGroups.Select(KeywordGroup.From).ToArray();

    public TriagePolicy Policy => policy;

    /// <summary>The severity for a new case; <paramref name="text"/> is the complaint's words, scanned and not kept.</summary>
    public Severity Assess(Case c, string? text) => Explain(c, text).Severity;

    /// <summary>The assessment with the points each factor gave (for tests and the log).</summary>
    public TriageResult Explain(Case c, string? text)
    {
        var category = policy.Categories.Weights.TryGetValue(c.Category ?? "", out var weight) ? weight : policy.Categories.Default;
        var amount = AmountPoints(c.AmountInDispute, c.Currency);
        var kindName = Enum.IsDefined((ComplainantKind)c.ComplainantKind) ? ProtoName((ComplainantKind)c.ComplainantKind) : "";
        var kind = policy.ComplainantKinds.TryGetValue(kindName, out var kindPoints) ? kindPoints : 0;
        var folded = Fold(text);
        var matched = folded.Length == 0 ? [] : _groups.Where(g => g.Matches(folded)).ToArray();
        var total = category + amount + kind + matched.Sum(g => g.Points);
        var severity = policy.Levels.SeverityFor(total);
        foreach (var g in matched)
        {
            if (g.Minimum > severity)
            {
                severity = g.Minimum;
            }
        }
        return new TriageResult(severity, total, category, amount, kind, matched.Select(g => g.Name).ToArray());
    }

    private int AmountPoints(decimal? amount, string? currency)
    {
        if (amount is not { } value || value <= 0)
        {
            return 0;
        }
        var bands = currency is { Length: > 0 } && policy.Amounts.ByCurrency.TryGetValue(currency.ToUpperInvariant(), out var own) ? own : policy.Amounts.Default;
        return bands.Where(b => value >= b.AtLeast).Select(b => b.Points).DefaultIfEmpty(0).Max();
    }

    /// <summary>NFC and case folding, so "FRAUD", "Fraud" and decomposed Hangul match the same terms.</summary>
    public static string Fold(string? text) =>
        string.IsNullOrEmpty(text) ? "" : text.Normalize(NormalizationForm.FormC).ToLowerInvariant().Normalize(NormalizationForm.FormC);

    public static string ProtoName(Enum value) =>
        value.GetType().GetField(value.ToString())?.GetCustomAttributes(typeof(Google.Protobuf.Reflection.OriginalNameAttribute), false)
            .OfType<Google.Protobuf.Reflection.OriginalNameAttribute>().FirstOrDefault()?.Name ?? value.ToString();

    /// <summary>Loads and validates the policy file; a bad file stops the service with the field named.</summary>
    public static Triage Load(string path) => new(LoadPolicy(path));

    public static TriagePolicy LoadPolicy(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"Triage policy {path} not found (Routing:TriagePolicyPath).");
        }
        TriagePolicy? policy;
        try
        {
            policy = JsonSerializer.Deserialize<TriagePolicy>(File.ReadAllText(path), TriagePolicy.Json);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"Triage policy {path}: {e.Path}: {e.Message}", e);
        }
        if (policy is null)
        {
            throw new InvalidOperationException($"Triage policy {path} is empty.");
        }
        var problems = policy.Validate();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"Triage policy {path} is invalid: {string.Join("; ", problems)}");
        }
        return policy;
    }

    private sealed record KeywordGroup(string Name, int Points, Severity Minimum, Regex? Words, string[] Substrings)
    {
        public bool Matches(string folded) => (Words?.IsMatch(folded) ?? false) || Substrings.Any(folded.Contains);

        public static KeywordGroup From(TriagePolicy.KeywordGroupPolicy g)
        {
            var terms = g.Terms.Values.SelectMany(t => t).Select(Fold).Where(t => t.Length > 0).Distinct().ToArray();
            // Korean attaches particles and endings to the word ("사기를", "위험합니다"): substrings. Elsewhere whole
            // words, or word starts for a trailing * (Bulgarian and English inflections).
            var hangul = terms.Where(IsHangul).ToArray();
            var words = terms.Except(hangul).Select(t => t.EndsWith('*')
                ? @"(?<![\p{L}\p{N}])" + Regex.Escape(t.TrimEnd('*'))
                : @"(?<![\p{L}\p{N}])" + Regex.Escape(t) + @"(?![\p{L}\p{N}])").ToArray();
            var regex = words.Length == 0 ? null : new Regex(string.Join("|", words), RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromSeconds(1));
            return new KeywordGroup(g.Name, g.Points, g.Minimum is { Length: > 0 } m ? TriagePolicy.ParseSeverity(m)!.Value : Severity.Unspecified, regex, hangul);
        }

        private static bool IsHangul(string term) => term.Any(ch => ch is >= '\uAC00' and <= '\uD7A3' or >= '\u1100' and <= '\u11FF' or >= '\u3130' and <= '\u318F');
    }
}

public sealed record TriageResult(Severity Severity, int Points, int CategoryPoints, int AmountPoints, int ComplainantKindPoints, string[] KeywordGroups);

/// <summary>The triage data (Policies/triage.json).</summary>
public sealed class TriagePolicy
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public string? Description { get; set; }
    public LevelPolicy Levels { get; set; } = new();
    public CategoryPolicy Categories { get; set; } = new();
    public AmountPolicy Amounts { get; set; } = new();
    public Dictionary<string, int> ComplainantKinds { get; set; } = [];
    public List<KeywordGroupPolicy> KeywordGroups { get; set; } = [];

    public sealed class LevelPolicy
    {
        public int Medium { get; set; }
        public int High { get; set; }
        public int Critical { get; set; }

        public Severity SeverityFor(int points) =>
            points >= Critical ? Severity.Critical : points >= High ? Severity.High : points >= Medium ? Severity.Medium : Severity.Low;
    }

    public sealed class CategoryPolicy
    {
        public int Default { get; set; }
        public Dictionary<string, int> Weights { get; set; } = [];
    }

    public sealed class AmountPolicy
    {
        public List<AmountBand> Default { get; set; } = [];
        public Dictionary<string, List<AmountBand>> ByCurrency { get; set; } = [];
    }

    public sealed class AmountBand
    {
        public decimal AtLeast { get; set; }
        public int Points { get; set; }
    }

    public sealed class KeywordGroupPolicy
    {
        public string Name { get; set; } = "";
        public int Points { get; set; }
        /// <summary>A level the case gets at least when a term matches (e.g. "CRITICAL"); empty: points only.</summary>
        public string? Minimum { get; set; }
        /// <summary>Terms by language (BCP 47); all languages are scanned, the complaint may mix them.</summary>
        public Dictionary<string, List<string>> Terms { get; set; } = [];
    }

    public static Severity? ParseSeverity(string value)
    {
        var name = value.Trim().ToUpperInvariant();
        name = name.StartsWith("SEVERITY_", StringComparison.Ordinal) ? name : "SEVERITY_" + name;
        return Enum.GetValues<Severity>().Where(s => s != Severity.Unspecified).Cast<Severity?>()
            .FirstOrDefault(s => Triage.ProtoName(s!.Value) == name);
    }

    /// <summary>Every problem, each naming its field (JSON path).</summary>
    public List<string> Validate()
    {
        var problems = new List<string>();
        if (Levels.Medium <= 0)
        {
            problems.Add("levels.medium must be positive");
        }
        if (Levels.High <= Levels.Medium)
        {
            problems.Add("levels.high must be greater than levels.medium");
        }
        if (Levels.Critical <= Levels.High)
        {
            problems.Add("levels.critical must be greater than levels.high");
        }
        foreach (var (category, weight) in Categories.Weights)
        {
            if (string.IsNullOrWhiteSpace(category))
            {
                problems.Add("categories.weights: a category code is empty");
            }
            if (weight < 0)
            {
                problems.Add($"categories.weights.{category} must not be negative");
            }
        }
        ValidateBands("amounts.default", Amounts.Default, problems);
        foreach (var (currency, bands) in Amounts.ByCurrency)
        {
            if (!Regex.IsMatch(currency, "^[A-Z]{3}$"))
            {
                problems.Add($"amounts.byCurrency.{currency} is not an ISO 4217 code (three capital letters)");
            }
            ValidateBands($"amounts.byCurrency.{currency}", bands, problems);
        }
        var kinds = Enum.GetValues<ComplainantKind>().Select(k => Triage.ProtoName(k)).ToHashSet();
        foreach (var (kind, points) in ComplainantKinds)
        {
            if (!kinds.Contains(kind))
            {
                problems.Add($"complainantKinds.{kind} is not a complainant kind ({string.Join(", ", kinds)})");
            }
            if (points < 0)
            {
                problems.Add($"complainantKinds.{kind} must not be negative");
            }
        }
        for (var i = 0; i < KeywordGroups.Count; i++)
        {
            var g = KeywordGroups[i];
            var at = $"keywordGroups[{i}]";
            if (string.IsNullOrWhiteSpace(g.Name))
            {
                problems.Add($"{at}.name is required");
            }
            if (g.Points < 0)
            {
                problems.Add($"{at}.points must not be negative");
            }
            if (g.Minimum is { Length: > 0 } minimum && ParseSeverity(minimum) is null)
            {
                problems.Add($"{at}.minimum must be LOW, MEDIUM, HIGH or CRITICAL");
            }
            if (g.Terms.Count == 0)
            {
                problems.Add($"{at}.terms needs at least one language");
            }
            foreach (var (language, terms) in g.Terms)
            {
                for (var j = 0; j < terms.Count; j++)
                {
                    if (string.IsNullOrWhiteSpace(terms[j]) || terms[j].Trim('*').Trim().Length == 0)
                    {
                        problems.Add($"{at}.terms.{language}[{j}] is empty");
                    }
                }
            }
        }
        return problems;
    }

    private static void ValidateBands(string at, List<AmountBand> bands, List<string> problems)
    {
        for (var i = 0; i < bands.Count; i++)
        {
            if (bands[i].AtLeast <= 0)
            {
                problems.Add($"{at}[{i}].atLeast must be positive");
            }
            if (bands[i].Points < 0)
            {
                problems.Add($"{at}[{i}].points must not be negative");
            }
        }
    }
}
