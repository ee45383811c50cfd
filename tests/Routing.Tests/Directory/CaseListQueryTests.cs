using Complaints.Common.V1;
using Complaints.Routing.Directory;
using Complaints.Routing.Domain;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Errors;
using Microsoft.Extensions.Options;

namespace Complaints.Routing.Tests.Directory;

public sealed class CaseListQueryTests : IDisposable
{
    private static readonly DateTimeOffset Now = DirectoryTestKit.Now;
    private readonly DirectoryTestKit _kit = new();

    private async Task<ListCasesResponse> List(ListCasesRequest request, string user = "boss", string role = "supervisor")
    {
        await using var db = _kit.Db.Open();
        return await new CaseListQuery(db, _kit.Access(db), _kit.Clock, Options.Create(new ResolutionOptions())).ListAsync(request, DirectoryTestKit.User(user, role), CancellationToken.None);
    }

    private static Data.Case At(string queue = "general", string? assignee = null, int deadlineHours = 0, int receivedHoursAgo = 24,
        CaseStatus status = CaseStatus.InInvestigation, Severity severity = Severity.Low, bool confidential = false) =>
        DirectoryTestKit.NewCase(queue: queue, assignee: assignee, status: status, severity: severity, confidential: confidential,
            receivedAt: Now.AddHours(-receivedHoursAgo), nextDeadline: deadlineHours == 0 ? null : Now.AddHours(deadlineHours));

    [Fact]
    public async Task ListAsync_Order_SoonestDeadlineFirstThenReceivedWithoutDeadline()
    {
        var late = At(deadlineHours: 48);
        var soon = At(deadlineHours: 2);
        var overdue = At(deadlineHours: -3);
        var oldNoDeadline = At(receivedHoursAgo: 100);
        var newNoDeadline = At(receivedHoursAgo: 1);
        await _kit.SeedAsync(late, soon, newNoDeadline, overdue, oldNoDeadline);

        var page = await List(new ListCasesRequest());

        Assert.Equal(new[] { overdue, soon, late, oldNoDeadline, newNoDeadline }.Select(c => c.Reference), page.Cases.Select(c => c.Reference));
        Assert.Equal("", page.NextPageToken);
    }

    [Fact]
    public async Task ListAsync_Paging_NoDuplicatesOrGaps()
    {
        // Ties on the deadline and on received time, across the deadline/no-deadline boundary.
        var cases = Enumerable.Range(0, 23).Select(i => At(deadlineHours: i < 12 ? 1 + i % 3 : 0, receivedHoursAgo: 10 + i % 2)).ToArray();
        await _kit.SeedAsync(cases);
        var all = await List(new ListCasesRequest { PageSize = 100 });

        var seen = new List<string>();
        var token = "";
        var pages = 0;
        do
        {
            var page = await List(new ListCasesRequest { PageSize = 5, PageToken = token });
            Assert.True(page.Cases.Count <= 5);
            seen.AddRange(page.Cases.Select(c => c.ComplaintId));
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0);

        Assert.Equal(5, pages);
        Assert.Equal(23, seen.Count);
        Assert.Equal(all.Cases.Select(c => c.ComplaintId), seen);
        Assert.Equal(cases.Select(c => c.ComplaintId.ToString()).Order(), seen.Order());
    }

    [Fact]
    public async Task ListAsync_DefaultPageSize_25()
    {
        await _kit.SeedAsync(Enumerable.Range(0, 30).Select(_ => At()).ToArray());

        var page = await List(new ListCasesRequest());

        Assert.Equal(25, page.Cases.Count);
        Assert.NotEmpty(page.NextPageToken);
    }

