using Complaints.Eventing;
using Complaints.ServiceDefaults.Data;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Insights.Data;

/// <summary>An incremental aggregate: a count per (dimension, key). No personal data.</summary>
public sealed class Counter
{
    public required string Dimension { get; set; }
    public required string Key { get; set; }
    public long Value { get; set; }
}

/// <summary>
/// One day's value of one metric for one key of one dimension ("all"/"", "category"/"billing"...).
/// Queries sum rows over days, so their cost depends on days and keys, never on complaint counts.
/// </summary>
public sealed class DailyMetric
{
    /// <summary><see cref="DateOnly.DayNumber"/> of the UTC day.</summary>
    public int Day { get; set; }
    public required string Dimension { get; set; }
    public required string Key { get; set; }
    public required string Metric { get; set; }
    public long Value { get; set; }
}

/// <summary>
/// What a later event needs to attribute itself to the case's dimensions: ids and classification only,
/// no personal data, no text.
/// </summary>
public sealed class CaseFact
{
    public required string ComplaintId { get; set; }
    public string Reference { get; set; } = string.Empty;
    public string Category { get; set; } = string.Empty;
    public string Subcategory { get; set; } = string.Empty;
    public string Channel { get; set; } = string.Empty;
    public string Jurisdiction { get; set; } = string.Empty;
    /// <summary>The queue the case is in now: event figures go to the queue at the time of the event.</summary>
    public string Queue { get; set; } = string.Empty;
    /// <summary>The case's first queue: cohort figures (counted on the received day) go there.</summary>
    public string FirstQueue { get; set; } = string.Empty;
    public string FcaProductGroup { get; set; } = string.Empty;
    public string CfpbProduct { get; set; } = string.Empty;
    public string Language { get; set; } = string.Empty;
    public bool HasContact { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public bool Open { get; set; } = true;
    public bool Escalated { get; set; }
    public bool Reopened { get; set; }
    public bool Resolved { get; set; }
    public bool HasStatutoryDeadline { get; set; }
    public bool WithinStatutory { get; set; }
    public bool MonetaryRelief { get; set; }
    public bool Erased { get; set; }
    /// <summary>The day the case was first closed (not merged): it counts closed once, there (docs/insights.md).</summary>
    public int? ClosedDay { get; set; }
    /// <summary>The queue at that first close, where a later re-close corrects the outcome.</summary>
    public string ClosedQueue { get; set; } = string.Empty;
    public bool ClosedUpheld { get; set; }
    public string ClosedCfpbKey { get; set; } = string.Empty;
}

/// <summary>
/// One day of one cell of the dashboard's cube: a (category, channel, jurisdiction, queue) combination where any of the
/// four may be <see cref="Domain.SeriesCells.Any"/> ("*": every value), so each combination of filters reads its own
/// pre-summed row and a query's cost is days × cells asked for, never complaints (docs/insights.md). The counters are
/// the columns of <see cref="Domain.SeriesColumns"/>: the ones below plus the duration histograms, kept as shadow
/// columns Ack00..Ack63 and Resolve00..Resolve63. Counts only: no id, no reference, no text.
/// </summary>
public sealed class SeriesCell
{
    public required string Category { get; set; }
    public required string Channel { get; set; }
    public required string Jurisdiction { get; set; }
    public required string Queue { get; set; }
    /// <summary><see cref="DateOnly.DayNumber"/> of the UTC day.</summary>
    public int Day { get; set; }
    public long Received { get; set; }
    public long Closed { get; set; }
    public long Merged { get; set; }
    /// <summary>+1 received or reopened after closing (or moved in), -1 closed or merged (or moved out).</summary>
    public long Backlog { get; set; }
    public long FinalResponses { get; set; }
    public long SlaMet { get; set; }
    public long StatutoryDue { get; set; }
    public long StatutoryMet { get; set; }
    public long Escalated { get; set; }
    public long Resolved { get; set; }
    public long Reopened { get; set; }
    public long SurveyAnswers { get; set; }
    public long SurveySatisfied { get; set; }
    public long SurveyResolved { get; set; }
    public long SurveySatisfactionSum { get; set; }
    public long SurveyEffortSum { get; set; }
}

/// <summary>Final responses with a root cause, per cell and day (the Pareto under any filters).</summary>
public sealed class SeriesRootCause
{
    public required string Category { get; set; }
    public required string Channel { get; set; }
    public required string Jurisdiction { get; set; }
    public required string Queue { get; set; }
    public int Day { get; set; }
    public required string RootCause { get; set; }
    public long Count { get; set; }
}

/// <summary>
/// A cell's backlog changes summed per calendar month, so the backlog at a series' start (the opening balance) is read
/// from at most one row per month of history plus the days of the start's own month, never from every day.
/// </summary>
public sealed class SeriesBacklogMonth
{
    public required string Category { get; set; }
    public required string Channel { get; set; }
    public required string Jurisdiction { get; set; }
    public required string Queue { get; set; }
    /// <summary>year × 12 + month − 1.</summary>
    public int Month { get; set; }
    public long Backlog { get; set; }
}

/// <summary>Documents (complaints, survey comments, suggestions) that used a term on a day. Counts, never texts.</summary>
public sealed class TermCount
{
    public long Id { get; set; }
    public int Day { get; set; }
    /// <summary>"complaint", "survey" or "suggestion".</summary>
    public required string Source { get; set; }
    public required string Category { get; set; }
    public required string Language { get; set; }
    public required string Term { get; set; }
    public long Count { get; set; }
}

/// <summary>
/// Which term counts one document of a complaint (its text, its survey comment) added to, kept only so an erasure can
/// subtract them: the bucket (source, category, language, day) and a keyed hash per term, never the words. The hash
/// is HMAC(key derived from Insights:MasterKey, complaint id, term), so without the key the record cannot be matched
/// to term texts, and two complaints' records cannot be compared (docs/insights.md).
/// </summary>
public sealed class ComplaintTerm
{
    public required string ComplaintId { get; set; }
    public required string Source { get; set; }
    public string Category { get; set; } = string.Empty;
    public string Language { get; set; } = string.Empty;
    public int Day { get; set; }
    /// <summary><see cref="Domain.TermLinks.HashSize"/> bytes per term, concatenated.</summary>
    public required byte[] Hashes { get; set; }
}

/// <summary>A lease in the database: one holder at a time until it expires (e.g. one replica rebuilding).</summary>
public sealed class Lease
{
    public required string Name { get; set; }
    public string Holder { get; set; } = string.Empty;
    public DateTimeOffset ExpiresAt { get; set; }
    /// <summary>The last rebuild id completed under this lease (<c>Insights:RebuildId</c>).</summary>
    public string LastRebuildId { get; set; } = string.Empty;
    public long Rebuilds { get; set; }
}

/// <summary>A category or term above its baseline.</summary>
public sealed class Signal
{
    public long Id { get; set; }
    public required string Kind { get; set; }
    public required string Source { get; set; }
    public required string Category { get; set; }
    public string Term { get; set; } = string.Empty;
    public int SinceDay { get; set; }
    public int LastDay { get; set; }
    public int PeakDay { get; set; }
    public long Observed { get; set; }
    public double Baseline { get; set; }
    public double ZScore { get; set; }
    /// <summary>Up to five complaint references, comma-separated (no text).</summary>
    public string Examples { get; set; } = string.Empty;
    public DateTimeOffset DetectedAt { get; set; }
}

/// <summary>A follow-up survey: one per case. Its links' tokens are kept hashed (<see cref="SurveyToken"/>).</summary>
public sealed class Survey
{
    public Guid SurveyId { get; set; }
    public required string ComplaintId { get; set; }
    public required string Reference { get; set; }
    public string Language { get; set; } = "en";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? AnsweredAt { get; set; }
    public bool? Resolved { get; set; }
    public int? Satisfaction { get; set; }
    public int? Effort { get; set; }
    /// <summary>Set when the complainant was erased: the survey can no longer be answered or linked.</summary>
    public DateTimeOffset? WithdrawnAt { get; set; }
}

/// <summary>SHA-256 of one single-use link token. Any of a survey's tokens answers it once.</summary>
public sealed class SurveyToken
{
    public required byte[] TokenHash { get; set; }
    public Guid SurveyId { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
}

/// <summary>A suggestion: its text sealed with a key of its own, wrapped by Insights' master key.</summary>
public sealed class Suggestion
{
    public Guid Id { get; set; }
    /// <summary>The public reference ("SUG-7K3F-9Q2M"); null for suggestions from before references.</summary>
    public string? Reference { get; set; }
    /// <summary>The submitter's retry key (the portal's form): a retry returns this suggestion.</summary>
    public string? IdempotencyKey { get; set; }
    public required string Topic { get; set; }
    public required byte[] SealedText { get; set; }
    public required byte[] WrappedKey { get; set; }
    public string SubmitterKind { get; set; } = string.Empty;
    public string Origin { get; set; } = string.Empty;
    public string Language { get; set; } = string.Empty;
    /// <summary>Comma-separated, lower case.</summary>
    public string Tags { get; set; } = string.Empty;
    public byte[]? SealedResponse { get; set; }
    public string? RespondedBy { get; set; }
    public DateTimeOffset SubmittedAt { get; set; }
    public DateTimeOffset? RespondedAt { get; set; }
    /// <summary>
    /// The opaque id of the address the submitter left with Intake to hear back (never the address: Insights holds no
    /// contact data); the first response appends SuggestionResponded with it. Null: no way to hear back.
    /// </summary>
    public string? ContactId { get; set; }
}

/// <summary>The model; <see cref="SqliteInsightsDbContext"/> and <see cref="SqlServerInsightsDbContext"/> carry each provider's migrations.</summary>
public class InsightsDbContext(DbContextOptions options) : DbContext(options), IEventInboxContext, IEventLogContext
{
    public DbSet<Counter> Counters => Set<Counter>();
    public DbSet<DailyMetric> DailyMetrics => Set<DailyMetric>();
    public DbSet<CaseFact> CaseFacts => Set<CaseFact>();
    public DbSet<TermCount> TermCounts => Set<TermCount>();
    public DbSet<ComplaintTerm> ComplaintTerms => Set<ComplaintTerm>();
    public DbSet<Signal> Signals => Set<Signal>();
    public DbSet<Survey> Surveys => Set<Survey>();
    public DbSet<SurveyToken> SurveyTokens => Set<SurveyToken>();
    public DbSet<Suggestion> Suggestions => Set<Suggestion>();
    public DbSet<FeedCheckpoint> FeedCheckpoints => Set<FeedCheckpoint>();
    public DbSet<ProcessedEvent> ProcessedEvents => Set<ProcessedEvent>();
    public DbSet<StoredEvent> Events => Set<StoredEvent>();
    public DbSet<Lease> Leases => Set<Lease>();
    public DbSet<SeriesCell> SeriesCells => Set<SeriesCell>();
    public DbSet<SeriesRootCause> SeriesRootCauses => Set<SeriesRootCause>();
    public DbSet<SeriesBacklogMonth> SeriesBacklogMonths => Set<SeriesBacklogMonth>();

