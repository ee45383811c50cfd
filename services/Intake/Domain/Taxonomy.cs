using System.Text.Json;

namespace Complaints.Intake.Domain;

public sealed record TaxonomyEntry(string Id, string Label);

/// <summary>A category with its regulator mappings: the UK FCA DISP 1 Annex 1 product group and the CFPB product.</summary>
public sealed record TaxonomyCategory(string Id, string Label, string FcaProductGroup, string CfpbProduct, IReadOnlyList<TaxonomyEntry> Subcategories);

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
    }

    public string Name { get; }

    public IReadOnlyList<TaxonomyCategory> Categories { get; }

    /// <summary>A category by id or label, ignoring case (imports carry labels, APIs ids).</summary>
    public TaxonomyCategory? Find(string? idOrLabel)
    {
        var key = (idOrLabel ?? string.Empty).Trim();
        return Categories.FirstOrDefault(c => string.Equals(c.Id, key, StringComparison.OrdinalIgnoreCase))
            ?? Categories.FirstOrDefault(c => string.Equals(c.Label, key, StringComparison.OrdinalIgnoreCase));
    }

    public static TaxonomyEntry? FindSubcategory(TaxonomyCategory category, string? idOrLabel)
    {
        var key = (idOrLabel ?? string.Empty).Trim();
        return category.Subcategories.FirstOrDefault(s => string.Equals(s.Id, key, StringComparison.OrdinalIgnoreCase))
            ?? category.Subcategories.FirstOrDefault(s => string.Equals(s.Label, key, StringComparison.OrdinalIgnoreCase));
    }

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
