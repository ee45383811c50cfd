using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Complaints.Common.V1;
using Complaints.Eventing;
using Complaints.Insights.Data;
using Complaints.Insights.Domain;
using Complaints.Insights.V1;
using Complaints.Intake.V1;
using Complaints.Routing.V1;
using Complaints.TestSupport;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.Insights.Tests;

/// <summary>One Insights per test class for authorization checks (no counts asserted there).</summary>
public sealed class InsightsFixture : IDisposable
{
    public InsightsFactory Factory { get; } = new();

    public void Dispose() => Factory.Dispose();
}

public sealed class InsightsServiceTests(InsightsFixture fixture) : IClassFixture<InsightsFixture>
{
    private static InsightsService.InsightsServiceClient Client(InsightsFactory factory, string? token) => new(factory.Channel(token));

    private static ComplaintReceived Received(string category, Channel channel) => new()
    {
        ComplaintId = Guid.NewGuid().ToString(),
        Reference = "CMP-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant(),
        Category = category,
        Channel = channel,
        ReceivedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
    };

    /// <summary>5 received (billing 3, service 2; web 3, phone 2), 3 opened, 1 acknowledged.</summary>
    private static IMessage[] MixedEvents()
    {
        ComplaintReceived[] received =
        [
            Received("service", Channel.Phone), Received("billing", Channel.Web), Received("billing", Channel.Phone),
            Received("service", Channel.Web), Received("billing", Channel.Web),
        ];
        return
        [
            .. received,
            new CaseOpened { ComplaintId = received[0].ComplaintId }, new CaseOpened { ComplaintId = received[1].ComplaintId },
            new CaseOpened { ComplaintId = received[2].ComplaintId },
            new CaseAcknowledged { ComplaintId = received[0].ComplaintId },
        ];
    }

    [Fact]
    public async Task GetComplaintCounts_NoToken_Unauthenticated()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client(fixture.Factory, null).GetComplaintCountsAsync(new GetComplaintCountsRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("partner")]
    [InlineData("service")]
    public async Task GetComplaintCounts_NonAnalyticsRole_PermissionDenied(string role)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client(fixture.Factory, fixture.Factory.Token("someone", role)).GetComplaintCountsAsync(new GetComplaintCountsRequest()).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Theory]
    [InlineData("analyst")]
    [InlineData("supervisor")]
    [InlineData("admin")]
    public async Task GetComplaintCounts_AnalyticsRole_Answers(string role)
    {
        var response = await Client(fixture.Factory, fixture.Factory.Token("someone", role)).GetComplaintCountsAsync(new GetComplaintCountsRequest());

        Assert.NotNull(response);
        Assert.Equal(response.ByCategory.Select(c => c.Count).OrderByDescending(c => c), response.ByCategory.Select(c => c.Count));
    }

    [Fact]
    public async Task GetComplaintCounts_AfterMixedEvents_ReturnsHandCountsLargestFirst()
    {
        using var factory = new InsightsFactory();
        await factory.FeedAsync(MixedEvents());

        var response = await Client(factory, factory.Token("ana", "analyst")).GetComplaintCountsAsync(new GetComplaintCountsRequest());

        Assert.Equal(5, response.Received);
        Assert.Equal(3, response.Opened);
        Assert.Equal(1, response.Acknowledged);
        Assert.Equal([("billing", 3L), ("service", 2L)], response.ByCategory.Select(c => (c.Key, c.Count)));
        Assert.Equal([("CHANNEL_WEB", 3L), ("CHANNEL_PHONE", 2L)], response.ByChannel.Select(c => (c.Key, c.Count)));
    }

    [Fact]
    public async Task GetComplaintCountsRest_AnalystToken_ReturnsProtoJson()
    {
        using var factory = new InsightsFactory();
        await factory.FeedAsync(MixedEvents());
        using var http = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/insights/counts");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", factory.Token("ana", "analyst"));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        // ASP.NET Core JSON transcoding writes int64 as numbers unless WriteInt64sAsStrings is set; read either form.
        Assert.Equal(5, Int64(root, "received"));
        Assert.Equal(3, Int64(root, "opened"));
        Assert.Equal(1, Int64(root, "acknowledged"));
        var byCategory = root.GetProperty("byCategory").EnumerateArray().Select(e => (e.GetProperty("key").GetString(), Int64(e, "count"))).ToList();
        Assert.Equal([("billing", 3L), ("service", 2L)], byCategory);
        var byChannel = root.GetProperty("byChannel").EnumerateArray().Select(e => (e.GetProperty("key").GetString(), Int64(e, "count"))).ToList();
        Assert.Equal([("CHANNEL_WEB", 3L), ("CHANNEL_PHONE", 2L)], byChannel);
    }

    [Fact]
    public async Task GetComplaintCountsRest_NoCounts_ZeroesReadAsZero()
    {
        using var factory = new InsightsFactory();
        using var http = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/insights/counts");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", factory.Token("ana", "analyst"));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(0, Int64(json.RootElement, "received"));
        Assert.Equal(0, Int64(json.RootElement, "opened"));
        Assert.Equal(0, Int64(json.RootElement, "acknowledged"));
        Assert.True(!json.RootElement.TryGetProperty("byCategory", out var byCategory) || byCategory.GetArrayLength() == 0);
    }

    [Fact]
    public async Task GetComplaintCountsRest_AgentToken_Forbidden()
    {
        using var http = fixture.Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/insights/counts");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Factory.Token("agent-1", "agent"));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task GetComplaintCountsRest_NoToken_Unauthorized()
    {
        using var http = fixture.Factory.CreateClient();

        using var response = await http.GetAsync("/api/v1/insights/counts");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    /// <summary>An int64 as proto3 JSON writes it: a string, a number, or absent when zero.</summary>
    private static long Int64(JsonElement obj, string name) =>
        !obj.TryGetProperty(name, out var value) ? 0
        : value.ValueKind == JsonValueKind.String ? long.Parse(value.GetString()!, System.Globalization.CultureInfo.InvariantCulture)
        : value.GetInt64();
}
