using Complaints.Common.V1;
using Complaints.Routing.Directory;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Errors;

namespace Complaints.Routing.Tests.Directory;

public sealed class CaseListQueryTests : IDisposable
{
    private static readonly DateTimeOffset Now = DirectoryTestKit.Now;
    private readonly DirectoryTestKit _kit = new();

    private async Task<ListCasesResponse> List(ListCasesRequest request, string user = "boss", string role = "supervisor")
    {
        await using var db = _kit.Db.Open();
        return await new CaseListQuery(db, _kit.Access(db), _kit.Clock).ListAsync(request, DirectoryTestKit.User(user, role), CancellationToken.None);
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

        Assert.Equal(Of(mineOpen, secret, awaiting), await Refs(new ListCasesRequest { QueueId = "general" }));
        Assert.Equal(Of(mineOpen), await Refs(new ListCasesRequest { Mine = true }, "agent-1", "agent"));
        Assert.Equal(Of(mineOpen), await Refs(new ListCasesRequest { QueueId = "mine" }, "agent-1", "agent"));
        Assert.Equal(Of(mineOpen, mineClosed), await Refs(new ListCasesRequest { Mine = true, IncludeClosed = true }, "agent-1", "agent"));
        Assert.Equal(Of(mineClosed, awaiting), await Refs(new ListCasesRequest { Statuses = { CaseStatus.Closed, CaseStatus.AwaitingComplainant } }));
        Assert.Equal(Of(mineOpen, otherQueue), await Refs(new ListCasesRequest { MinSeverity = Severity.High }));
        Assert.Equal(Of(otherQueue), await Refs(new ListCasesRequest { BreachingWithinHours = 24 }));
        Assert.Equal(Of(mineOpen, otherQueue), await Refs(new ListCasesRequest { BreachingWithinHours = 48 }));
        Assert.Equal(Of(secret), await Refs(new ListCasesRequest { Confidential = ConfidentialFilter.Only }));
        Assert.Equal(Of(mineOpen, otherQueue, awaiting), await Refs(new ListCasesRequest { Confidential = ConfidentialFilter.Exclude }));
    }

    [Fact]
    public async Task ListAsync_BreachingWithin_FollowsInjectedClock()
    {
        var c = At(deadlineHours: 30);
        await _kit.SeedAsync(c);
        Assert.Empty((await List(new ListCasesRequest { BreachingWithinHours = 24 })).Cases);

        _kit.Clock.Advance(TimeSpan.FromHours(7));

        Assert.Equal(c.Reference, Assert.Single((await List(new ListCasesRequest { BreachingWithinHours = 24 })).Cases).Reference);
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

        async Task<int> Count(string user, string role) => (await List(new ListCasesRequest { QueueId = "sensitive" }, user, role)).Cases.Count;

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
            BreachingWithinHours = -2,
            MinSeverity = (Severity)9,
            Statuses = { (CaseStatus)42 },
        }));

        Assert.Equal(["pageSize", "breachingWithinHours", "minSeverity", "statuses[0]"], error.Violations.Select(v => v.Field));
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
