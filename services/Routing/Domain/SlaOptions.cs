namespace Complaints.Routing.Domain;

/// <summary>The default internal SLA, counted from receipt (section "Sla").</summary>
public sealed class SlaOptions
{
    public TimeSpan AcknowledgeWithin { get; set; } = TimeSpan.FromHours(24);
    public TimeSpan ResolveWithin { get; set; } = TimeSpan.FromDays(56);
}
