using Complaints.Intake.Data;
using Complaints.TestSupport;

namespace Complaints.Intake.Tests;

public class MigrationTests : MigrationTestsBase<SqliteIntakeDbContext, SqlServerIntakeDbContext>
{
    protected override IReadOnlyList<string> Tables => ["complaint", "event_log", "access_audit", "attachment", "attachment_blob"];
}
