using Complaints.Routing.Data;
using Complaints.TestSupport;

namespace Complaints.Routing.Tests;

public class MigrationTests : MigrationTestsBase<SqliteRoutingDbContext, SqlServerRoutingDbContext>
{
    protected override IReadOnlyList<string> Tables => ["case", "case_timeline", "event_log", "feed_checkpoint", "processed_event"];
}
