using Microsoft.EntityFrameworkCore;

namespace Complaints.Routing.Data;

/// <summary>A member of staff who handles cases; <see cref="Id"/> is their token subject.</summary>
public sealed class StaffAgent
{
    public required string Id { get; set; }
    public required string DisplayName { get; set; }
    /// <summary>BCP 47 tags, comma-separated.</summary>
    public string Languages { get; set; } = "";
    /// <summary>Category codes, comma-separated; empty: any.</summary>
    public string Categories { get; set; } = "";
    public int Capacity { get; set; }
    public bool Active { get; set; } = true;
    /// <summary>Queue ids, comma-separated.</summary>
    public string QueueIds { get; set; } = "";
    /// <summary>Optional work address for staff alerts (Notifications asks for it by agent id).</summary>
    public string? Email { get; set; }
    public List<AgentAbsence> Absences { get; set; } = [];
}

public sealed class AgentAbsence
{
    public long Id { get; set; }
    public required string AgentId { get; set; }
    public DateTimeOffset From { get; set; }
    public DateTimeOffset Until { get; set; }
}

public sealed class CaseQueue
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public string? DesignatedContactId { get; set; }
    /// <summary>Agent ids, comma-separated.</summary>
    public string SupervisorIds { get; set; } = "";
}

/// <summary>The ordered routing rules, stored as one validated JSON document (replaced as a whole).</summary>
public sealed class RoutingRuleSet
{
    public int Id { get; set; }
    public required string Json { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public required string UpdatedBy { get; set; }
}

public static class DirectoryModel
{
    public static ModelBuilder AddDirectory(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<StaffAgent>(e =>
        {
            e.ToTable("agent");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(200);
            e.Property(x => x.DisplayName).HasMaxLength(200);
            e.Property(x => x.Email).HasMaxLength(254);
            e.HasMany(x => x.Absences).WithOne().HasForeignKey(a => a.AgentId);
        });
        modelBuilder.Entity<AgentAbsence>(e =>
        {
            e.ToTable("agent_absence");
            e.HasKey(x => x.Id);
            e.Property(x => x.AgentId).HasMaxLength(200);
        });
        modelBuilder.Entity<CaseQueue>(e =>
        {
            e.ToTable("queue");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.DesignatedContactId).HasMaxLength(200);
        });
        modelBuilder.Entity<RoutingRuleSet>(e =>
        {
            e.ToTable("routing_rules");
            e.HasKey(x => x.Id);
            e.Property(x => x.UpdatedBy).HasMaxLength(200);
        });
        return modelBuilder;
    }
}
