using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Complaints.Common.V1;
using Complaints.Routing.V1;
using Grpc.Core;

namespace Complaints.Routing.Tests;

public sealed class CaseServiceTests(RoutingFixture fixture) : IClassFixture<RoutingFixture>
{
    private CaseService.CaseServiceClient Client(string? token) => new(fixture.Factory.Channel(token));

    [Theory]
    [InlineData("agent")]
    [InlineData("supervisor")]
    [InlineData("admin")]
    public async Task GetCase_StaffRole_ReturnsFullTimelineWithInternalEntries(string role)
    {
        var c = await fixture.SeedCaseAsync();

        var response = await Client(fixture.Factory.Token("staff-1", role)).GetCaseAsync(new GetCaseRequest { Reference = c.Reference });

        Assert.Equal(c.ComplaintId.ToString(), response.ComplaintId);
        Assert.Equal(c.Reference, response.Reference);
        Assert.Equal(CaseStatus.Received, response.Status);
        Assert.Equal("billing", response.Category);
        Assert.Equal(Channel.Phone, response.Channel);
        Assert.Equal(Jurisdiction.EuPsd2, response.Jurisdiction);
        Assert.Equal(c.ReceivedAt, response.ReceivedAt.ToDateTimeOffset());
        Assert.Equal(["Complaint received", "Case opened", "Internal note"], response.Timeline.Select(t => t.Title));
        Assert.Equal([true, true, false], response.Timeline.Select(t => t.Public));
        Assert.Equal($"Suspect duplicate charge {c.ComplaintId:N}", response.Timeline[2].Detail);
    }

    [Fact]
    public async Task GetCase_LowerCaseReference_FindsCase()
    {
        var c = await fixture.SeedCaseAsync();

        var response = await Client(fixture.Factory.Token("staff-1", "agent")).GetCaseAsync(new GetCaseRequest { Reference = " " + c.Reference.ToLowerInvariant() + " " });

        Assert.Equal(c.ComplaintId.ToString(), response.ComplaintId);
    }

    [Theory]
    [InlineData("analyst")]
    [InlineData("service")]
    [InlineData("partner")]
    public async Task GetCase_NonStaffRole_PermissionDenied(string role)
    {
        var c = await fixture.SeedCaseAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client(fixture.Factory.Token("someone", role)).GetCaseAsync(new GetCaseRequest { Reference = c.Reference }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task GetCase_NoToken_Unauthenticated()
    {
        var c = await fixture.SeedCaseAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client(null).GetCaseAsync(new GetCaseRequest { Reference = c.Reference }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task ListCasesRest_NestedFilterAndOrderInQuery_FilteredPageWithCounts()
    {
        var c = await fixture.SeedCaseAsync();
        using var http = fixture.Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get,
            "/api/v1/cases?filter.jurisdictions=JURISDICTION_EU_PSD2&filter.channels=CHANNEL_PHONE&filter.statuses=CASE_STATUS_RECEIVED&order=CASE_ORDER_NEWEST&pageSize=200");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Factory.Token("staff-1", "agent"));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        var cases = root.GetProperty("cases").EnumerateArray().ToList();
        Assert.Contains(cases, x => x.GetProperty("reference").GetString() == c.Reference);
        Assert.All(cases, x => Assert.Equal("JURISDICTION_EU_PSD2", x.GetProperty("jurisdiction").GetString()));
        Assert.Equal(cases.Count, root.GetProperty("totalCount").GetInt32());
        Assert.StartsWith("q", root.GetProperty("resumeToken").GetString());
        var phone = root.GetProperty("counts").GetProperty("channels").EnumerateArray().Single(x => x.GetProperty("channel").GetString() == "CHANNEL_PHONE");
        Assert.Equal(cases.Count, phone.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task GetCaseRest_AgentToken_ReturnsLowerCamelCaseJson()
    {
        var c = await fixture.SeedCaseAsync();
        using var http = fixture.Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/cases/{c.Reference}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Factory.Token("staff-1", "agent"));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal(c.ComplaintId.ToString(), root.GetProperty("complaintId").GetString());
        Assert.Equal(c.Reference, root.GetProperty("reference").GetString());
        Assert.Equal("CASE_STATUS_RECEIVED", root.GetProperty("status").GetString());
        Assert.Equal("CHANNEL_PHONE", root.GetProperty("channel").GetString());
        Assert.Equal(c.AcknowledgeBy, root.GetProperty("acknowledgeBy").GetDateTimeOffset());
        Assert.Equal(c.ResolveBy, root.GetProperty("resolveBy").GetDateTimeOffset());
        Assert.Equal(c.ReceivedAt, root.GetProperty("receivedAt").GetDateTimeOffset());
        var timeline = root.GetProperty("timeline").EnumerateArray().ToList();
        Assert.Equal(3, timeline.Count);
        Assert.False(timeline[2].GetProperty("public").GetBoolean());
        Assert.All(root.EnumerateObject(), p => Assert.DoesNotContain('_', p.Name));
        Assert.All(root.EnumerateObject(), p => Assert.True(char.IsLower(p.Name[0]), p.Name));
    }

    [Fact]
    public async Task GetCaseRest_UnknownReference_NotFound()
    {
        using var http = fixture.Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/cases/{Envelopes.NewReference()}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Factory.Token("staff-1", "agent"));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task GetCaseRest_NoToken_Unauthorized()
    {
        var c = await fixture.SeedCaseAsync();
        using var http = fixture.Factory.CreateClient();

        using var response = await http.GetAsync($"/api/v1/cases/{c.Reference}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(c.ComplaintId.ToString(), await response.Content.ReadAsStringAsync());
    }
}
