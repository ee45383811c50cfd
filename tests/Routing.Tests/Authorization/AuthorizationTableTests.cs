using Complaints.Common.V1;
using Complaints.Intake.V1;
using Complaints.Routing.Tests.CaseWork;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Auth;
using Complaints.TestSupport;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Routing.Tests.Authorization;

/// <summary>Routing with the reader role the table tests use, and no clock timer.</summary>
public sealed class ReaderRoleRoutingHost() : RoutingHost(new Dictionary<string, string?>
{
    ["Routing:ClockTimer:Enabled"] = "false",
    ["Confidentiality:ReaderRoles:0"] = AuthorizationTable.ReaderRole,
});

/// <summary>
/// Every row of the authorisation table (<see cref="StaffOperations"/>) for Routing's case work, case reads and
/// directory, called by every principal on an open and a confidential case: what the table allows succeeds, what it
/// refuses is refused with the status it names, and a refusal changes nothing.
/// </summary>
public sealed class AuthorizationTableTests(ReaderRoleRoutingHost host) : IClassFixture<ReaderRoleRoutingHost>
{
    private const string Queue = "authz";
    private const string FosWording =
        "If you are not satisfied you may refer your complaint to the Financial Ombudsman Service within six months of this letter.";

    private static readonly string[] Services = ["complaints.routing.v1.CaseWorkService", "complaints.routing.v1.CaseService", "complaints.routing.v1.DirectoryService"];

    public static TheoryData<string, string, bool> Rows => AuthorizationTable.Rows(Services);

    private sealed record Scenario(Func<AuthorizationTableTests, string, Task> Arrange, Func<AuthorizationTableTests, Callers, string, Task<bool>> ActWith,
        Jurisdiction Jurisdiction = Jurisdiction.UkFca)
    {
        /// <summary>An act that needs only the caller's clients.</summary>
        public Scenario(Func<AuthorizationTableTests, string, Task> arrange, Func<Callers, string, Task<bool>> act, Jurisdiction jurisdiction = Jurisdiction.UkFca)
            : this(arrange, (_, c, r) => act(c, r), jurisdiction)
        {
        }
    }

    /// <summary>The principal's clients; Act returns whether the case was in the answer (true for calls that do not list).</summary>
    private sealed record Callers(CaseWorkService.CaseWorkServiceClient Work, CaseService.CaseServiceClient Cases, DirectoryService.DirectoryServiceClient Directory);

    private static Task None(AuthorizationTableTests t, string reference) => Task.CompletedTask;

    private static async Task<bool> Done(Task call)
    {
        await call;
        return true;
    }

