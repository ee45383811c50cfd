using System.Text.Json;

namespace Complaints.Web.Portal.Submit;

public sealed record SubcategoryChoice(string Id, string Label);

public sealed record CategoryChoice(string Id, string Label, IReadOnlyList<SubcategoryChoice> Subcategories);

/// <summary>The choices the submit form offers: the organisation's categories and the attachment limits.</summary>
public sealed record SubmitChoices(IReadOnlyList<CategoryChoice> Categories, long MaxAttachmentBytes, int MaxAttachments)
{
    public CategoryChoice? Category(string? id) => Categories.FirstOrDefault(c => c.Id == id);
}

/// <summary>
/// Where the submit form's categories come from: the one place to change when Intake serves its taxonomy.
/// <para>
/// Stop-gap until Intake's public GetTaxonomy RPC is merged (branch intake-portal): reads the same taxonomy file Intake
/// is configured with (<c>Portal:Taxonomy</c>, as <c>Intake:Taxonomy</c>: "default", "cfpb" or a path), with English
/// labels. The limits are Intake's defaults.
/// </para>
/// </summary>
public sealed class SubmitTaxonomy(IConfiguration configuration)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    private readonly Lazy<SubmitChoices> _choices = new(() => Load(configuration["Portal:Taxonomy"]));

    public Task<SubmitChoices> GetAsync(string language, CancellationToken ct) => Task.FromResult(_choices.Value);

    private static SubmitChoices Load(string? nameOrPath)
    {
        var value = string.IsNullOrWhiteSpace(nameOrPath) ? "default" : nameOrPath.Trim();
        var path = value.Contains('/') || value.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            ? value
            : Path.Combine(AppContext.BaseDirectory, "Taxonomies", value + ".json");
        var file = JsonSerializer.Deserialize<TaxonomyFile>(File.ReadAllText(path), Json)
            ?? throw new InvalidOperationException($"Portal:Taxonomy: {path} is empty.");
        var categories = (file.Categories ?? []).Select(c => new CategoryChoice(c.Id, c.Label,
            (c.Subcategories ?? []).Select(s => new SubcategoryChoice(s.Id, s.Label)).ToList())).ToList();
        return new SubmitChoices(categories, 10 * 1024 * 1024, 5);
    }

    private sealed record TaxonomyFile(List<FileCategory>? Categories);

    private sealed record FileCategory(string Id, string Label, List<SubcategoryChoice>? Subcategories);
}
