using Complaints.Common.V1;
using Complaints.Intake.V1;
using Complaints.Routing.Tests.CaseWork;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Auth;
using Google.Rpc;
using Grpc.Core;

namespace Complaints.Routing.Tests.Watch;

/// <summary>WatchCases end to end over gRPC: cases enter, change in and leave a filtered set as staff work them.</summary>
public sealed class CaseQueueWatchTests(RoutingHost host) : IClassFixture<RoutingHost>
{
    private const string Admin = "admin-qw";
    private const string Supervisor = "sup-qw";

    private CaseWorkService.CaseWorkServiceClient AdminWork => host.Work(Admin, Roles.Admin);

    /// <summary>A queue of its own for the test, with two agents.</summary>
    private async Task<(string Queue, string Agent, string Colleague)> QueueAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var directory = new DirectoryService.DirectoryServiceClient(host.Channel(host.StaffToken(Admin, Roles.Admin)));
        var queue = "qw-" + suffix;
        await directory.UpsertQueueAsync(new Queue { Id = queue, Name = "Watched " + suffix });
        foreach (var agent in new[] { "a-" + suffix, "b-" + suffix })
        {
            await directory.UpsertAgentAsync(new Agent { Id = agent, DisplayName = agent, Languages = { "en" }, Capacity = 10, Active = true, QueueIds = { queue } });
        }
        return (queue, "a-" + suffix, "b-" + suffix);
    }

    private Task AssignAsync(string reference, string queue, string? assignee = null) =>
        AdminWork.AssignCaseAsync(new AssignCaseRequest { Reference = reference, QueueId = queue, AssigneeId = assignee ?? "" }).ResponseAsync;

    private async Task<Watcher> WatchAsync(CaseFilter filter, string subject = Supervisor, string role = Roles.Supervisor, string? resumeToken = null)
    {
        var work = host.Work(subject, role);
        // The list's position: nothing committed after the list is missed by the watch.
        resumeToken ??= (await work.ListCasesAsync(new ListCasesRequest { Filter = filter, PageSize = 1 })).ResumeToken;
        var watcher = new Watcher(work.WatchCases(new WatchCasesRequest { Filter = filter, ResumeToken = resumeToken }));
        return watcher;
    }

    [Fact]
    public async Task WatchCases_CaseAssignedEscalatedAndMovedAway_EnteredChangedLeft()
    {
        var (queue, agent, _) = await QueueAsync();
        var e = await host.OpenCaseAsync();
        await using var watcher = await WatchAsync(new CaseFilter { QueueId = queue });
        Assert.Empty(await watcher.UntilSyncedAsync());

        await AssignAsync(e.Reference, queue, agent);
        var entered = await watcher.NextAsync();
        await AdminWork.EscalateCaseAsync(new EscalateCaseRequest { Reference = e.Reference, Reason = "Vulnerable customer." });
        var changed = await watcher.NextAsync();
        await AssignAsync(e.Reference, "general");
        var left = await watcher.NextAsync();

        Assert.Equal([CaseListChangeKind.Entered, CaseListChangeKind.Changed, CaseListChangeKind.Left], new[] { entered.Kind, changed.Kind, left.Kind });
        Assert.All(new[] { entered, changed, left }, x => Assert.Equal(e.Reference, x.Reference));
        Assert.Equal((queue, agent, 0), (entered.Summary.QueueId, entered.Summary.AssigneeId, entered.Summary.EscalationTier));
        Assert.NotEmpty(entered.Summary.Clocks);
        Assert.Equal(1, changed.Summary.EscalationTier);
        Assert.Null(left.Summary);
        var tokens = new[] { entered, changed, left }.Select(x => long.Parse(x.ResumeToken[1..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(tokens.Order(), tokens);
        Assert.Equal(3, tokens.Distinct().Count());
    }

    [Fact]
    public async Task WatchCases_ResumeAfterDisconnect_EveryMissedChangeOnceNothingTwice()
    {
        var (queue, _, _) = await QueueAsync();
        var first = await host.OpenCaseAsync();
        var second = await host.OpenCaseAsync();
        string seen;
        await using (var watcher = await WatchAsync(new CaseFilter { QueueId = queue }))
        {
            await watcher.UntilSyncedAsync();
            await AssignAsync(first.Reference, queue);
            var entered = await watcher.NextAsync();
            Assert.Equal((CaseListChangeKind.Entered, first.Reference), (entered.Kind, entered.Reference));
            seen = entered.ResumeToken;
        }

        // While the client is away: two changes of the first case, the second case entering and leaving again.
        await AdminWork.EscalateCaseAsync(new EscalateCaseRequest { Reference = first.Reference, Reason = "Repeat complaint." });
        await AdminWork.EscalateCaseAsync(new EscalateCaseRequest { Reference = first.Reference, Reason = "Ombudsman enquiry." });
        await AssignAsync(second.Reference, queue);
        await AssignAsync(second.Reference, "general");

        await using var resumed = await WatchAsync(new CaseFilter { QueueId = queue }, resumeToken: seen);
        var missed = await resumed.UntilSyncedAsync();

        // Two changes of a case read together come as one, with the case as it is now.
        Assert.Equal([(CaseListChangeKind.Changed, first.Reference), (CaseListChangeKind.Entered, second.Reference), (CaseListChangeKind.Left, second.Reference)],
            missed.Select(x => (x.Kind, x.Reference)));
        Assert.Equal(2, missed[0].Summary.EscalationTier);

        // Resuming from any message gives exactly what came after it.
        await using var again = await WatchAsync(new CaseFilter { QueueId = queue }, resumeToken: missed[1].ResumeToken);
        Assert.Equal([(CaseListChangeKind.Left, second.Reference)], (await again.UntilSyncedAsync()).Select(x => (x.Kind, x.Reference)));
        await using var fromTheEnd = await WatchAsync(new CaseFilter { QueueId = queue }, resumeToken: missed[2].ResumeToken);
        Assert.Empty(await fromTheEnd.UntilSyncedAsync());
    }

    [Fact]
    public async Task WatchCases_ConfidentialCaseReassignedAway_LeftWithReferenceOnly_OutsiderSeesNothing()
    {
        var (queue, handler, colleague) = await QueueAsync();
        var secret = await host.OpenCaseAsync(confidential: true);
        var marker = await host.OpenCaseAsync();
        await using var handlerWatch = await WatchAsync(new CaseFilter { QueueId = queue }, handler, Roles.Agent);
        await using var outsiderWatch = await WatchAsync(new CaseFilter { QueueId = queue }, "outsider-qw", Roles.Agent);
        await handlerWatch.UntilSyncedAsync();
        await outsiderWatch.UntilSyncedAsync();

        await AssignAsync(secret.Reference, queue, handler);
        var entered = await handlerWatch.NextAsync();
        await AssignAsync(secret.Reference, queue, colleague);
        var left = await handlerWatch.NextAsync();
        // A visible case after them: once the outsider has it, the confidential changes were read and withheld.
        await AssignAsync(marker.Reference, queue);
        var outsiderFirst = await outsiderWatch.NextAsync();

        Assert.Equal((CaseListChangeKind.Entered, true), (entered.Kind, entered.Summary.Confidential));
        Assert.Equal((CaseListChangeKind.Left, secret.Reference), (left.Kind, left.Reference));
        Assert.Null(left.Summary);
        Assert.Equal((CaseListChangeKind.Entered, marker.Reference), (outsiderFirst.Kind, outsiderFirst.Reference));
        Assert.Equal((CaseListChangeKind.Entered, marker.Reference), ((await handlerWatch.NextAsync()).Kind, marker.Reference));
    }

    [Fact]
    public async Task WatchCases_AwaitingApproval_EntersOnProposalLeavesOnApproval()
    {
        var (queue, agent, _) = await QueueAsync();
        var e = await host.OpenCaseAsync();
        await AssignAsync(e.Reference, queue, agent);
        var handler = host.Work(agent);
        await handler.StartInvestigationAsync(new CaseActionRequest { Reference = e.Reference });
        await handler.RecordFindingsAsync(new RecordFindingsRequest { Reference = e.Reference, Findings = "Duplicate capture.", RootCause = "system_error" });
        await using var approvals = await WatchAsync(new CaseFilter { QueueId = queue, AwaitingApproval = true });
        await approvals.UntilSyncedAsync();

        await handler.ProposeResolutionAsync(new ProposeResolutionRequest
        {
            Reference = e.Reference,
            Outcome = Outcome.Upheld,
            Summary = "We refund the duplicate charge.",
            Remedy = new Remedy { Refund = new Money { Amount = "5000", Currency = "GBP" } },
        });
        var waiting = await approvals.NextAsync();
        await host.Work(Supervisor, Roles.Supervisor).DecideResolutionAsync(new DecideResolutionRequest { Reference = e.Reference, Approve = true });
        var decided = await approvals.NextAsync();

        Assert.Equal((CaseListChangeKind.Entered, e.Reference, true), (waiting.Kind, waiting.Reference, waiting.Summary.AwaitingApproval));
        Assert.Equal((CaseListChangeKind.Left, e.Reference), (decided.Kind, decided.Reference));
    }

    [Theory]
    [InlineData("abc", 0, "resumeToken")]
    [InlineData("q99999999999", 0, "resumeToken")]
    [InlineData("", 42, "filter.statuses[0]")]
    public async Task WatchCases_BadInput_InvalidArgumentNamingTheField(string resumeToken, int status, string field)
    {
        var filter = new CaseFilter();
        if (status != 0)
        {
            filter.Statuses.Add((CaseStatus)status);
        }
        await using var watcher = new Watcher(host.Work(Supervisor, Roles.Supervisor).WatchCases(new WatchCasesRequest { Filter = filter, ResumeToken = resumeToken }));

        var error = await Assert.ThrowsAsync<RpcException>(watcher.NextAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(field, Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
    }

    /// <summary>One WatchCases call, read message by message with a deadline (never a sleep).</summary>
    private sealed class Watcher(AsyncServerStreamingCall<CaseListChange> call) : IAsyncDisposable
    {
        public async Task<CaseListChange> NextAsync()
        {
            using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
            Assert.True(await call.ResponseStream.MoveNext(timeout.Token), "The stream ended.");
            return call.ResponseStream.Current;
        }

        /// <summary>The changes up to the SYNCED message, which ends the replay.</summary>
        public async Task<List<CaseListChange>> UntilSyncedAsync()
        {
            var changes = new List<CaseListChange>();
            for (var next = await NextAsync(); next.Kind != CaseListChangeKind.Synced; next = await NextAsync())
            {
                changes.Add(next);
            }
            return changes;
        }

        public ValueTask DisposeAsync()
        {
            call.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
