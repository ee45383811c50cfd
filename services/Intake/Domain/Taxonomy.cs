using System.Text.Json;

namespace Complaints.Intake.Domain;

/// <summary>A subcategory: its id (the code stored), its English label and its labels in other languages.</summary>
public sealed record TaxonomyEntry(string Id, string Label, IReadOnlyDictionary<string, string>? Labels = null)
{
    /// <summary>The label in <paramref name="language"/> (a key of <see cref="Labels"/>), else the English one.</summary>
    public string LabelIn(string language) => Taxonomy.LabelIn(Label, Labels, language);
}

/// <summary>
/// A category with its regulator mappings (the UK FCA DISP 1 Annex 1 product group and the CFPB product), its English
/// label and its labels in other languages (<c>"labels": { "ko": "...", "bg": "..." }</c>, keys BCP 47).
/// </summary>
public sealed record TaxonomyCategory(string Id, string Label, string FcaProductGroup, string CfpbProduct, IReadOnlyList<TaxonomyEntry> Subcategories,
    IReadOnlyDictionary<string, string>? Labels = null)
{
    public string LabelIn(string language) => Taxonomy.LabelIn(Label, Labels, language);
}

/// <summary>
/// The categories a complaint can be filed under, as data: <c>Intake:Taxonomy</c> names a shipped one
/// ("default", or "cfpb": the CFPB product/issue taxonomy) or a path to an organisation's own JSON file.
/// </summary>
public sealed class Taxonomy
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    public Taxonomy(string name, IReadOnlyList<TaxonomyCategory> categories)
    {
        Name = name;
        Categories = categories;
        if (categories.Count == 0)
        {
            throw new InvalidOperationException($"Taxonomy {name} has no categories.");
        }
        var unmapped = categories.FirstOrDefault(c => string.IsNullOrWhiteSpace(c.Id) || string.IsNullOrWhiteSpace(c.FcaProductGroup) || string.IsNullOrWhiteSpace(c.CfpbProduct));
        if (unmapped is not null)
        {
            throw new InvalidOperationException($"Taxonomy {name}: category '{unmapped.Id}' needs an id, an fcaProductGroup and a cfpbProduct (regulator returns use them).");
        }
        var duplicate = categories.GroupBy(c => c.Id, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Taxonomy {name} lists category {duplicate.Key} twice.");
        }
        foreach (var (owner, labels) in categories.SelectMany(c => c.Subcategories.Select(e => ($"{c.Id}/{e.Id}", e.Labels)).Prepend((c.Id, c.Labels))))
        {
            foreach (var (language, label) in labels ?? new Dictionary<string, string>())
            {
                if (!ComplaintValidation.IsLanguageTag(language) || string.IsNullOrWhiteSpace(label))
                {
                    throw new InvalidOperationException($"Taxonomy {name}: {owner} has a label '{language}': '{label}'; labels are keyed by a BCP 47 language tag (e.g. \"ko\", \"bg\") and not empty.");
                }
            }
        }
        Languages = categories.SelectMany(c => c.Subcategories.Select(e => e.Labels).Prepend(c.Labels))
            .SelectMany(l => l?.Keys ?? Enumerable.Empty<string>())
            .Select(l => l.ToLowerInvariant()).Append("en").ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The languages the taxonomy has labels in (lower case), English (the plain <c>label</c>) always.</summary>
    public IReadOnlySet<string> Languages { get; }

    /// <summary>
    /// The language labels are given in for a request in <paramref name="requested"/> (BCP 47): the tag itself, else its
    /// primary language ("ko-KR": "ko"), when the taxonomy has labels in it; else English.
    /// </summary>
    public string LanguageFor(string? requested)
    {
        var tag = (requested ?? "").Trim().ToLowerInvariant();
        var dash = tag.IndexOf('-');
        return new[] { tag, dash > 0 ? tag[..dash] : "" }.FirstOrDefault(t => t.Length > 0 && Languages.Contains(t)) ?? "en";
    }

    /// <summary>The label in <paramref name="language"/> (as <see cref="LanguageFor"/> chose it), else the English one.</summary>
    internal static string LabelIn(string english, IReadOnlyDictionary<string, string>? labels, string language) =>
        labels?.FirstOrDefault(l => string.Equals(l.Key, language, StringComparison.OrdinalIgnoreCase)).Value is { Length: > 0 } label ? label : english;

    public string Name { get; }

    public IReadOnlyList<TaxonomyCategory> Categories { get; }

    /// <summary>A category by id or label (English, else any language), ignoring case (imports carry labels, APIs ids).</summary>
    public TaxonomyCategory? Find(string? idOrLabel)
    {
        var key = (idOrLabel ?? string.Empty).Trim();
        return Categories.FirstOrDefault(c => string.Equals(c.Id, key, StringComparison.OrdinalIgnoreCase))
            ?? Categories.FirstOrDefault(c => string.Equals(c.Label, key, StringComparison.OrdinalIgnoreCase))
            ?? Categories.FirstOrDefault(c => HasLabel(c.Labels, key));
    }

    public static TaxonomyEntry? FindSubcategory(TaxonomyCategory category, string? idOrLabel)
    {
        var key = (idOrLabel ?? string.Empty).Trim();
        return category.Subcategories.FirstOrDefault(s => string.Equals(s.Id, key, StringComparison.OrdinalIgnoreCase))
            ?? category.Subcategories.FirstOrDefault(s => string.Equals(s.Label, key, StringComparison.OrdinalIgnoreCase))
            ?? category.Subcategories.FirstOrDefault(s => HasLabel(s.Labels, key));
    }

    private static bool HasLabel(IReadOnlyDictionary<string, string>? labels, string key) =>
        labels?.Values.Any(l => string.Equals(l.Trim(), key, StringComparison.OrdinalIgnoreCase)) == true;

    /// <summary>"default" or "cfpb" (shipped with the service), or a path to a JSON file of the same shape.</summary>
    public static Taxonomy Load(string? nameOrPath)
    {
        var value = string.IsNullOrWhiteSpace(nameOrPath) ? "default" : nameOrPath.Trim();
        var path = value.Contains('/') || value.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            ? value
            : Path.Combine(AppContext.BaseDirectory, "Taxonomies", value + ".json");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"Intake:Taxonomy: no taxonomy file at {path}.");
        }
        var file = JsonSerializer.Deserialize<TaxonomyFile>(File.ReadAllText(path), Json)
            ?? throw new InvalidOperationException($"Intake:Taxonomy: {path} is empty.");
        return new Taxonomy(file.Name ?? Path.GetFileNameWithoutExtension(path),
            (file.Categories ?? []).Select(c => c with { Subcategories = c.Subcategories ?? [] }).ToList());
    }

    private sealed record TaxonomyFile(string? Name, List<TaxonomyCategory>? Categories);
}
