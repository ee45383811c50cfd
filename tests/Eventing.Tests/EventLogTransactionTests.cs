using Complaints.Eventing.Tests.Infrastructure;
using Complaints.Intake.V1;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Complaints.Eventing.Tests;

/// <summary>The transactional outbox: an event commits with the state change or not at all.</summary>
public sealed class EventLogTransactionTests(ITestOutputHelper output) : IDisposable
{
    private readonly TestEnv _env = new(output);

    [Fact]
    public async Task AppendEvent_TransactionCommitted_StoresStateAndEventTogether()
    {
        await using var producer = await ProducerHost.StartAsync(_env);
        StoredEvent appended;
        await using (var scope = producer.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProducerDb>();
            await using var tx = await db.Database.BeginTransactionAsync();
            appended = db.AddComplaints(1, "commit").Single();
            await db.SaveChangesAsync();
            await tx.CommitAsync();
        }

        await using var check = _env.OpenProducerDb();
        var complaint = Assert.Single(await check.Complaints.ToListAsync());
        var stored = Assert.Single(await check.Events.ToListAsync());
        Assert.Equal(complaint.Id, stored.AggregateId);
        Assert.Equal(appended.EventId, stored.EventId);
        Assert.True(stored.Sequence > 0);
        Assert.Equal(ComplaintReceived.Descriptor.FullName, stored.Type);
        Assert.Equal(complaint.Id, ComplaintReceived.Parser.ParseFrom(stored.Payload).ComplaintId);
    }

    [Fact]
    public async Task AppendEvent_TransactionRolledBack_LeavesNeitherStateNorEvent()
    {
        await using var producer = await ProducerHost.StartAsync(_env);
        await using (var scope = producer.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProducerDb>();
            await using var tx = await db.Database.BeginTransactionAsync();
            db.AddComplaints(3, "rollback");
            await db.SaveChangesAsync();
            Assert.Equal(3, await db.Events.CountAsync()); // Visible inside the transaction...
            await tx.RollbackAsync();
        }

        await using var check = _env.OpenProducerDb(); // ...and gone after the rollback, with the state.
        Assert.Empty(await check.Complaints.ToListAsync());
        Assert.Empty(await check.Events.ToListAsync());
    }

    [Fact]
    public async Task AppendEvent_SaveChangesFailsOnStateChange_StoresNoEvent()
    {
        await using var producer = await ProducerHost.StartAsync(_env);
        await using (var seed = _env.OpenProducerDb())
        {
            seed.Complaints.Add(new ComplaintRow { Id = "dup", Status = "received" });
            await seed.SaveChangesAsync();
        }

        await using (var scope = producer.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProducerDb>();
            db.AddComplaints(2, "ok");
            db.Complaints.Add(new ComplaintRow { Id = "dup", Status = "received" }); // Primary key violation.
            db.AppendEvent(ProducerDb.Received("dup"), "dup", TimeProvider.System);
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        }

        await using var check = _env.OpenProducerDb();
        Assert.Equal(["dup"], await check.Complaints.Select(c => c.Id).ToListAsync());
        Assert.Empty(await check.Events.ToListAsync());
    }

    [Fact]
    public async Task SaveChanges_InsideExplicitTransaction_SignalsOnlyAfterCommit()
    {
        var signal = new CountingSignal();
        await using var producer = await ProducerHost.StartAsync(_env, configure: b => b.Services.AddSingleton<IEventSignal>(signal));
        await using var scope = producer.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProducerDb>();

        await using (var rolledBack = await db.Database.BeginTransactionAsync())
        {
            db.AddComplaints(1, "rolled-back");
            await db.SaveChangesAsync();
            await rolledBack.RollbackAsync();
        }
        Assert.Equal(0, signal.Notifications);
        db.ChangeTracker.Clear();

        await using (var committed = await db.Database.BeginTransactionAsync())
        {
            db.AddComplaints(1, "committed");
            await db.SaveChangesAsync();
            Assert.Equal(0, signal.Notifications); // Not yet visible to a feed: no wake-up.
            await committed.CommitAsync();
        }
        Assert.Equal(1, signal.Notifications);

        db.AddComplaints(1, "implicit");
        await db.SaveChangesAsync(); // Its own transaction: signalled once it committed.
        Assert.Equal(2, signal.Notifications);
    }

    public void Dispose() => _env.Dispose();

    private sealed class CountingSignal : IEventSignal
    {
        private readonly LocalEventSignal _inner = new();
        private int _notifications;

        public int Notifications => Volatile.Read(ref _notifications);

        public void Notify()
        {
            Interlocked.Increment(ref _notifications);
            _inner.Notify();
        }

        public Task Waiter() => _inner.Waiter();
    }
}
