namespace Complaints.Intake.Domain;

public sealed class IntakeOptions
{
    /// <summary>The taxonomy: "default" (billing, service, product, conduct, privacy, other), "cfpb", or a JSON file's path.</summary>
    public string Taxonomy { get; set; } = "default";

    /// <summary>Deadline for each query Intake makes to Routing and Notifications while composing the tracking view.</summary>
    public TimeSpan DependencyTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A complaint by the same complainant in the same category within this window is a possible duplicate.</summary>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromDays(30);
}
