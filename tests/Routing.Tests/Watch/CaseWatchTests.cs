using Complaints.Common.V1;
using Complaints.Routing.Data;
using Complaints.Routing.Domain;
using Complaints.Routing.V1;
using Complaints.Routing.Watch;
using Complaints.ServiceDefaults.Errors;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Routing.Tests.Watch;

public sealed class CaseWatchTests : IAsyncLifetime
{
    private WatchHost _host = null!;
    private readonly CancellationTokenSource _call = new();

    public async Task InitializeAsync() => _host = await WatchHost.StartAsync();

    public async Task DisposeAsync()
    {
        await _call.CancelAsync();
        _call.Dispose();
        await _host.DisposeAsync();
    }

    private (StreamCapture<PublicCaseChange> Stream, Task Running) WatchPublic(Case c, string resumeToken)
    {
        var stream = new StreamCapture<PublicCaseChange>();
        return (stream, _host.Watch.WatchPublicAsync(c.ComplaintId.ToString(), resumeToken, stream, _call.Token));
    }

    [Fact]
    public async Task WatchPublicAsync_FromResumeToken_StreamsOnlyLaterPublicEntries()
    {
        var c = await _host.SeedCaseAsync(("Complaint received", true), ("Case opened", true), ("Internal note", false), ("Update", true));

        var (stream, _) = WatchPublic(c, "1");

        var changes = await stream.TakeAsync(2, "the public entries after seq 1");
        Assert.Equal(["Case opened", "Update"], changes.Select(x => x.Entry.Title));
        Assert.Equal(["2", "4"], changes.Select(x => x.ResumeToken));
        Assert.Equal([2L, 4L], changes.Select(x => x.Entry.EntryId));
        Assert.Equal("Detail of Update", changes[1].Entry.Detail);
        // The same code and text as the view gives: a watching client translates live changes too.
        Assert.Equal(PublicCodes.UpdatePosted, changes[1].Entry.Code);
        Assert.Equal("Detail of Update", changes[1].Entry.Text);
        Assert.All(changes, x => Assert.Equal(CaseStatus.Received, x.Status));
        Assert.DoesNotContain("Internal note", string.Join("", changes.Select(x => x.ToString())));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    public async Task WatchPublicAsync_EmptyOrZeroToken_StartsFromTheBeginning(string token)
    {
        var c = await _host.SeedCaseAsync(("Complaint received", true), ("Case opened", true));

        var (stream, _) = WatchPublic(c, token);

        Assert.Equal(["1", "2"], (await stream.TakeAsync(2, "every public entry")).Select(x => x.ResumeToken));
    }

    [Fact]
    public async Task WatchPublicAsync_EntryCommittedLater_PushedBySignalWithoutPoll()
    {
        var c = await _host.SeedCaseAsync(("Complaint received", true));
        var (stream, _) = WatchPublic(c, "");
        await stream.TakeAsync(1, "the existing entry");

        // The fake clock never moves here: no poll happens, only the interceptor's signal can wake the watcher.
        await _host.AppendAsync(c.ComplaintId, "Internal note", isPublic: false);
        await _host.AppendAsync(c.ComplaintId, "We have found the duplicate charge", isPublic: true);

        var pushed = Assert.Single(await stream.TakeAsync(1, "the new public entry to be pushed"));
        Assert.Equal("We have found the duplicate charge", pushed.Entry.Title);
        Assert.Equal("3", pushed.ResumeToken);
        Assert.False(stream.TryTake(out _));
    }

    [Fact]
    public async Task WatchPublicAsync_SignalLost_SafetyPollFindsEntry()
    {
        var c = await _host.SeedCaseAsync(("Complaint received", true));
        var (stream, _) = WatchPublic(c, "1");
        await Eventually.True(() => Task.FromResult(_host.Signal.WatchedCount == 1), "the watcher to subscribe");

        // Written by a context without the interceptor, as if the signal were lost.
        var options = new DbContextOptionsBuilder<RoutingDbContext>().UseSqlite($"Data Source={_host.DatabasePath};Pooling=False").Options;
        await using (var db = new RoutingDbContext(options))
        {
            var stored = await db.Cases.SingleAsync(x => x.ComplaintId == c.ComplaintId);
            _host.Journal.Record(db, stored, "public_update", "Quiet update", "agent-7", isPublic: true, code: PublicCodes.UpdatePosted);
            await db.SaveChangesAsync();
        }
        Assert.False(stream.TryTake(out _));

        // The watcher is waiting on the fake clock: moving it past the poll interval makes it look.
        var found = Task.Run(() => stream.TakeAsync(1, "the poll to find the entry"));
        await Eventually.True(() =>
        {
            _host.Clock.Advance(TimeSpan.FromSeconds(5));
            return Task.FromResult(found.IsCompleted);
        }, "the safety poll to find the entry");
        Assert.Equal("Quiet update", Assert.Single(await found).Entry.Title);
    }

    [Fact]
    public async Task StreamAllAsync_StaffStream_IncludesInternalEntriesWithActor()
    {
        var c = await _host.SeedCaseAsync(("Complaint received", true));
        var stream = new StreamCapture<CaseChange>();
        _ = _host.Watch.StreamAllAsync(c.ComplaintId, 1, stream, _call.Token);

        await _host.AppendAsync(c.ComplaintId, "Called the bank", isPublic: false, actor: "agent-9");

        var change = Assert.Single(await stream.TakeAsync(1, "the internal note"));
        Assert.Equal("Called the bank", change.Title);
        Assert.Equal("Detail of Called the bank", change.Detail);
        Assert.False(change.Public);
        Assert.Equal("agent-9", change.Actor);
        Assert.Equal("2", change.ResumeToken);
    }

    [Fact]
    public async Task StreamAllAsync_CallerNoLongerMaySee_StreamEndsWithNotFound()
    {
        var c = await _host.SeedCaseAsync(("Complaint received", true));
        var stream = new StreamCapture<CaseChange>();
        var allowed = true;
        var running = _host.Watch.StreamAllAsync(c.ComplaintId, 1, stream, _call.Token, _ =>
        {
            if (!Volatile.Read(ref allowed))
            {
                throw new NotFoundException("gone");
            }
        });
        await Eventually.True(() => Task.FromResult(_host.Signal.WatchedCount == 1), "the watcher to subscribe");

        Volatile.Write(ref allowed, false);
        await _host.AppendAsync(c.ComplaintId, "Reassigned", isPublic: false);

        await Assert.ThrowsAsync<NotFoundException>(() => running.WaitAsync(Eventually.DefaultTimeout));
        Assert.False(stream.TryTake(out _));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("1.5")]
    public async Task WatchPublicAsync_InvalidResumeToken_ValidationNamingResumeToken(string token)
    {
        var c = await _host.SeedCaseAsync(("Complaint received", true));

        var error = await Assert.ThrowsAsync<ValidationException>(() => WatchPublic(c, token).Running);

        Assert.Equal("resumeToken", Assert.Single(error.Violations).Field);
        Assert.Contains("resume_token", error.Message);
    }

    [Fact]
    public async Task WatchPublicAsync_TokenPastTheEnd_ValidationNamingResumeToken()
    {
        var c = await _host.SeedCaseAsync(("Complaint received", true), ("Case opened", true));

        var error = await Assert.ThrowsAsync<ValidationException>(() => WatchPublic(c, "3").Running);

        Assert.Equal("resumeToken", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public async Task WatchPublicAsync_MoreEntriesThanOneBatch_StreamsThemAllInOrder()
    {
        await using var host = await WatchHost.StartAsync(batchSize: 2);
        var c = await host.SeedCaseAsync(("One", true), ("Two", false), ("Three", true), ("Four", true), ("Five", false), ("Six", true));
        var stream = new StreamCapture<PublicCaseChange>();
        using var call = new CancellationTokenSource();

        var running = host.Watch.WatchPublicAsync(c.ComplaintId.ToString(), "", stream, call.Token);

        // The fake clock never moves: the watcher reads batch after batch without waiting for a poll.
        Assert.Equal(["1", "3", "4", "6"], (await stream.TakeAsync(4, "every public entry, over three batches")).Select(x => x.ResumeToken));
        await call.CancelAsync();
        await running;
    }

    [Fact]
    public async Task WatchPublicAsync_NoCase_NotFound()
    {
        await Assert.ThrowsAsync<NotFoundException>(() =>
            _host.Watch.WatchPublicAsync(Guid.NewGuid().ToString(), "", new StreamCapture<PublicCaseChange>(), _call.Token));
    }

    [Fact]
    public async Task WatchPublicAsync_ClientCancels_EndsAndReleasesSubscription()
    {
        var c = await _host.SeedCaseAsync(("Complaint received", true));
        using var client = new CancellationTokenSource();
        var stream = new StreamCapture<PublicCaseChange>();
        var running = _host.Watch.WatchPublicAsync(c.ComplaintId.ToString(), "", stream, client.Token);
        await stream.TakeAsync(1, "the first entry");

        await client.CancelAsync();

        await running.WaitAsync(Eventually.DefaultTimeout);
        Assert.Equal(0, _host.Signal.WatchedCount);
    }

    [Fact]
    public async Task WatchPublicAsync_ApplicationStopping_StreamEnds()
    {
        var c = await _host.SeedCaseAsync(("Complaint received", true));
        var (stream, running) = WatchPublic(c, "");
        await stream.TakeAsync(1, "the first entry");

        _host.Lifetime.StopApplication();

        await running.WaitAsync(Eventually.DefaultTimeout);
        Assert.True(running.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task CaseChangeInterceptor_InsideTransaction_SignalsOnlyAfterCommit()
    {
        var c = await _host.SeedCaseAsync(("Complaint received", true));
        using var subscription = _host.Signal.Subscribe(c.ComplaintId);
        var waiter = subscription.Next();

        await _host.WithDbAsync(async db =>
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            var stored = await db.Cases.SingleAsync(x => x.ComplaintId == c.ComplaintId);
            _host.Journal.Record(db, stored, "note", "In a transaction", "agent-7");
            await db.SaveChangesAsync();
            Assert.False(waiter.IsCompleted, "Signalled before the commit: a woken watcher would not see the entry yet.");
            await tx.CommitAsync();
            return true;
        });

        await waiter.WaitAsync(Eventually.DefaultTimeout);
    }
}
