using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Complaints.Common.V1;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults;

namespace Complaints.Routing.Domain;

/// <summary>When a proposed resolution needs a supervisor's approval, and the root causes staff choose from (section "Routing:Resolution").</summary>
public sealed class ResolutionOptions
{
    /// <summary>Refund plus compensation at or above this amount (in any currency) needs approval.</summary>
    public decimal ApprovalAmount { get; set; } = 500m;

    /// <summary>Cases at or above this severity need approval.</summary>
    public Severity ApprovalSeverity { get; set; } = Severity.High;

    /// <summary>Escalation tiers above this are refused.</summary>
    public int MaxEscalationTier { get; set; } = 3;

    /// <summary>Days a complainant has to answer a request for information, when staff give none.</summary>
    public int DefaultRespondWithinDays { get; set; } = 14;

    public List<string> RootCauses { get; set; } =
    [
        "process_failure", "staff_error", "system_error", "product_design", "communication",
        "third_party", "policy", "fraud", "no_fault_found", "other",
    ];
}

/// <summary>
/// What a final response must contain per jurisdiction (Policies/final-response.json, overridable with
/// <c>Routing:FinalResponsePolicyPath</c>): statements detected by patterns, with standard wording per language.
/// </summary>
public sealed class FinalResponsePolicy
{
    private readonly Dictionary<string, Regime> _jurisdictions;
    private readonly Dictionary<string, Statement> _statements;

    private FinalResponsePolicy(Dictionary<string, Regime> jurisdictions, Dictionary<string, Statement> statements)
    {
        _jurisdictions = jurisdictions;
        _statements = statements;
    }

    public static FinalResponsePolicy Load(string path)
    {
        var file = JsonSerializer.Deserialize<PolicyFile>(File.ReadAllText(path), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })
            ?? throw new InvalidOperationException($"{path}: empty final-response policy.");
        var statements = file.Statements ?? [];
        foreach (var (code, s) in statements)
        {
            if (s.Patterns is not { Count: > 0 } || s.Patterns.Any(string.IsNullOrWhiteSpace))
            {
                throw new InvalidOperationException($"{path}: statements.{code}.patterns must list at least one non-empty pattern.");
            }
            if (s.StandardWording is null || !s.StandardWording.ContainsKey("en"))
            {
                throw new InvalidOperationException($"{path}: statements.{code}.standardWording must include \"en\".");
            }
        }
        var jurisdictions = file.Jurisdictions ?? [];
        foreach (var (name, regime) in jurisdictions)
        {
            if (!Enum.GetValues<Jurisdiction>().Any(j => ProtoEnums.Name(j) == name))
            {
                throw new InvalidOperationException($"{path}: jurisdictions.{name} is not a jurisdiction (e.g. JURISDICTION_UK_FCA).");
            }
            foreach (var code in (regime.Full ?? []).Concat(regime.Summary ?? []))
            {
                if (!statements.ContainsKey(code))
                {
                    throw new InvalidOperationException($"{path}: jurisdictions.{name} names unknown statement \"{code}\".");
                }
            }
        }
        return new FinalResponsePolicy(jurisdictions, statements);
    }

    /// <summary>The statements required for the jurisdiction; the summary set when <paramref name="summary"/> and one exists.</summary>
    public IReadOnlyList<RequiredStatement> Required(Jurisdiction jurisdiction, bool summary, string language)
    {
        if (!_jurisdictions.TryGetValue(ProtoEnums.Name(jurisdiction), out var regime))
        {
            return [];
        }
        var codes = summary && regime.Summary is { } s ? s : regime.Full ?? [];
        return codes.Select(code =>
        {
            var statement = _statements[code];
            return new RequiredStatement
            {
                Code = code,
                Description = statement.Description ?? "",
                StandardWording = Wording(statement, language),
            };
        }).ToList();
    }

    public bool HasSummaryPath(Jurisdiction jurisdiction) =>
        _jurisdictions.TryGetValue(ProtoEnums.Name(jurisdiction), out var regime) && regime.Summary is not null;

    /// <summary>The required statements the text lacks.</summary>
    public IReadOnlyList<RequiredStatement> Missing(Jurisdiction jurisdiction, bool summary, string language, string text)
    {
        var haystack = Fold(text);
        return Required(jurisdiction, summary, language)
            .Where(r => !_statements[r.Code].Patterns!.Any(p => haystack.Contains(Fold(p), StringComparison.Ordinal)))
            .ToList();
    }

    private static string Wording(Statement statement, string language)
    {
        var wording = statement.StandardWording!;
        var primary = language.Split('-')[0].ToLowerInvariant();
        return wording.TryGetValue(language, out var exact) ? exact
            : wording.TryGetValue(primary, out var byPrimary) ? byPrimary
            : wording["en"];
    }

    private static string Fold(string value) => value.Normalize(NormalizationForm.FormC).ToLower(CultureInfo.InvariantCulture);

    private sealed class PolicyFile
    {
        public Dictionary<string, Regime>? Jurisdictions { get; set; }
        public Dictionary<string, Statement>? Statements { get; set; }
    }

    private sealed class Regime
    {
        public List<string>? Full { get; set; }
        public List<string>? Summary { get; set; }
    }

    private sealed class Statement
    {
        public string? Description { get; set; }
        public List<string>? Patterns { get; set; }
        public Dictionary<string, string>? StandardWording { get; set; }
    }
}
