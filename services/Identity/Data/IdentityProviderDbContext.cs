using Complaints.Eventing;
using Complaints.Identity.Accounts;
using Complaints.ServiceDefaults.Data;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Identity.Data;

/// <summary>
/// Identity's own database: staff accounts, roles and second factors (ASP.NET Core Identity), and OpenIddict's
/// applications (clients), authorizations, scopes and tokens; and its event log (changes to staff accounts, for
/// Routing's directory), written in the same transaction as the change; and the data-protection keys of its cookies,
/// antiforgery tokens and reset links, shared by its replicas (sealed, <see cref="SignIn.SealedKeyRing"/>).
/// </summary>
public abstract class IdentityProviderDbContext(DbContextOptions options)
    : IdentityDbContext<StaffUser, IdentityRole, string>(options), IEventLogContext, IDataProtectionKeyContext
{
    public DbSet<StoredEvent> Events => Set<StoredEvent>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.UseOpenIddict();
        builder.Entity<StaffUser>().Property(u => u.DisplayName).HasMaxLength(200);
        builder.Entity<StaffUser>().Property(u => u.Language).HasMaxLength(8);
        builder.AddEventLog();
    }
}

public sealed class SqliteIdentityProviderDbContext(DbContextOptions<SqliteIdentityProviderDbContext> options) : IdentityProviderDbContext(options);

public sealed class SqlServerIdentityProviderDbContext(DbContextOptions<SqlServerIdentityProviderDbContext> options) : IdentityProviderDbContext(options);

public sealed class SqliteIdentityProviderDesignFactory() : DesignTimeFactory<SqliteIdentityProviderDbContext>(DatabaseProvider.Sqlite);

public sealed class SqlServerIdentityProviderDesignFactory() : DesignTimeFactory<SqlServerIdentityProviderDbContext>(DatabaseProvider.SqlServer);
