using Complaints.Insights.Data;
using Complaints.TestSupport;

namespace Complaints.Insights.Tests;

public class MigrationTests : MigrationTestsBase<SqliteInsightsDbContext, SqlServerInsightsDbContext>
{
    protected override IReadOnlyList<string> Tables => ["counter", "feed_checkpoint", "processed_event", "event_log", "daily_metric", "case_fact", "term_count", "complaint_term", "signal", "survey", "survey_token", "suggestion"];
}
