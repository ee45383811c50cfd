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
    /// or SqlServer (with <c>ConnectionStrings:{name}</c>). The schema is applied at start.
    /// </summary>
    public static WebApplicationBuilder AddServiceDatabase<TContext>(this WebApplicationBuilder builder, string name)
        where TContext : DbContext
    {
        // Configuration is read when the context is first built, so test hosts' settings apply.
        builder.Services.AddDbContext<TContext>((sp, o) =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            var provider = DatabaseProvider.From(configuration);
            var connectionString = configuration.GetConnectionString(name);
            if (provider == DatabaseProvider.SqlServer)
            {
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new InvalidOperationException($"Database:Provider is SqlServer but ConnectionStrings:{name} is not set.");
                }
                o.UseSqlServer(connectionString, s => s.EnableRetryOnFailure());
            }
            else
            {
                o.UseSqlite(connectionString ?? $"Data Source={Path.Combine(configuration.DataDirectory(), name + ".db")};Pooling=True");
            }
            o.AddInterceptors(sp.GetServices<IInterceptor>());
        });
        builder.Services.AddHealthChecks().AddDbContextCheck<TContext>("database", tags: [Extensions.ReadyTag]);
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

/// <summary>Creates or migrates the schema before the service takes traffic; SQLite runs in WAL mode for concurrent readers.</summary>
internal sealed class DatabaseInitializer<TContext>(IServiceProvider services, ILogger<DatabaseInitializer<TContext>> logger) : IHostedService
    where TContext : DbContext
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        if (db.Database.GetMigrations().Any())
        {
            await db.Database.MigrateAsync(cancellationToken);
        }
        else
        {
            await db.Database.EnsureCreatedAsync(cancellationToken);
        }
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
        logger.LogInformation("Database for {Context} ready ({Provider})", typeof(TContext).Name, db.Database.ProviderName);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
