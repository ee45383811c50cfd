using Complaints.Insights.Data;
using Complaints.Insights.V1;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Insights.Domain;

public sealed class CountQueries(InsightsDbContext db)
{
    public async Task<GetComplaintCountsResponse> CountsAsync(CancellationToken ct)
    {
        var rows = await db.Counters.AsNoTracking().ToListAsync(ct);
        long Total(string key) => rows.FirstOrDefault(r => r.Dimension == Dimensions.Totals && r.Key == key)?.Value ?? 0;
        IEnumerable<CountEntry> By(string dimension) => rows.Where(r => r.Dimension == dimension)
            .OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => new CountEntry { Key = r.Key, Count = r.Value });

        var response = new GetComplaintCountsResponse
        {
            Received = Total("received"),
            Opened = Total("opened"),
            Acknowledged = Total("acknowledged"),
        };
        response.ByCategory.AddRange(By(Dimensions.Category));
        response.ByChannel.AddRange(By(Dimensions.Channel));
        return response;
    }
}
