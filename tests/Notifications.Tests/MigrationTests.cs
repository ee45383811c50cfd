using Complaints.Notifications.Data;
using Complaints.TestSupport;

namespace Complaints.Notifications.Tests;

public class MigrationTests : MigrationTestsBase<SqliteNotificationsDbContext, SqlServerNotificationsDbContext>
{
    protected override IReadOnlyList<string> Tables => ["message", "delivery_attempt", "case_context", "queue_supervisors", "channel_preference", "partner_webhook", "event_log", "feed_checkpoint", "processed_event"];
}
