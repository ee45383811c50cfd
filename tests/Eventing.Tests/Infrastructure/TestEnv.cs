using Complaints.TestSupport;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace Complaints.Eventing.Tests.Infrastructure;

/// <summary>One test's world: its own folder (SQLite files), its own token issuer, its own log.</summary>
public sealed class TestEnv : IDisposable
{
    public TestEnv(ITestOutputHelper output)
    {
        Dir = Path.Combine(Path.GetTempPath(), "eventing-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Dir);
        Log = new TestLog(output);
    }

    public string Dir { get; }

    /// <summary>This world's issuer: another test's hosts do not trust it.</summary>
    public TestIssuer Issuer { get; } = new();

    public TestLog Log { get; }

    public string ProducerDbPath => Path.Combine(Dir, "producer.db");

    public string ConsumerDbPath => Path.Combine(Dir, "consumer.db");

    /// <summary>A context on the producer's file outside any host (e.g. while the producer is down).</summary>
    public ProducerDb OpenProducerDb() =>
        new(new DbContextOptionsBuilder<ProducerDb>().UseSqlite($"Data Source={ProducerDbPath};Pooling=False").Options);

    public ConsumerDb OpenConsumerDb() =>
        new(new DbContextOptionsBuilder<ConsumerDb>().UseSqlite($"Data Source={ConsumerDbPath};Pooling=False").Options);

    public string IssueToken(params string[] roles) =>
        Issuer.Token("eventing-tests", roles, TimeSpan.FromMinutes(10));

    /// <summary>The consumer's state as the test sees it on disk.</summary>
    public async Task<ConsumerState> ReadConsumerAsync()
    {
        await using var db = OpenConsumerDb();
        var applied = await db.Applied.AsNoTracking().ToListAsync();
        var checkpoint = await db.FeedCheckpoints.AsNoTracking()
            .Where(c => c.Source == "producer").Select(c => (long?)c.Sequence).FirstOrDefaultAsync();
        var processed = await db.ProcessedEvents.AsNoTracking().CountAsync();
        return new ConsumerState(applied, checkpoint, processed);
    }

    public async Task<List<StoredEvent>> ReadProducerEventsAsync()
    {
        await using var db = OpenProducerDb();
        return await db.Events.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

public sealed record ConsumerState(List<AppliedEvent> Applied, long? Checkpoint, int Processed)
{
    public int AppliedCount => Applied.Count;

    public override string ToString() =>
        $"applied {Applied.Count} distinct events ({Applied.Sum(a => a.Count)} applications), checkpoint {Checkpoint?.ToString() ?? "none"}, inbox {Processed}";
}