    private Domain.SeriesBuffer? _series;

    /// <summary>
    /// Bulk seeding only (tools/Complaints.InsightsBench): the fact handlers' day metrics are merged in memory with the
    /// series and written by SaveChanges, instead of one statement per figure. Never with the term counter or the
    /// detector, which read the day metrics within the unit of work; the service never sets it.
    /// </summary>
    public bool BulkLoad { get; set; }

    /// <summary>The series deltas of this unit of work, written by its next SaveChanges (in its transaction).</summary>
    public Domain.SeriesBuffer Series => _series ??= new Domain.SeriesBuffer();

    /// <summary>
    /// Writes the buffered series deltas first, merged into one upsert per table, in the caller's transaction (or in
    /// one of its own with the rest of the save): a handler's figures land with the event's other effects or not at all.
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        if (_series is not { IsEmpty: false } pending)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        // Taken before writing: a failed save leaves nothing buffered to be counted twice by a retry of the save alone.
        _series = null;
        if (Database.CurrentTransaction is not null)
        {
            await pending.FlushAsync(this, cancellationToken);
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        await using var tx = await Database.BeginTransactionAsync(cancellationToken);
        await pending.FlushAsync(this, cancellationToken);
        var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return saved;
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        _series is { IsEmpty: false }
            ? throw new InvalidOperationException("Series figures are buffered: save with SaveChangesAsync.")
            : base.SaveChanges(acceptAllChangesOnSuccess);

    // Sortable and comparable on both providers (SQLite cannot order DateTimeOffset).
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseUtcTicksForDateTimeOffset();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddEventInbox().AddEventLog();
        modelBuilder.Entity<Counter>(e =>
        {
            e.ToTable("counter");
            e.HasKey(x => new { x.Dimension, x.Key });
            e.Property(x => x.Dimension).HasMaxLength(64);
            e.Property(x => x.Key).HasMaxLength(128);
        });
        modelBuilder.Entity<DailyMetric>(e =>
        {
            e.ToTable("daily_metric");
            e.HasKey(x => new { x.Dimension, x.Day, x.Key, x.Metric });
            e.HasIndex(x => new { x.Dimension, x.Metric, x.Day });
            e.Property(x => x.Dimension).HasMaxLength(32);
            e.Property(x => x.Key).HasMaxLength(256);
            e.Property(x => x.Metric).HasMaxLength(64);
        });
        modelBuilder.Entity<CaseFact>(e =>
        {
            e.ToTable("case_fact");
            e.HasKey(x => x.ComplaintId);
            e.Property(x => x.ComplaintId).HasMaxLength(64);
            e.Property(x => x.Reference).HasMaxLength(64);
            foreach (var name in new[] { nameof(CaseFact.Category), nameof(CaseFact.Subcategory), nameof(CaseFact.Channel), nameof(CaseFact.Jurisdiction),
                nameof(CaseFact.Queue), nameof(CaseFact.FirstQueue), nameof(CaseFact.ClosedQueue), nameof(CaseFact.FcaProductGroup), nameof(CaseFact.CfpbProduct), nameof(CaseFact.Language) })
            {
                e.Property(name).HasMaxLength(128);
            }
            e.Property(x => x.ClosedCfpbKey).HasMaxLength(256);
        });
        modelBuilder.Entity<TermCount>(e =>
        {
            e.ToTable("term_count");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.Source, x.Category, x.Term, x.Day, x.Language }).IsUnique();
            e.HasIndex(x => new { x.Day });
            e.Property(x => x.Source).HasMaxLength(16);
            e.Property(x => x.Category).HasMaxLength(128);
            e.Property(x => x.Language).HasMaxLength(16);
            e.Property(x => x.Term).HasMaxLength(64);
        });
        modelBuilder.Entity<ComplaintTerm>(e =>
        {
            e.ToTable("complaint_term");
            e.HasKey(x => new { x.ComplaintId, x.Source });
            e.Property(x => x.ComplaintId).HasMaxLength(64);
            e.Property(x => x.Source).HasMaxLength(16);
            e.Property(x => x.Category).HasMaxLength(128);
            e.Property(x => x.Language).HasMaxLength(16);
        });
        modelBuilder.Entity<SeriesCell>(e =>
        {
            e.ToTable("series_cell");
            // Filters are equalities or IN lists on the four keys, then a day range: the key's order serves them.
            e.HasKey(x => new { x.Category, x.Channel, x.Jurisdiction, x.Queue, x.Day });
            SeriesKeys(e);
            // An upsert names only the columns its unit of work touched: the others start at 0.
            foreach (var column in Domain.SeriesColumns.All)
            {
                e.Property<long>(column).HasDefaultValue(0L);
            }
        });
        modelBuilder.Entity<SeriesRootCause>(e =>
        {
            e.ToTable("series_root_cause");
            e.HasKey(x => new { x.Category, x.Channel, x.Jurisdiction, x.Queue, x.Day, x.RootCause });
            SeriesKeys(e);
            e.Property(x => x.RootCause).HasMaxLength(64);
        });
        modelBuilder.Entity<SeriesBacklogMonth>(e =>
        {
            e.ToTable("series_backlog_month");
            e.HasKey(x => new { x.Category, x.Channel, x.Jurisdiction, x.Queue, x.Month });
            SeriesKeys(e);
        });
        modelBuilder.Entity<Lease>(e =>
        {
            e.ToTable("lease");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(64);
            e.Property(x => x.Holder).HasMaxLength(200);
            e.Property(x => x.LastRebuildId).HasMaxLength(100);
        });
        modelBuilder.Entity<Signal>(e =>
        {
            e.ToTable("signal");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.Kind, x.Source, x.Category, x.Term, x.LastDay });
            e.HasIndex(x => x.LastDay);
            e.Property(x => x.Kind).HasMaxLength(16);
            e.Property(x => x.Source).HasMaxLength(16);
            e.Property(x => x.Category).HasMaxLength(128);
            e.Property(x => x.Term).HasMaxLength(64);
            e.Property(x => x.Examples).HasMaxLength(400);
        });
        modelBuilder.Entity<Survey>(e =>
        {
            e.ToTable("survey");
            e.HasKey(x => x.SurveyId);
            e.HasIndex(x => x.ComplaintId).IsUnique();
            e.Property(x => x.ComplaintId).HasMaxLength(64);
            e.Property(x => x.Reference).HasMaxLength(64);
            e.Property(x => x.Language).HasMaxLength(16);
        });
        modelBuilder.Entity<SurveyToken>(e =>
        {
            e.ToTable("survey_token");
            e.HasKey(x => x.TokenHash);
            e.Property(x => x.TokenHash).HasMaxLength(32);
            e.HasIndex(x => x.SurveyId);
        });
        modelBuilder.Entity<Suggestion>(e =>
        {
            e.ToTable("suggestion");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.SubmittedAt);
            e.HasIndex(x => x.Reference).IsUnique();
            e.HasIndex(x => x.IdempotencyKey).IsUnique();
            e.Property(x => x.Reference).HasMaxLength(16);
            e.Property(x => x.IdempotencyKey).HasMaxLength(100);
            e.Property(x => x.ContactId).HasMaxLength(64);
            e.Property(x => x.Topic).HasMaxLength(100);
            e.Property(x => x.SubmitterKind).HasMaxLength(64);
            e.Property(x => x.Origin).HasMaxLength(64);
            e.Property(x => x.Language).HasMaxLength(16);
            e.Property(x => x.Tags).HasMaxLength(400);
            e.Property(x => x.RespondedBy).HasMaxLength(128);
        });
    }

    private static void SeriesKeys<T>(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<T> e) where T : class
    {
        e.Property<string>(nameof(SeriesCell.Category)).HasMaxLength(128);
        // Proto enum names (the longest is 24 characters): the keys stay within SQL Server's 900-byte index key.
        e.Property<string>(nameof(SeriesCell.Channel)).HasMaxLength(32);
        e.Property<string>(nameof(SeriesCell.Jurisdiction)).HasMaxLength(32);
        e.Property<string>(nameof(SeriesCell.Queue)).HasMaxLength(128);
    }
}
