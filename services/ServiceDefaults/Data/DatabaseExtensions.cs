using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Complaints.ServiceDefaults.Data;

public static class DatabaseExtensions
{
    /// <summary>The folder for embedded data (SQLite files, the local mail sink): <c>DataDir</c>, default ./.data.</summary>
    public static string DataDirectory(this IConfiguration configuration)
    {
        var dir = Path.GetFullPath(configuration["DataDir"] is { Length: > 0 } d ? d : ".data");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>
    /// The service's own database: <c>Database:Provider</c> = Sqlite (default, a file <c>{DataDir}/{name}.db</c>)
    /// or SqlServer (with <c>ConnectionStrings:{name}</c>). Each provider has its own context subclass with its
    /// own committed migrations; <typeparamref name="TContext"/> resolves to the configured one. Migrations are
    /// applied at start unless <c>Database:Migrations</c> says otherwise (<see cref="MigrationMode"/>).
    /// </summary>
    public static WebApplicationBuilder AddServiceDatabase<TContext, TSqlite, TSqlServer>(this WebApplicationBuilder builder, string name)
        where TContext : DbContext
        where TSqlite : TContext
        where TSqlServer : TContext
    {
        // Configuration is read when a context is first built, so test hosts' settings apply. Options are built once
        // (singleton), not per context. SQL Server contexts are pooled: building a context was the largest cost of a
        // feed read in a profile. SQLite contexts are not: after a failed BEGIN the write gate's only release is the
        // connection's disposal with its context, which a pooled context never does (its connection is kept and
        // closed on return without an interceptor event), so the gate would stay shut.
        var writeGate = new SqliteWriteGate();
        builder.Services.AddDbContext<TSqlite>((sp, o) =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            o.UseSqlite(configuration.GetConnectionString(name)
                ?? $"Data Source={Path.Combine(configuration.DataDirectory(), name + ".db")};Pooling=True");
            o.AddInterceptors(sp.GetServices<IInterceptor>());
            o.AddInterceptors(writeGate);
        }, optionsLifetime: ServiceLifetime.Singleton);
        builder.Services.AddDbContextPool<TSqlServer>((sp, o) =>
        {
            var connectionString = sp.GetRequiredService<IConfiguration>().GetConnectionString(name);
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException($"Database:Provider is SqlServer but ConnectionStrings:{name} is not set.");
            }
            // No retrying execution strategy: it refuses user transactions (the subscriber's), and every
            // write path retries at its own level (subscriber backoff, idempotent submits).
            o.UseSqlServer(connectionString);
            o.AddInterceptors(sp.GetServices<IInterceptor>());
        });
        builder.Services.AddScoped<TContext>(sp =>
            DatabaseProvider.From(sp.GetRequiredService<IConfiguration>()) == DatabaseProvider.SqlServer
                ? sp.GetRequiredService<TSqlServer>()
                : sp.GetRequiredService<TSqlite>());
        builder.Services.AddHealthChecks().AddDbContextCheck<TContext>("database", tags: [Extensions.ReadyTag]);
        builder.Services.AddSingleton<IDatabaseMigrator, DatabaseMigrator<TContext>>();
        builder.Services.AddHostedService<DatabaseInitializer<TContext>>();
        return builder;
    }
}

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
}

public static class DatabaseProviderExtensions
{
    extension(DatabaseProvider)
    {
        public static DatabaseProvider From(IConfiguration configuration) =>
            Enum.TryParse<DatabaseProvider>(configuration["Database:Provider"], ignoreCase: true, out var p) ? p : DatabaseProvider.Sqlite;
    }
}
