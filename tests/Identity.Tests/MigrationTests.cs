using Complaints.Identity.Data;
using Complaints.TestSupport;

namespace Complaints.Identity.Tests;

public class MigrationTests : MigrationTestsBase<SqliteIdentityDbContext, SqlServerIdentityDbContext>
{
    protected override IReadOnlyList<string> Tables => ["OpenIddictApplications", "OpenIddictAuthorizations", "OpenIddictScopes", "OpenIddictTokens"];
}
