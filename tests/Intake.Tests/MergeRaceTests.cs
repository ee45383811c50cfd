using System.Security.Claims;
using Complaints.Intake.Data;
using Complaints.Intake.Domain;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Complaints.Intake.Tests;

/// <summary>
/// Two merges that each pass their checks but together would make a chain (A into B while B goes into C), run at the
/// same moment on Intake's real SQLite file: both have read before either saves (a barrier at SaveChanges).
/// </summary>
public class MergeRaceTests(IntakeFixture fixture) : IClassFixture<IntakeFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;

    /// <summary>Holds each save until both merges have reached theirs: their reads are done, neither has written.</summary>
    private sealed class SaveBarrier(int parties) : SaveChangesInterceptor
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken ct = default)
        {
            if (Interlocked.Increment(ref _arrived) == parties)
            {
                _all.SetResult();
            }
            // Bounded, so a merge that never reaches its save fails the test instead of hanging it.
            await _all.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            return result;
        }
    }

    [Fact]
    public async Task MergeAsync_ConcurrentMergesThatWouldChain_OneAbortedAndNoChain()
    {
        var email = $"race{Guid.NewGuid():N}@example.com";
        var a = await SubmitAsync(email);
        var b = await SubmitAsync(email);
        var c = await SubmitAsync(email);
        var connection = await _intake.WithDb(db => Task.FromResult(db.Database.GetConnectionString()!));
        var barrier = new SaveBarrier(2);
        var staff = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "agent-race"), new Claim("role", "agent")], "test", "sub", "role"));

        async Task<StatusCode> MergeAsync(string primary, string duplicate)
        {
            var options = new DbContextOptionsBuilder<SqliteIntakeDbContext>().UseSqlite(connection).AddInterceptors(barrier).Options;
            await using var db = new SqliteIntakeDbContext(options);
            try
            {
                await new ComplaintMerge(db, new IntakeAccess(db, new NeedToKnow(Options.Create(new ConfidentialityOptions()))), TimeProvider.System, NullLogger<ComplaintMerge>.Instance).MergeAsync(
                    new MergeComplaintsRequest { PrimaryReference = primary, DuplicateReference = duplicate, Reason = "same matter" }, staff, CancellationToken.None);
                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                Assert.Contains("nothing was merged", e.Status.Detail);
                return e.StatusCode;
            }
        }

        var outcomes = await Task.WhenAll(Task.Run(() => MergeAsync(b.Reference, a.Reference)), Task.Run(() => MergeAsync(c.Reference, b.Reference)));

        Assert.Equal([StatusCode.OK, StatusCode.Aborted], outcomes.Order());
        var targets = await _intake.WithDb(db => db.Complaints.AsNoTracking()
            .Where(x => x.Reference == a.Reference || x.Reference == b.Reference || x.Reference == c.Reference)
            .ToDictionaryAsync(x => x.Reference, x => x.MergedIntoId));
        // Exactly one merge landed, and no complaint is both merged away and a merge target.
        Assert.Single(targets.Values, t => t is not null);
        Assert.DoesNotContain(targets, kv => kv.Value is not null && targets.Values.Contains(IdOf(kv.Key)));
        var events = await _intake.WithDb(db => db.Events.AsNoTracking().CountAsync(e => e.Type == ComplaintMerged.Descriptor.FullName
            && (e.AggregateId == a.ComplaintId || e.AggregateId == b.ComplaintId)));
        Assert.Equal(1, events);

        Guid IdOf(string reference) => Guid.Parse(new[] { a, b, c }.Single(x => x.Reference == reference).ComplaintId);
    }

    [Fact]
    public async Task SaveChangesAsync_ComplaintChanged_VersionOneMoreEachSave()
    {
        var submitted = await SubmitAsync($"v{Guid.NewGuid():N}@example.com");
        var id = Guid.Parse(submitted.ComplaintId);

        var before = await _intake.WithDb(db => db.Complaints.Where(x => x.Id == id).Select(x => x.Version).SingleAsync());
        var after = await _intake.WithDb(async db =>
        {
            var record = await db.Complaints.SingleAsync(x => x.Id == id);
            record.AssigneeId = "agent-v";
            await db.SaveChangesAsync();
            record.AssigneeId = "agent-w";
            await db.SaveChangesAsync();
            return record.Version;
        });

        Assert.Equal(before + 2, after);
    }

    private async Task<SubmitComplaintResponse> SubmitAsync(string email)
    {
        var request = ValidationTests.ValidRequest();
        request.Complainant.Email = email;
        request.Complainant.Phone = "";
        return await _intake.Public().SubmitComplaintAsync(request);
    }
}
