using Complaints.Intake.Data;
using Complaints.ServiceDefaults.Data;
using Complaints.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.Intake.Tests;

public class SqliteWriteGateTests : IDisposable
{
    private readonly TempFolder _folder = new("write-gate");
    private readonly SqliteWriteGate _gate = new();

    private IntakeDbContext Open() => new(new DbContextOptionsBuilder<IntakeDbContext>()
        .UseSqlite($"Data Source={_folder.File("gate.db")}")
        .AddInterceptors(_gate)
        .Options);

    private static ComplaintRecord Row(string reference) => new()
    {
        Id = Guid.NewGuid(),
        Reference = reference,
        Source = "public",
        IdempotencyKey = Guid.NewGuid().ToString(),
        RequestHash = [1],
        Category = "billing",
        PreferredLanguage = "en",
        WrappedKey = [1],
        SubjectCipher = [1],
        DescriptionCipher = [1],
    };

    [Fact]
    public async Task SaveChanges_ManyConcurrentWriters_AllCommit()
    {
        await using (var setup = Open())
        {
            await setup.Database.EnsureCreatedAsync();
            await setup.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }

        await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            await using var db = Open();
            db.Complaints.Add(Row($"CMP-{i:0000}-GATE"));
            await db.SaveChangesAsync();
        }));

        await using var check = Open();
        Assert.Equal(40, await check.Complaints.CountAsync());
    }

    [Fact]
    public async Task SaveChanges_AfterAFailedWrite_NextWriterIsNotBlocked()
    {
        await using (var setup = Open())
        {
            await setup.Database.EnsureCreatedAsync();
            setup.Complaints.Add(Row("CMP-DUPE-0001"));
            await setup.SaveChangesAsync();
        }

        await using (var failing = Open())
        {
            failing.Complaints.Add(Row("CMP-DUPE-0001"));
            await Assert.ThrowsAsync<DbUpdateException>(() => failing.SaveChangesAsync());
        }
        await using var next = Open();
        next.Complaints.Add(Row("CMP-NEXT-0002"));

        // A gate left held would make this wait forever.
        await next.SaveChangesAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, await next.Complaints.CountAsync());
    }

    [Fact]
    public async Task BeginTransaction_DisposedWithoutCommit_ReleasesWithItsConnection()
    {
        await using (var setup = Open())
        {
            await setup.Database.EnsureCreatedAsync();
        }
        await using (var abandoned = Open())
        {
            await using var tx = await abandoned.Database.BeginTransactionAsync();
            abandoned.Complaints.Add(Row("CMP-GONE-0001"));
            await abandoned.SaveChangesAsync();
        }

        await using var next = Open();
        next.Complaints.Add(Row("CMP-KEPT-0002"));
        await next.SaveChangesAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["CMP-KEPT-0002"], await next.Complaints.Select(c => c.Reference).ToListAsync());
    }

    [Fact]
    public async Task AddServiceDatabase_TransactionAbandonedInAScope_NextScopeCanWrite()
    {
        // Through the service's own registration, scopes and all, not a hand-built context.
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        builder.Configuration["DataDir"] = _folder.Path;
        builder.AddServiceDatabase<IntakeDbContext, SqliteIntakeDbContext, SqlServerIntakeDbContext>("gate-registered");
        await using var services = builder.Services.BuildServiceProvider();
        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IntakeDbContext>().Database.EnsureCreatedAsync();
        }
        await using (var scope = services.CreateAsyncScope())
        {
            var abandoned = scope.ServiceProvider.GetRequiredService<IntakeDbContext>();
            var tx = await abandoned.Database.BeginTransactionAsync();
            abandoned.Complaints.Add(Row("CMP-GONE-0003"));
            await abandoned.SaveChangesAsync();
            // Neither committed nor rolled back: the scope ends with the transaction open.
        }

        await using (var scope = services.CreateAsyncScope())
        {
            var next = scope.ServiceProvider.GetRequiredService<IntakeDbContext>();
            next.Complaints.Add(Row("CMP-KEPT-0004"));
            await next.SaveChangesAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(["CMP-KEPT-0004"], await next.Complaints.Select(c => c.Reference).ToListAsync());
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
        GC.SuppressFinalize(this);
    }
}