    private static readonly Dictionary<string, Scenario> Scenarios = new()
    {
        ["ListCases"] = new(None, async (c, reference) =>
        {
            var token = "";
            do
            {
                var page = await c.Work.ListCasesAsync(new ListCasesRequest { Filter = new CaseFilter { QueueId = Queue }, PageSize = 200, PageToken = token });
                if (page.Cases.Any(x => x.Reference == reference))
                {
                    return true;
                }
                token = page.NextPageToken;
            }
            while (token.Length > 0);
            return false;
        }),
        ["WatchCases"] = new(None, (t, c, reference) => t.WatchesAsync(c, reference)),
        ["WatchCase"] = new(None, async (c, reference) =>
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            using var call = c.Work.WatchCase(new WatchCaseRequest { Reference = reference }, cancellationToken: cancel.Token);
            return await call.ResponseStream.MoveNext(cancel.Token);
        }),
        ["GetCase"] = new(None, (c, r) => Done(c.Cases.GetCaseAsync(new GetCaseRequest { Reference = r }).ResponseAsync)),
        ["AssignCase"] = new(None, (c, r) => Done(c.Work.AssignCaseAsync(new AssignCaseRequest { Reference = r, QueueId = Queue, AssigneeId = "authz-colleague", Reason = "Rebalancing." }).ResponseAsync)),
        ["StartInvestigation"] = new(None, (c, r) => Done(c.Work.StartInvestigationAsync(new CaseActionRequest { Reference = r }).ResponseAsync)),
        ["AddNote"] = new(None, (c, r) => Done(c.Work.AddNoteAsync(new AddNoteRequest { Reference = r, Text = "Called the branch." }).ResponseAsync)),
        ["PostPublicUpdate"] = new(None, (c, r) => Done(c.Work.PostPublicUpdateAsync(new PostPublicUpdateRequest { Reference = r, Text = "We are on it." }).ResponseAsync)),
        ["RequestInformation"] = new((t, r) => t.InvestigatingAsync(r), (c, r) => Done(c.Work.RequestInformationAsync(new RequestInformationRequest { Reference = r, Question = "Which account?" }).ResponseAsync)),
        ["RecordFindings"] = new((t, r) => t.InvestigatingAsync(r), (c, r) => Done(c.Work.RecordFindingsAsync(new RecordFindingsRequest { Reference = r, Findings = "Duplicate capture.", RootCause = "system_error" }).ResponseAsync)),
        ["ProposeResolution"] = new((t, r) => t.FindingsAsync(r), (c, r) => Done(c.Work.ProposeResolutionAsync(Proposal(r, refund: null)).ResponseAsync)),
        ["DecideResolution"] = new((t, r) => t.ProposedAsync(r, refund: "5000"), (c, r) => Done(c.Work.DecideResolutionAsync(new DecideResolutionRequest { Reference = r, Approve = true }).ResponseAsync)),
        ["GetFinalResponseRequirements"] = new(None, (c, r) => Done(c.Work.GetFinalResponseRequirementsAsync(new CaseRef { Reference = r }).ResponseAsync)),
        ["SendFinalResponse"] = new((t, r) => t.ProposedAsync(r, refund: null), (c, r) => Done(c.Work.SendFinalResponseAsync(new SendFinalResponseRequest { Reference = r, Text = FosWording }).ResponseAsync)),
        ["CloseCase"] = new((t, r) => t.ResolvedAsync(r), (c, r) => Done(c.Work.CloseCaseAsync(new CaseActionRequest { Reference = r }).ResponseAsync)),
        ["ReopenCase"] = new((t, r) => t.ClosedAsync(r), (c, r) => Done(c.Work.ReopenCaseAsync(new CaseActionRequest { Reference = r, Reason = "New evidence." }).ResponseAsync)),
        ["EscalateCase"] = new(None, (c, r) => Done(c.Work.EscalateCaseAsync(new EscalateCaseRequest { Reference = r, Reason = "Vulnerable customer." }).ResponseAsync)),
        ["OverrideSeverity"] = new(None, (c, r) => Done(c.Work.OverrideSeverityAsync(new OverrideSeverityRequest { Reference = r, Severity = Severity.Critical, Reason = "Vulnerable customer." }).ResponseAsync)),
        ["ExtendStatutoryDeadline"] = new(None, (c, r) => Done(c.Work.ExtendStatutoryDeadlineAsync(new CaseActionRequest { Reference = r, Reason = "We await the card scheme's records." }).ResponseAsync),
            Jurisdiction.EuPsd2),
        ["UpsertAgent"] = new(None, (c, _) => Done(c.Directory.UpsertAgentAsync(new Agent { Id = "authz-new", DisplayName = "New", Languages = { "en" }, Capacity = 1, Active = true }).ResponseAsync)),
        ["ListAgents"] = new(None, (c, _) => Done(c.Directory.ListAgentsAsync(new ListAgentsRequest()).ResponseAsync)),
        ["UpsertQueue"] = new(None, (c, _) => Done(c.Directory.UpsertQueueAsync(new Queue { Id = "authz-new", Name = "New queue" }).ResponseAsync)),
        ["ListQueues"] = new(None, (c, _) => Done(c.Directory.ListQueuesAsync(new ListQueuesRequest()).ResponseAsync)),
        ["GetRoutingRules"] = new(None, (c, _) => Done(c.Directory.GetRoutingRulesAsync(new GetRoutingRulesRequest()).ResponseAsync)),
        ["ReplaceRoutingRules"] = new(None, async (c, _) =>
        {
            var rules = await c.Directory.GetRoutingRulesAsync(new GetRoutingRulesRequest());
            await c.Directory.ReplaceRoutingRulesAsync(rules);
            return true;
        }),
    };

    private static ProposeResolutionRequest Proposal(string reference, string? refund) => new()
    {
        Reference = reference,
        Outcome = Outcome.PartlyUpheld,
        Summary = "We refund the duplicate charge.",
        Remedy = new Remedy { Apology = true, Refund = refund is null ? null : new Money { Amount = refund, Currency = "GBP" } },
    };

    private Callers As(Principal p)
    {
        var channel = host.Channel(host.StaffToken(p.Subject, p.Roles));
        return new(new CaseWorkService.CaseWorkServiceClient(channel), new CaseService.CaseServiceClient(channel), new DirectoryService.DirectoryServiceClient(channel));
    }

    /// <summary>
    /// Watches the queue until the replay ends (a refused caller fails there), then a note on the case and a visible case
    /// entering the queue: once that one arrives, whether the case came before it says whether the caller saw it.
    /// </summary>
    private async Task<bool> WatchesAsync(Callers c, string reference)
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var call = c.Work.WatchCases(new WatchCasesRequest { Filter = new CaseFilter { QueueId = Queue } }, cancellationToken: cancel.Token);
        do
        {
            Assert.True(await call.ResponseStream.MoveNext(cancel.Token));
        }
        while (call.ResponseStream.Current.Kind != CaseListChangeKind.Synced);
        await Admin.Work.AddNoteAsync(new AddNoteRequest { Reference = reference, Text = "Watched." });
        var marker = await host.OpenCaseAsync();
        await Admin.Work.AssignCaseAsync(new AssignCaseRequest { Reference = marker.Reference, QueueId = Queue });
        var found = false;
        while (await call.ResponseStream.MoveNext(cancel.Token))
        {
            found |= call.ResponseStream.Current.Reference == reference;
            if (call.ResponseStream.Current.Reference == marker.Reference)
            {
                return found;
            }
        }
        return false;
    }

    private Callers Handler => As(AuthorizationTable.Named("handler"));

    private Callers Admin => As(AuthorizationTable.Named("admin"));

    private Task InvestigatingAsync(string reference) => Handler.Work.StartInvestigationAsync(new CaseActionRequest { Reference = reference }).ResponseAsync;

    private async Task FindingsAsync(string reference)
    {
        await InvestigatingAsync(reference);
        await Handler.Work.RecordFindingsAsync(new RecordFindingsRequest { Reference = reference, Findings = "Duplicate capture.", RootCause = "system_error" });
    }

    private async Task ProposedAsync(string reference, string? refund)
    {
        await FindingsAsync(reference);
        await Handler.Work.ProposeResolutionAsync(Proposal(reference, refund));
    }

    private async Task ResolvedAsync(string reference)
    {
        await ProposedAsync(reference, refund: null);
        await Handler.Work.SendFinalResponseAsync(new SendFinalResponseRequest { Reference = reference, Text = FosWording });
    }

    private async Task ClosedAsync(string reference)
    {
        await ResolvedAsync(reference);
        await Handler.Work.CloseCaseAsync(new CaseActionRequest { Reference = reference });
    }

    /// <summary>The queue, supervised by the queue supervisor, with the handler and the colleague as its agents.</summary>
    private async Task DirectoryAsync()
    {
        var directory = Admin.Directory;
        await directory.UpsertQueueAsync(new Queue { Id = Queue, Name = "Authorisation table" });
        foreach (var id in new[] { "authz-handler", "authz-colleague", "authz-lead" })
        {
            await directory.UpsertAgentAsync(new Agent { Id = id, DisplayName = id, Languages = { "en" }, Capacity = 500, Active = true, QueueIds = { Queue } });
        }
        await directory.UpsertQueueAsync(new Queue { Id = Queue, Name = "Authorisation table", SupervisorIds = { "authz-lead" } });
    }

    /// <summary>What a refusal must leave as it was: the case's version, its timeline and its events.</summary>
    private Task<(long Version, int Entries, int Events)> SnapshotAsync(ComplaintReceived e) => host.QueryAsync(async db =>
    {
        var c = await db.Cases.AsNoTracking().SingleAsync(x => x.ComplaintId == Guid.Parse(e.ComplaintId));
        return (c.Version, await db.Timeline.CountAsync(t => t.ComplaintId == c.ComplaintId), await db.Events.CountAsync(x => x.AggregateId == e.ComplaintId));
    });

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task StaffOperation_PrincipalOnCase_AsTheTableSays(string method, string principal, bool confidential)
    {
        var operation = AuthorizationTable.Operation(method);
        var caller = AuthorizationTable.Named(principal);
        var scenario = Scenarios[method];
        await DirectoryAsync();
        var e = await host.OpenCaseAsync(scenario.Jurisdiction, confidential: confidential);
        await Admin.Work.AssignCaseAsync(new AssignCaseRequest { Reference = e.Reference, QueueId = Queue, AssigneeId = "authz-handler" });
        await scenario.Arrange(this, e.Reference);
        var before = await SnapshotAsync(e);
        var expected = AuthorizationTable.Expected(operation, caller, confidential);

        StatusCode status;
        var found = false;
        try
        {
            found = await scenario.ActWith(this, As(caller), e.Reference);
            status = StatusCode.OK;
        }
        catch (RpcException error)
        {
            status = error.StatusCode;
        }

        Assert.Equal(expected, status);
        if (status == StatusCode.OK)
        {
            // A list shows the case exactly when the need-to-know rule lets the caller see it.
            Assert.Equal(operation.Scope == CaseScope.None && method is not ("ListCases" or "WatchCases") || AuthorizationTable.MaySee(caller, confidential), found);
        }
        else
        {
            Assert.Equal(before, await SnapshotAsync(e));
        }
    }

    [Fact]
    public void StaffOperations_RoutingStaffServices_EveryMethodHasARowAndAScenario()
    {
        var methods = new[] { CaseWorkService.Descriptor, CaseService.Descriptor, DirectoryService.Descriptor }
            .SelectMany(s => s.Methods.Select((MethodDescriptor m) => $"/{s.FullName}/{m.Name}"))
            .Order().ToList();
        var rows = StaffOperations.All.Where(o => Services.Contains(o.Service)).Select(o => o.Path).Order().ToList();

        Assert.Equal(methods, rows);
        Assert.Equal(rows.Select(r => r[(r.LastIndexOf('/') + 1)..]).Order(), Scenarios.Keys.Order());
    }

    [Fact]
    public void SecurityDoc_AuthorisationTable_IsTheTableInCode()
    {
        static string Scope(CaseScope scope) => scope switch
        {
            CaseScope.None => "not one case",
            CaseScope.Visible => "a case the caller may see",
            CaseScope.Handler => "its handler or a supervisor of it (unassigned: anyone who may see it)",
            CaseScope.Supervisor => "a supervisor of it",
            _ => "one the partner submitted or imported (any other: NotFound)",
        };
        static string Roles(StaffOperation o)
        {
            string[] callers = [.. o.Public ? ["anyone, with or without a token"] : Array.Empty<string>(), .. o.Roles, .. o.Complainant ? ["complainant (tracking token)"] : Array.Empty<string>()];
            return callers.Length == 0 ? "none" : string.Join(", ", callers);
        }
        var expected = string.Join('\n', StaffOperations.All.Select(o =>
            $"| `{o.Method}` | {o.Service[(o.Service.LastIndexOf('.') + 1)..]} | {Roles(o)} | {(o.PartnerScope is { } scope ? $"`{scope}`" : "never")} | {Scope(o.Scope)} | {o.Note ?? ""} |"));
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "security.md")).ReplaceLineEndings("\n");
        const string Start = "<!-- authorisation-table:start -->\n| Operation | Service | Roles | Partner scope | Cases | Also |\n|---|---|---|---|---|---|\n";
        const string End = "\n<!-- authorisation-table:end -->";

        var from = doc.IndexOf(Start, StringComparison.Ordinal);
        var to = doc.IndexOf(End, StringComparison.Ordinal);

        Assert.True(from >= 0 && to > from, "docs/security.md lacks the authorisation table's markers");
        Assert.Equal(expected, doc[(from + Start.Length)..to]);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Complaints.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No Complaints.sln above {AppContext.BaseDirectory}.");
    }
}
