using Microsoft.EntityFrameworkCore;

namespace Complaints.Routing.Data;

/// <summary>
/// One deadline of a case (<see cref="Complaints.Routing.V1.ClockKind"/>): internal SLA clocks pause while the
/// case waits for the complainant, statutory clocks never do.
/// </summary>
public sealed class CaseClock
{
    public long Id { get; set; }
    public Guid ComplaintId { get; set; }
    public int Kind { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public bool Pausable { get; set; }
    public DateTimeOffset? PausedAt { get; set; }
    /// <summary>Set when the clock's goal was met or the case ended.</summary>
    public DateTimeOffset? StoppedAt { get; set; }
    public bool Breached { get; set; }
    /// <summary>The highest threshold already announced (0, 50, 75, 90, 100).</summary>
    public int LastPercentFired { get; set; }
}

/// <summary>One warning or breach announced; unique per clock, threshold and deadline so it never fires twice.</summary>
public sealed class ClockFiring
{
    public long Id { get; set; }
    public Guid ComplaintId { get; set; }
    public int Kind { get; set; }
    public int Percent { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public DateTimeOffset FiredAt { get; set; }
}

public static class ClockModel
{
    public static ModelBuilder AddClocks(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<CaseClock>(e =>
        {
            e.ToTable("case_clock");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.ComplaintId, x.Kind }).IsUnique();
            e.HasIndex(x => new { x.StoppedAt, x.DueAt });
        });
        modelBuilder.Entity<ClockFiring>(e =>
        {
            e.ToTable("clock_firing");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.ComplaintId, x.Kind, x.Percent, x.DueAt }).IsUnique();
        });
        return modelBuilder;
    }
}
