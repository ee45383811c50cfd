using Complaints.Insights.Data;
using Complaints.Insights.Domain;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Insights.Tests;

/// <summary>Aggregate rows written by two writers (two replicas, two feeds) on one real SQLite file.</summary>
public sealed class ConcurrencyTests : IDisposable
{
    private const int Day = 20_500;
    private readonly InsightsDb _db = new();

    public void Dispose() => _db.Dispose();

    private Task<long?> ValueAsync() =>
        _db.QueryAsync(db => db.DailyMetrics.Where(m => m.Day == Day && m.Dimension == Metric.All && m.Metric == Metric.Received).Select(m => (long?)m.Value).SingleOrDefaultAsync());

    [Fact]
    public async Task AddAsync_TwoWritersReadBeforeEitherWrites_NoIncrementLost()
    {
        await using (var seed = _db.Open())
        {
            await seed.AddAsync(Day, Metric.All, string.Empty, Metric.Received, 5, CancellationToken.None);
            await seed.SaveChangesAsync();
        }
        await using var a = _db.Open();
        await using var b = _db.Open();

        // The interleaving that loses an update on read committed: both see 5, then both write.
        await a.AddAsync(Day, Metric.All, string.Empty, Metric.Received, 1, CancellationToken.None);
        await b.AddAsync(Day, Metric.All, string.Empty, Metric.Received, 1, CancellationToken.None);
        await a.SaveChangesAsync();
        await b.SaveChangesAsync();

        Assert.Equal(7, await ValueAsync());
    }

    [Fact]
    public async Task AddAsync_TwoWritersBothFindTheBucketMissing_BothCounted()
    {
        await using var a = _db.Open();
        await using var b = _db.Open();

        await a.AddAsync(Day, Metric.All, string.Empty, Metric.Received, 1, CancellationToken.None);
        await b.AddAsync(Day, Metric.All, string.Empty, Metric.Received, 1, CancellationToken.None);
        await a.SaveChangesAsync();
        await b.SaveChangesAsync();

        Assert.Equal(2, await ValueAsync());
    }

    [Fact]
    public async Task AddAsync_TwoConcurrentWritersSameBucket_EveryIncrementCounted()
    {
        await using (var wal = _db.Open())
        {
            // As the service runs it (DatabaseInitializer): readers never block the writer.
            await wal.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }
        const int each = 100;
        async Task WriterAsync(string counter)
        {
            for (var i = 0; i < each; i++)
            {
                await using var db = _db.Open();
                await db.AddAsync(Day, Metric.All, string.Empty, Metric.Received, 1, CancellationToken.None);
                await db.IncrementAsync(Dimensions.Totals, "received", CancellationToken.None);
                await db.AddTermsAsync(TermSources.Complaint, "billing", "en", Day, ["card", counter], CancellationToken.None);
                await db.SaveChangesAsync();
            }
        }

        await Task.WhenAll(Task.Run(() => WriterAsync("one")), Task.Run(() => WriterAsync("two")));

        Assert.Equal(2 * each, await ValueAsync());
        Assert.Equal(2 * each, await _db.CounterAsync(Dimensions.Totals, "received"));
        var terms = await _db.QueryAsync(db => db.TermCounts.Where(t => t.Day == Day).ToDictionaryAsync(t => t.Term, t => t.Count));
        Assert.Equal(new Dictionary<string, long> { ["card"] = 2 * each, ["one"] = each, ["two"] = each }, terms);
    }
}
