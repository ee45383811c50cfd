using Complaints.Identity.Data;
using Complaints.TestSupport;

namespace Complaints.Identity.Tests;

public class MigrationTests : MigrationTestsBase<SqliteIdentityProviderDbContext, SqlServerIdentityProviderDbContext>
{
    protected override IReadOnlyList<string> Tables =>
        ["AspNetUsers", "AspNetRoles", "AspNetUserRoles", "OpenIddictApplications", "OpenIddictAuthorizations", "OpenIddictScopes", "OpenIddictTokens", "event_log"];
}
