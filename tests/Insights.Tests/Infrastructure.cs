using Complaints.Eventing;
using Complaints.Insights.Data;
using Complaints.TestSupport;
using Google.Protobuf;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Insights.Tests;

/// <summary>Insights' schema on a real SQLite file of its own; a fresh context per event, as the subscriber does.</summary>
public sealed class InsightsDb() : SqliteTestDb<InsightsDbContext>("insights", options => new InsightsDbContext(options))
{
    public async Task ApplyAsync(IEventHandler<InsightsDbContext> handler, IMessage payload)
    {
        var envelope = Envelopes.For(payload, handler.Source);
        Assert.Equal(handler.EventType, envelope.Type);
        await base.ApplyAsync(handler, envelope);
    }

    public async Task<long?> CounterAsync(string dimension, string key)
    {
        await using var db = Open();
        return await db.Counters.Where(c => c.Dimension == dimension && c.Key == key).Select(c => (long?)c.Value).SingleOrDefaultAsync();
    }
}
