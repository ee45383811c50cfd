using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Auth;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Complaints.Intake.Tests;

/// <summary>
/// PartnerComplaintService: a partner lists and tracks the complaints it submitted or imported, and nothing else
/// exists for it. Each test uses its own partner ids, so the lists are its own.
/// </summary>
public class PartnerComplaintTests(IntakeFixture fixture) : IClassFixture<IntakeFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;

    private static string NewPartner() => $"crm-{Guid.NewGuid():N}"[..20];

    private PartnerComplaintService.PartnerComplaintServiceClient Reader(string partner, params string[] scopes) =>
        new(_intake.Channel(IntakeFactory.PartnerToken(partner, scopes.Length == 0 ? [PartnerScopes.Read] : scopes)));

    private Task<SubmitComplaintResponse> SubmitAsync(string partner, bool confidential = false)
    {
        var request = ValidationTests.ValidRequest();
        request.Channel = Common.V1.Channel.PartnerApi;
        request.Confidential = confidential;
        return _intake.Partner(partner, PartnerScopes.Submit).SubmitComplaintAsync(request).ResponseAsync;
    }

    private async Task<List<PartnerComplaintSummary>> ListAllAsync(PartnerComplaintService.PartnerComplaintServiceClient client, int pageSize = 0)
    {
        var all = new List<PartnerComplaintSummary>();
        var request = new ListPartnerComplaintsRequest { PageSize = pageSize };
        do
        {
            var page = await client.ListPartnerComplaintsAsync(request);
            all.AddRange(page.Complaints);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        return all;
    }

    private static void AssertNewestFirst(IReadOnlyList<PartnerComplaintSummary> list)
    {
        for (var i = 1; i < list.Count; i++)
        {
            var (before, after) = (list[i - 1], list[i]);
            Assert.True(before.ReceivedAt > after.ReceivedAt
                || (before.ReceivedAt == after.ReceivedAt && string.CompareOrdinal(before.Reference, after.Reference) > 0),
                $"{before.Reference} ({before.ReceivedAt}) is listed before {after.Reference} ({after.ReceivedAt})");
        }
    }

    private static string FieldOf(RpcException error) => Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field;

    [Fact]
    public async Task ListPartnerComplaints_OwnAmongOthers_ReturnsOnlyOwnNewestFirst()
    {
        var partner = NewPartner();
        var own = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            own.Add((await SubmitAsync(partner)).Reference);
        }
        await SubmitAsync(NewPartner());
        await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());
        // A staff member whose id happens to be the partner's: a staff submission is never a partner's.
        await new IntakeService.IntakeServiceClient(_intake.Channel(_intake.Token(partner, Roles.Agent))).SubmitComplaintAsync(ValidationTests.ValidRequest());

        var listed = await ListAllAsync(Reader(partner));

        Assert.Equal(own.Order(), listed.Select(c => c.Reference).Order());
        AssertNewestFirst(listed);
        Assert.All(listed, c => Assert.Equal(Common.V1.Channel.PartnerApi, c.Channel));
    }

    [Fact]
    public async Task ListPartnerComplaints_MoreThanOnePage_EveryComplaintOnceInOrderWhileNewOnesArrive()
    {
        var partner = NewPartner();
        var own = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            own.Add((await SubmitAsync(partner)).Reference);
        }
        var client = Reader(partner);

        var first = await client.ListPartnerComplaintsAsync(new ListPartnerComplaintsRequest { PageSize = 3 });
        // A complaint received between pages shifts nothing: it is newer than every page after the first.
        var late = await SubmitAsync(partner);
        var second = await client.ListPartnerComplaintsAsync(new ListPartnerComplaintsRequest { PageSize = 3, PageToken = first.NextPageToken });
        var third = await client.ListPartnerComplaintsAsync(new ListPartnerComplaintsRequest { PageSize = 3, PageToken = second.NextPageToken });

        Assert.Equal([3, 3, 1], new[] { first, second, third }.Select(p => p.Complaints.Count));
        Assert.NotEmpty(first.NextPageToken);
        Assert.NotEmpty(second.NextPageToken);
        Assert.Empty(third.NextPageToken);
        var pages = first.Complaints.Concat(second.Complaints).Concat(third.Complaints).ToList();
        Assert.Equal(own.Order(), pages.Select(c => c.Reference).Order());
        AssertNewestFirst(pages);
        Assert.Equal(late.Reference, (await client.ListPartnerComplaintsAsync(new ListPartnerComplaintsRequest { PageSize = 3 })).Complaints[0].Reference);
    }

    /// <summary>Imports records received at the given dates as <paramref name="partner"/>; their source ids, in order.</summary>
    private async Task<List<string>> ImportAsync(string partner, params DateTimeOffset[] receivedAt)
    {
        var ids = receivedAt.Select(_ => $"crm:{Guid.NewGuid():N}").ToList();
        using var call = new ImportService.ImportServiceClient(_intake.Channel(IntakeFactory.PartnerToken(partner, PartnerScopes.Import))).ImportComplaints();
        for (var i = 0; i < ids.Count; i++)
        {
            await call.RequestStream.WriteAsync(new ImportComplaintRequest
            {
                SourceId = ids[i],
                ReceivedAt = Timestamp.FromDateTimeOffset(receivedAt[i]),
                Complaint = ValidationTests.ValidRequest(),
            });
        }
        await call.RequestStream.CompleteAsync();
        Assert.Equal(ids.Count, (await call).Imported);
        return ids;
    }

    private static DateTimeOffset Day(int year, int month) => new(year, month, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ListPartnerComplaints_ImportedByThePartner_ListedAsItsOwnWithSourceId()
    {
        var partner = NewPartner();
        var submitted = await SubmitAsync(partner);
        var sourceId = Assert.Single(await ImportAsync(partner, Day(2024, 5)));

        var listed = await ListAllAsync(Reader(partner));

        Assert.Equal(2, listed.Count);
        Assert.Equal(submitted.Reference, listed[0].Reference);
        Assert.False(listed[0].Imported);
        Assert.True(listed[1].Imported);
        Assert.Equal(sourceId, listed[1].PartnerKey);
        Assert.Equal(Day(2024, 5), listed[1].ReceivedAt.ToDateTimeOffset());
    }

    [Fact]
    public async Task ListPartnerComplaints_ReceivedAfter_OnlyComplaintsReceivedLater()
    {
        var partner = NewPartner();
        var ids = await ImportAsync(partner, Day(2024, 1), Day(2024, 2), Day(2024, 3), Day(2024, 4));

        var page = await Reader(partner).ListPartnerComplaintsAsync(new ListPartnerComplaintsRequest { ReceivedAfter = Timestamp.FromDateTimeOffset(Day(2024, 2)) });

        Assert.Equal([ids[3], ids[2]], page.Complaints.Select(c => c.PartnerKey));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(201)]
    public async Task ListPartnerComplaints_BadPageSize_InvalidArgumentNamingPageSize(int pageSize)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Reader(NewPartner()).ListPartnerComplaintsAsync(new ListPartnerComplaintsRequest { PageSize = pageSize }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("pageSize", FieldOf(error));
    }

    [Fact]
    public async Task ListPartnerComplaints_PageSize200_Accepted()
    {
        var partner = NewPartner();
        await SubmitAsync(partner);

        var page = await Reader(partner).ListPartnerComplaintsAsync(new ListPartnerComplaintsRequest { PageSize = 200 });

        Assert.Single(page.Complaints);
        Assert.Empty(page.NextPageToken);
    }

    [Theory]
    [InlineData("not a token")]
    [InlineData("cDF8MTIzfA")]
    public async Task ListPartnerComplaints_BadPageToken_InvalidArgumentNamingPageToken(string token)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Reader(NewPartner()).ListPartnerComplaintsAsync(new ListPartnerComplaintsRequest { PageToken = token }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("pageToken", FieldOf(error));
    }

    [Fact]
    public async Task ListPartnerComplaints_RestBadPageSize_400NamingTheField()
    {
        using var http = _intake.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", IntakeFactory.PartnerToken(NewPartner(), PartnerScopes.Read));

        using var response = await http.GetAsync("/api/v1/partner/complaints?pageSize=500");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("pageSize", json.GetProperty("details")[0].GetProperty("fieldViolations")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task GetPartnerComplaint_Own_TheComplainantsTrackingView()
    {
        var partner = NewPartner();
        var submitted = await SubmitAsync(partner);

        var view = await Reader(partner).GetPartnerComplaintAsync(new GetPartnerComplaintRequest { Reference = submitted.Reference.ToLowerInvariant() });
        var tracked = await _intake.Public().TrackComplaintAsync(new TrackComplaintRequest { Reference = submitted.Reference, TrackingToken = submitted.TrackingToken });

        Assert.Equal(tracked, view.Complaint);
        Assert.Equal("Charged twice", view.Complaint.Subject);
    }

    [Fact]
    public async Task GetPartnerComplaint_OwnConfidential_Visible()
    {
        var partner = NewPartner();
        var submitted = await SubmitAsync(partner, confidential: true);

        var view = await Reader(partner).GetPartnerComplaintAsync(new GetPartnerComplaintRequest { Reference = submitted.Reference });
        var listed = await ListAllAsync(Reader(partner));

        Assert.Equal(submitted.Reference, view.Complaint.Reference);
        Assert.True(Assert.Single(listed).Confidential);
    }

    [Fact]
    public async Task GetPartnerComplaint_AnotherPartnersOrThePublics_NotFoundAsAnUnknownReference()
    {
        var partner = NewPartner();
        var theirs = await SubmitAsync(NewPartner(), confidential: true);
        var publics = await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());
        var client = Reader(partner);

        var errors = new List<RpcException>();
        foreach (var reference in new[] { theirs.Reference, publics.Reference, "CMP-0000-0000" })
        {
            errors.Add(await Assert.ThrowsAsync<RpcException>(() => client.GetPartnerComplaintAsync(new GetPartnerComplaintRequest { Reference = reference }).ResponseAsync));
        }

        Assert.All(errors, e => Assert.Equal(StatusCode.NotFound, e.StatusCode));
        Assert.All(errors, e => Assert.StartsWith("No complaint of yours with reference ", e.Status.Detail));
    }

    [Fact]
    public async Task GetPartnerComplaint_RestOwnAndAnotherPartners_200And404()
    {
        var partner = NewPartner();
        var own = await SubmitAsync(partner);
        var theirs = await SubmitAsync(NewPartner());
        using var http = _intake.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", IntakeFactory.PartnerToken(partner, PartnerScopes.Read));

        using var ownResponse = await http.GetAsync($"/api/v1/partner/complaints/{own.Reference}");
        using var theirResponse = await http.GetAsync($"/api/v1/partner/complaints/{theirs.Reference}");

        Assert.Equal(HttpStatusCode.OK, ownResponse.StatusCode);
        Assert.Equal(own.Reference, (await ownResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("complaint").GetProperty("reference").GetString());
        Assert.Equal(HttpStatusCode.NotFound, theirResponse.StatusCode);
    }

    [Fact]
    public async Task PartnerComplaints_PartnerWithoutReadScope_PermissionDenied()
    {
        var partner = NewPartner();
        var own = await SubmitAsync(partner);
        var client = Reader(partner, PartnerScopes.Submit, PartnerScopes.Import);

        var list = await Assert.ThrowsAsync<RpcException>(() => client.ListPartnerComplaintsAsync(new ListPartnerComplaintsRequest()).ResponseAsync);
        var get = await Assert.ThrowsAsync<RpcException>(() => client.GetPartnerComplaintAsync(new GetPartnerComplaintRequest { Reference = own.Reference }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, list.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, get.StatusCode);
    }

    [Theory]
    [InlineData(null, StatusCode.Unauthenticated)]
    [InlineData(Roles.Admin, StatusCode.PermissionDenied)]
    [InlineData(Roles.Agent, StatusCode.PermissionDenied)]
    [InlineData(Roles.Service, StatusCode.PermissionDenied)]
    public async Task ListPartnerComplaints_NotAPartner_Refused(string? role, StatusCode expected)
    {
        var client = new PartnerComplaintService.PartnerComplaintServiceClient(role is null ? _intake.Channel() : _intake.Channel(_intake.Token("someone", role)));

        var error = await Assert.ThrowsAsync<RpcException>(() => client.ListPartnerComplaintsAsync(new ListPartnerComplaintsRequest()).ResponseAsync);

        Assert.Equal(expected, error.StatusCode);
    }
}
