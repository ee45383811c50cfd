namespace Complaints.Intake.Domain;

public sealed class IntakeOptions
{
    /// <summary>The accepted categories (lower case). Default: billing, service, product, conduct, privacy, other.</summary>
    public List<string> Categories { get; set; } = [];

    /// <summary>Deadline for each query Intake makes to Routing and Notifications while composing the tracking view.</summary>
    public TimeSpan DependencyTimeout { get; set; } = TimeSpan.FromSeconds(2);

    public IReadOnlyList<string> EffectiveCategories =>
        Categories.Count > 0 ? Categories : ["billing", "service", "product", "conduct", "privacy", "other"];
}
