using Complaints.Common.V1;
using Complaints.Intake.V1;
using Complaints.Routing.Data;
using Complaints.Routing.V1;

namespace Complaints.Routing.Directory;

/// <summary>First match wins; every condition a rule sets must hold, an unset condition matches anything.</summary>
public static class RoutingRuleMatcher
{
    public static RoutingRule? FirstMatch(RoutingRules rules, Case c) => rules.Rules.FirstOrDefault(r => Matches(r, c));

    public static bool Matches(RoutingRule r, Case c) =>
        (r.Categories.Count == 0 || r.Categories.Any(x => string.Equals(x.Trim(), c.Category, StringComparison.OrdinalIgnoreCase)))
        && (r.Channels.Count == 0 || r.Channels.Contains((Channel)c.Channel))
        && (r.Jurisdictions.Count == 0 || r.Jurisdictions.Contains((Jurisdiction)c.Jurisdiction))
        && (r.MinSeverity == Severity.Unspecified || c.Severity >= (int)r.MinSeverity)
        && (r.ComplainantKinds.Count == 0 || r.ComplainantKinds.Contains((ComplainantKind)c.ComplainantKind))
        && (r.Languages.Count == 0 || r.Languages.Any(l => LanguagePrefix(l, c.PreferredLanguage)));

    /// <summary>"ko" matches "ko" and "ko-KR" but not "kok"; BCP 47 is case-insensitive.</summary>
    public static bool LanguagePrefix(string prefix, string? tag)
    {
        prefix = prefix.Trim();
        tag = tag?.Trim() ?? "";
        return prefix.Length > 0 && tag.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            && (tag.Length == prefix.Length || tag[prefix.Length] == '-');
    }
}
