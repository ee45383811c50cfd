using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Complaints.ServiceDefaults.Data;

/// <summary>
/// Lets <c>dotnet ef</c> build a provider-specific context without starting the service (no server is
/// contacted: SQL Server migrations and scripts are generated offline).
/// </summary>
public abstract class DesignTimeFactory<TContext>(DatabaseProvider provider) : IDesignTimeDbContextFactory<TContext>
    where TContext : DbContext
{
    public TContext CreateDbContext(string[] args) => Create(Options(provider));

    public static DbContextOptions<TContext> Options(DatabaseProvider provider, string? connectionString = null)
    {
        var builder = new DbContextOptionsBuilder<TContext>();
        return (provider == DatabaseProvider.SqlServer
            ? builder.UseSqlServer(connectionString ?? "Server=design-time;Database=design-time;Trusted_Connection=True;TrustServerCertificate=True")
            : builder.UseSqlite(connectionString ?? "Data Source=design-time.db")).Options;
    }

    public static TContext Create(DbContextOptions<TContext> options) =>
        (TContext)Activator.CreateInstance(typeof(TContext), options)!;
}
