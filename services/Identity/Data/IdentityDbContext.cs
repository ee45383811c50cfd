using Complaints.ServiceDefaults.Data;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Identity.Data;

/// <summary>Identity's own database: OpenIddict's applications (clients), authorizations, scopes and tokens.</summary>
public abstract class IdentityDbContext(DbContextOptions options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.UseOpenIddict();
    }
}

public sealed class SqliteIdentityDbContext(DbContextOptions<SqliteIdentityDbContext> options) : IdentityDbContext(options);

public sealed class SqlServerIdentityDbContext(DbContextOptions<SqlServerIdentityDbContext> options) : IdentityDbContext(options);

public sealed class SqliteIdentityDesignFactory() : DesignTimeFactory<SqliteIdentityDbContext>(DatabaseProvider.Sqlite);

public sealed class SqlServerIdentityDesignFactory() : DesignTimeFactory<SqlServerIdentityDbContext>(DatabaseProvider.SqlServer);