    [Theory]
    [InlineData("garbage!")]
    [InlineData("MXxkfDEyMw")]
    public async Task ListAsync_InvalidPageToken_FieldError(string token)
    {
        var error = await Assert.ThrowsAsync<ValidationException>(() => List(new ListCasesRequest { PageToken = token }));

        Assert.Equal("pageToken", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public async Task ListAsync_Filters_QueueMineStatusSeverityBreachingConfidential()
    {
        var mineOpen = At(queue: "general", assignee: "agent-1", deadlineHours: 30, severity: Severity.High);
        var mineClosed = At(queue: "general", assignee: "agent-1", status: CaseStatus.Closed);
        var otherQueue = At(queue: "fraud", deadlineHours: 5, severity: Severity.Critical);
        var secret = At(queue: "general", confidential: true, severity: Severity.Medium);
        var awaiting = At(queue: "general", status: CaseStatus.AwaitingComplainant);
        await _kit.SeedAsync(mineOpen, mineClosed, otherQueue, secret, awaiting);

        async Task<string[]> Refs(ListCasesRequest r, string user = "root", string role = "admin") =>
            (await List(r, user, role)).Cases.Select(c => c.Reference).Order().ToArray();
        string[] Of(params Data.Case[] cs) => cs.Select(c => c.Reference).Order().ToArray();

        Assert.Equal(Of(mineOpen, secret, awaiting), await Refs(new ListCasesRequest { Filter = new CaseFilter { QueueId = "general" } }));
        Assert.Equal(Of(mineOpen), await Refs(new ListCasesRequest { Filter = new CaseFilter { Mine = true } }, "agent-1", "agent"));
        Assert.Equal(Of(mineOpen), await Refs(new ListCasesRequest { Filter = new CaseFilter { QueueId = "mine" } }, "agent-1", "agent"));
        Assert.Equal(Of(mineOpen, mineClosed), await Refs(new ListCasesRequest { Filter = new CaseFilter { Mine = true, IncludeClosed = true } }, "agent-1", "agent"));
        Assert.Equal(Of(mineClosed, awaiting), await Refs(new ListCasesRequest { Filter = new CaseFilter { Statuses = { CaseStatus.Closed, CaseStatus.AwaitingComplainant } } }));
        Assert.Equal(Of(mineOpen, otherQueue), await Refs(new ListCasesRequest { Filter = new CaseFilter { MinSeverity = Severity.High } }));
        Assert.Equal(Of(otherQueue), await Refs(new ListCasesRequest { Filter = new CaseFilter { BreachingWithinHours = 24 } }));
        Assert.Equal(Of(mineOpen, otherQueue), await Refs(new ListCasesRequest { Filter = new CaseFilter { BreachingWithinHours = 48 } }));
        Assert.Equal(Of(secret), await Refs(new ListCasesRequest { Filter = new CaseFilter { Confidential = ConfidentialFilter.Only } }));
        Assert.Equal(Of(mineOpen, otherQueue, awaiting), await Refs(new ListCasesRequest { Filter = new CaseFilter { Confidential = ConfidentialFilter.Exclude } }));
    }

    [Fact]
    public async Task ListAsync_BreachingWithin_FollowsInjectedClock()
    {
        var c = At(deadlineHours: 30);
        await _kit.SeedAsync(c);
        Assert.Empty((await List(new ListCasesRequest { Filter = new CaseFilter { BreachingWithinHours = 24 } })).Cases);

        _kit.Clock.Advance(TimeSpan.FromHours(7));

        Assert.Equal(c.Reference, Assert.Single((await List(new ListCasesRequest { Filter = new CaseFilter { BreachingWithinHours = 24 } })).Cases).Reference);
    }

    [Fact]
    public async Task ListAsync_ConfidentialCases_OnlyForHandlerQueueSupervisorAndAdmins()
    {
        await _kit.AgentAsync("lead");
        await _kit.QueueAsync("sensitive", supervisors: "lead");
        var handled = At(queue: "sensitive", assignee: "handler", confidential: true);
        var unassigned = At(queue: "sensitive", confidential: true);
        var open = At(queue: "sensitive");
        await _kit.SeedAsync(handled, unassigned, open);

        async Task<int> Count(string user, string role) => (await List(new ListCasesRequest { Filter = new CaseFilter { QueueId = "sensitive" } }, user, role)).Cases.Count;

        Assert.Equal(1, await Count("stranger", "agent"));
        Assert.Equal(2, await Count("handler", "agent"));
        Assert.Equal(3, await Count("lead", "agent"));
        Assert.Equal(3, await Count("lead", "supervisor"));
        Assert.Equal(1, await Count("boss", "supervisor"));
        Assert.Equal(3, await Count("root", "admin"));
    }

    [Fact]
    public async Task ListAsync_BadFilters_NameEachField()
    {
        var error = await Assert.ThrowsAsync<ValidationException>(() => List(new ListCasesRequest
        {
            PageSize = -1,
            Order = (CaseOrder)9,
            Filter = new CaseFilter
            {
                BreachingWithinHours = -2,
                MinSeverity = (Severity)9,
                Confidential = (ConfidentialFilter)5,
                Statuses = { (CaseStatus)42 },
                Severities = { Severity.High, Severity.Unspecified },
                EscalationTiers = { 4 },
                Channels = { Channel.Unspecified },
                Jurisdictions = { (Jurisdiction)9 },
            },
        }));

        Assert.Equal(["pageSize", "order", "filter.breachingWithinHours", "filter.minSeverity", "filter.confidential", "filter.statuses[0]",
            "filter.severities[1]", "filter.escalationTiers[0]", "filter.channels[0]", "filter.jurisdictions[0]"], error.Violations.Select(v => v.Field));
    }

    [Fact]
    public async Task ListAsync_MineWithAnotherAssignee_FieldError()
    {
        var error = await Assert.ThrowsAsync<ValidationException>(() =>
            List(new ListCasesRequest { Filter = new CaseFilter { Mine = true, AssigneeId = "agent-2" } }, "agent-1", "agent"));

        Assert.Equal("filter.assigneeId", Assert.Single(error.Violations).Field);
    }

    private static Data.Case Varied(string queue = "general", int tier = 0, Channel channel = Channel.Web, Jurisdiction jurisdiction = Jurisdiction.UkFca,
        Severity severity = Severity.Low, string? assignee = null, bool awaitingApproval = false, bool confidential = false, int deadlineHours = 0)
    {
        var c = DirectoryTestKit.NewCase(queue: queue, channel: channel, jurisdiction: jurisdiction, severity: severity, assignee: assignee,
            confidential: confidential, status: awaitingApproval ? CaseStatus.ResolutionProposed : CaseStatus.InInvestigation,
            nextDeadline: deadlineHours == 0 ? null : Now.AddHours(deadlineHours));
        c.EscalationTier = tier;
        c.AwaitingApproval = awaitingApproval;
        return c;
    }

    [Fact]
    public async Task ListAsync_EachFilter_SelectsOnlyItsCases()
    {
        var tier2 = Varied(tier: 2);
        var phone = Varied(channel: Channel.Phone);
        var asic = Varied(jurisdiction: Jurisdiction.AuAsic);
        var none = Varied(jurisdiction: Jurisdiction.Unspecified);
        var medium = Varied(severity: Severity.Medium);
        var critical = Varied(severity: Severity.Critical);
        var bobs = Varied(assignee: "bob");
        var approval = Varied(awaitingApproval: true);
        await _kit.SeedAsync(tier2, phone, asic, none, medium, critical, bobs, approval);

        async Task<string[]> Refs(CaseFilter f) => (await List(new ListCasesRequest { Filter = f }, "root", "admin")).Cases.Select(c => c.Reference).Order().ToArray();
        string[] Of(params Data.Case[] cs) => cs.Select(c => c.Reference).Order().ToArray();

        Assert.Equal(Of(tier2), await Refs(new CaseFilter { EscalationTiers = { 2, 3 } }));
        Assert.Equal(Of(phone), await Refs(new CaseFilter { Channels = { Channel.Phone } }));
        Assert.Equal(Of(asic, none), await Refs(new CaseFilter { Jurisdictions = { Jurisdiction.AuAsic, Jurisdiction.Unspecified } }));
        Assert.Equal(Of(medium, critical), await Refs(new CaseFilter { Severities = { Severity.Critical, Severity.Medium } }));
        Assert.Equal(Of(bobs), await Refs(new CaseFilter { AssigneeId = "bob" }));
        Assert.Equal(Of(approval), await Refs(new CaseFilter { AwaitingApproval = true }));
        Assert.Equal(8, (await Refs(new CaseFilter())).Length);
    }

    [Fact]
    public async Task ListAsync_FiltersCombine_AndAcrossFiltersOrWithinOne()
    {
        var hit = Varied(queue: "fraud", channel: Channel.Phone, severity: Severity.High, tier: 1);
        var hitEmail = Varied(queue: "fraud", channel: Channel.Email, severity: Severity.Critical, tier: 1);
        var wrongTier = Varied(queue: "fraud", channel: Channel.Phone, severity: Severity.High);
        var wrongQueue = Varied(queue: "general", channel: Channel.Phone, severity: Severity.High, tier: 1);
        var wrongSeverity = Varied(queue: "fraud", channel: Channel.Phone, severity: Severity.Medium, tier: 1);
        await _kit.SeedAsync(hit, hitEmail, wrongTier, wrongQueue, wrongSeverity);

        var page = await List(new ListCasesRequest
        {
            Filter = new CaseFilter
            {
                QueueId = "fraud",
                Channels = { Channel.Phone, Channel.Email },
                Severities = { Severity.High, Severity.Critical, Severity.Medium },
                MinSeverity = Severity.High,
                EscalationTiers = { 1 },
            },
        });

        Assert.Equal(new[] { hit.Reference, hitEmail.Reference }.Order(), page.Cases.Select(c => c.Reference).Order());
        Assert.Equal(2, page.TotalCount);
    }

    public static TheoryData<CaseOrder> Orders => [CaseOrder.Unspecified, CaseOrder.NearestDeadline, CaseOrder.Newest, CaseOrder.Oldest, CaseOrder.Severity];

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task ListAsync_EachOrder_PagesCoverEveryCaseOnceInOrder(CaseOrder order)
    {
        // Ties on every key but the id, and cases with and without a deadline.
        var cases = Enumerable.Range(0, 17).Select(i => At(deadlineHours: i % 4 == 0 ? 0 : 1 + i % 3, receivedHoursAgo: 10 + i % 3,
            severity: (Severity)(1 + i % 4))).ToArray();
        await _kit.SeedAsync(cases);
        var byId = cases.ToDictionary(c => c.ComplaintId.ToString());

        var seen = new List<string>();
        var token = "";
        do
        {
            var page = await List(new ListCasesRequest { PageSize = 4, PageToken = token, Order = order });
            Assert.Equal(17, page.TotalCount);
            seen.AddRange(page.Cases.Select(c => c.ComplaintId));
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        Assert.Equal(cases.Select(c => c.ComplaintId.ToString()).Order(), seen.Order());
        Assert.Equal((await List(new ListCasesRequest { PageSize = 100, Order = order })).Cases.Select(c => c.ComplaintId), seen);
        var keys = seen.Select(id => byId[id]).Select(c => order switch
        {
            CaseOrder.Newest => (-c.ReceivedAt.UtcTicks, 0L, 0L),
            CaseOrder.Oldest => (c.ReceivedAt.UtcTicks, 0L, 0L),
            CaseOrder.Severity => (-c.Severity, (c.NextDeadline ?? DateTimeOffset.MaxValue).UtcTicks, c.ReceivedAt.UtcTicks),
            _ => ((c.NextDeadline ?? DateTimeOffset.MaxValue).UtcTicks, c.ReceivedAt.UtcTicks, 0L),
        }).ToList();
        Assert.Equal(keys.Order(), keys);
    }

    [Fact]
    public async Task ListAsync_PageTokenOfAnotherOrderOrFilter_FieldErrorNamingPageToken()
    {
        await _kit.SeedAsync(Enumerable.Range(0, 3).Select(_ => At(deadlineHours: 5)).ToArray());
        var token = (await List(new ListCasesRequest { PageSize = 1, Order = CaseOrder.Newest, Filter = new CaseFilter { QueueId = "general" } })).NextPageToken;
        Assert.NotEmpty(token);

        var otherOrder = await Assert.ThrowsAsync<ValidationException>(() =>
            List(new ListCasesRequest { PageSize = 1, PageToken = token, Order = CaseOrder.Oldest, Filter = new CaseFilter { QueueId = "general" } }));
        var otherFilter = await Assert.ThrowsAsync<ValidationException>(() =>
            List(new ListCasesRequest { PageSize = 1, PageToken = token, Order = CaseOrder.Newest, Filter = new CaseFilter { QueueId = "fraud" } }));
        // The same filter written in another order of values is the same filter.
        var same = await List(new ListCasesRequest { PageSize = 1, PageToken = token, Order = CaseOrder.Newest, Filter = new CaseFilter { QueueId = "general" } });

        Assert.Equal("pageToken", Assert.Single(otherOrder.Violations).Field);
        Assert.Equal("pageToken", Assert.Single(otherFilter.Violations).Field);
        Assert.Contains("another filter or order", otherFilter.Message);
        Assert.Single(same.Cases);
    }

    [Fact]
    public async Task ListAsync_Counts_EachDimensionOverTheOtherFilters()
    {
        await _kit.SeedAsync(
            Varied(channel: Channel.Phone, severity: Severity.High, deadlineHours: 5),
            Varied(channel: Channel.Phone, severity: Severity.Low, tier: 1),
            Varied(channel: Channel.Email, severity: Severity.High, confidential: true, awaitingApproval: true),
            Varied(channel: Channel.Web, severity: Severity.Low, jurisdiction: Jurisdiction.EuPsd2, deadlineHours: 100),
            Varied(queue: "fraud", channel: Channel.Phone, severity: Severity.High));

        var page = await List(new ListCasesRequest
        {
            Filter = new CaseFilter { QueueId = "general", Channels = { Channel.Phone }, Severities = { Severity.High } },
        }, "root", "admin");
        var counts = page.Counts;

        Assert.Equal(1, page.TotalCount);
        // Severity: the phone cases of the queue, whatever their severity.
        Assert.Equal([(Severity.Low, 1), (Severity.High, 1)], counts.Severities.Select(x => (x.Severity, x.Count)));
        // Channel: the high-severity cases of the queue, whatever their channel.
        Assert.Equal([(Channel.Email, 1), (Channel.Phone, 1)], counts.Channels.Select(x => (x.Channel, x.Count)));
        // The rest: the one case both filters select (the other queue's case never counts).
        Assert.Equal([(CaseStatus.InInvestigation, 1)], counts.Statuses.Select(x => (x.Status, x.Count)));
        Assert.Equal([(0, 1)], counts.EscalationTiers.Select(x => (x.Tier, x.Count)));
        Assert.Equal([(Jurisdiction.UkFca, 1)], counts.Jurisdictions.Select(x => (x.Jurisdiction, x.Count)));
        Assert.Equal((0, 1), (counts.Confidential, counts.NotConfidential));
        Assert.Equal((1, 24), (counts.BreachingSoon, counts.BreachingSoonHours));
        Assert.Equal(0, counts.AwaitingApproval);

        var breaching = await List(new ListCasesRequest { Filter = new CaseFilter { QueueId = "general", BreachingWithinHours = 200 } }, "root", "admin");
        Assert.Equal((2, 2, 200), (breaching.TotalCount, breaching.Counts.BreachingSoon, breaching.Counts.BreachingSoonHours));
        // The other dimensions count within the window: the case awaiting approval has no deadline.
        Assert.Equal(0, breaching.Counts.AwaitingApproval);

        var wide = (await List(new ListCasesRequest { Filter = new CaseFilter { QueueId = "general" } }, "root", "admin")).Counts;
        Assert.Equal(1, wide.AwaitingApproval);
        Assert.Equal((1, 3), (wide.Confidential, wide.NotConfidential));
        Assert.Equal([(0, 3), (1, 1)], wide.EscalationTiers.Select(x => (x.Tier, x.Count)));
        Assert.Equal([(CaseStatus.InInvestigation, 3), (CaseStatus.ResolutionProposed, 1)], wide.Statuses.Select(x => (x.Status, x.Count)));
    }

    [Fact]
    public async Task ListAsync_Counts_ConfidentialOutsideTheCircle_CountNowhere()
    {
        await _kit.QueueAsync("sensitive", supervisors: "lead");
        await _kit.SeedAsync(
            Varied(queue: "sensitive", confidential: true, assignee: "handler", severity: Severity.Critical, tier: 2, deadlineHours: 3, awaitingApproval: true),
            Varied(queue: "sensitive", confidential: true, channel: Channel.Phone, jurisdiction: Jurisdiction.UsCfpb),
            Varied(queue: "sensitive"));

        async Task<ListCasesResponse> As(string user, string role) =>
            await List(new ListCasesRequest { Filter = new CaseFilter { QueueId = "sensitive", IncludeClosed = true } }, user, role);
        static int Sum(CaseCounts c) => c.Statuses.Sum(x => x.Count);

        var outsider = await As("stranger", "agent");
        Assert.Equal(1, outsider.TotalCount);
        Assert.Equal((0, 1), (outsider.Counts.Confidential, outsider.Counts.NotConfidential));
        Assert.Equal(1, Sum(outsider.Counts));
        Assert.Equal([(Severity.Low, 1)], outsider.Counts.Severities.Select(x => (x.Severity, x.Count)));
        Assert.Equal([(0, 1)], outsider.Counts.EscalationTiers.Select(x => (x.Tier, x.Count)));
        Assert.Equal([(Channel.Web, 1)], outsider.Counts.Channels.Select(x => (x.Channel, x.Count)));
        Assert.Equal([(Jurisdiction.UkFca, 1)], outsider.Counts.Jurisdictions.Select(x => (x.Jurisdiction, x.Count)));
        Assert.Equal((0, 0), (outsider.Counts.BreachingSoon, outsider.Counts.AwaitingApproval));

        var handler = await As("handler", "agent");
        Assert.Equal((2, (1, 1)), (handler.TotalCount, (handler.Counts.Confidential, handler.Counts.NotConfidential)));
        Assert.Equal((1, 1), (handler.Counts.BreachingSoon, handler.Counts.AwaitingApproval));

        var lead = await As("lead", "agent");
        Assert.Equal((3, 2), (lead.TotalCount, lead.Counts.Confidential));
        Assert.Equal(3, Sum(lead.Counts));
    }

    [Fact]
    public async Task ListAsync_Summary_CarriesRunningClocksWithPauseAndWarning()
    {
        var c = At(deadlineHours: 10);
        await _kit.SeedAsync(c);
        await using (var db = _kit.Db.Open())
        {
            db.AddRange(
                new Data.CaseClock { ComplaintId = c.ComplaintId, Kind = (int)ClockKind.SlaResolve, StartedAt = Now.AddDays(-1), DueAt = Now.AddDays(5), Pausable = true, PausedAt = Now.AddHours(-1) },
                new Data.CaseClock { ComplaintId = c.ComplaintId, Kind = (int)ClockKind.StatutoryFinalResponse, StartedAt = Now.AddDays(-1), DueAt = Now.AddHours(10), LastPercentFired = 90 },
                new Data.CaseClock { ComplaintId = c.ComplaintId, Kind = (int)ClockKind.SlaFirstResponse, StartedAt = Now.AddDays(-3), DueAt = Now.AddDays(-1), Breached = true, LastPercentFired = 100 },
                new Data.CaseClock { ComplaintId = c.ComplaintId, Kind = (int)ClockKind.SlaAcknowledge, StartedAt = Now.AddDays(-1), DueAt = Now, StoppedAt = Now.AddHours(-20) });
            await db.SaveChangesAsync();
        }

        var row = Assert.Single((await List(new ListCasesRequest())).Cases);

        Assert.Equal([ClockKind.SlaFirstResponse, ClockKind.SlaResolve, ClockKind.StatutoryFinalResponse], row.Clocks.Select(k => k.Kind));
        Assert.Equal([(true, 100), (false, 0), (false, 90)], row.Clocks.Select(k => (k.Breached, k.WarningPercent)));
        Assert.Equal([false, true, false], row.Clocks.Select(k => k.Paused));
        Assert.Equal(Now.AddHours(10), row.Clocks[2].DueAt.ToDateTimeOffset());
        Assert.Equal(("billing", Channel.Web, Jurisdiction.UkFca, "general"), (row.Category, row.Channel, row.Jurisdiction, row.QueueId));
        Assert.Equal(c.ReceivedAt, row.ReceivedAt.ToDateTimeOffset());
    }

    [Fact]
    public async Task ListAsync_PageSizeAboveMax_CappedAt200()
    {
        await _kit.SeedAsync(Enumerable.Range(0, 205).Select(_ => At()).ToArray());

        var page = await List(new ListCasesRequest { PageSize = 1000 });

        Assert.Equal(200, page.Cases.Count);
    }

    public void Dispose() => _kit.Dispose();
}
