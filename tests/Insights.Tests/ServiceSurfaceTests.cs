using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Complaints.Eventing.V1;
using Complaints.Insights.Data;
using Complaints.Insights.Domain;
using Complaints.Insights.V1;
using Complaints.Routing.V1;
using Google.Rpc;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Complaints.Insights.Tests.Events;

namespace Complaints.Insights.Tests;

/// <summary>The gRPC and REST surface in-process: public survey and suggestion endpoints, staff and internal ones.</summary>
public sealed class ServiceSurfaceTests : IDisposable
{
    private readonly InsightsFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private HttpRequestMessage Rest(HttpMethod method, string path, string? token = null, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        return request;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpRequestMessage request)
    {
        using var http = _factory.CreateClient();
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private async Task<string> SurveyTokenAsync()
    {
        await _factory.FeedAsync(
            Received("s1", "billing"),
            new CaseOpened { ComplaintId = "s1", QueueId = "q1" },
            new FinalResponseSent { ComplaintId = "s1", At = At(2), Outcome = Outcome.Upheld, WithinSla = true });
        await using var scope = _factory.Services.CreateAsyncScope();
        var surveyId = await scope.ServiceProvider.GetRequiredService<InsightsDbContext>().Surveys.Select(s => s.SurveyId).SingleAsync();
        var links = new SurveyLinkService.SurveyLinkServiceClient(_factory.Channel(_factory.Token("notifications", "service")));
        var link = await links.GetSurveyLinkAsync(new GetSurveyLinkRequest { SurveyId = surveyId.ToString() });
        Assert.StartsWith("https://complaints.example.org/surveys/", link.Url);
        return link.Url.Split('/')[^1];
    }

    [Fact]
    public async Task GetMetricsRest_Analyst_TotalsAndRowsAsProtoJson()
    {
        await _factory.FeedAsync(MetricsTests.Scenario());

        var (status, body) = await SendAsync(Rest(HttpMethod.Get, $"/api/v1/insights/metrics?from={Date(0)}&to={Date(31)}&dimension=category", _factory.Token("ana", "analyst")));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("5", body.GetProperty("totals").GetProperty("received").ToString());
        Assert.Equal(66.67, body.GetProperty("totals").GetProperty("slaCompliance").GetProperty("percent").GetDouble());
        Assert.Equal(["billing", "delivery", "service"], body.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("key").GetString()));
    }

    [Fact]
    public async Task GetMetricsRest_BadDate_BadRequestNamingTheField()
    {
        var (status, body) = await SendAsync(Rest(HttpMethod.Get, "/api/v1/insights/metrics?from=yesterday&to=2026-03-01", _factory.Token("ana", "analyst")));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("from", body.ToString());
    }

    [Theory]
    [InlineData("/api/v1/insights/root-causes?from=2026-03-01&to=2026-03-31")]
    [InlineData("/api/v1/insights/terms?from=2026-03-01&to=2026-03-31")]
    [InlineData("/api/v1/insights/emerging-issues?from=2026-03-01&to=2026-03-31")]
    [InlineData("/api/v1/insights/returns/fca?from=2026-03-01&to=2026-03-31")]
    [InlineData("/api/v1/insights/returns/cfpb?from=2026-03-01&to=2026-03-31")]
    public async Task InsightsRest_AgentToken_Forbidden(string path)
    {
        var (status, _) = await SendAsync(Rest(HttpMethod.Get, path, _factory.Token("agent-1", "agent")));

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task GetRootCausesRest_ByQueue_OneParetoPerKey()
    {
        await _factory.FeedAsync(MetricsTests.Scenario());

        var (status, body) = await SendAsync(Rest(HttpMethod.Get, $"/api/v1/insights/root-causes?from={Date(0)}&to={Date(31)}&dimension=queue", _factory.Token("ana", "analyst")));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["q1", "q2"], body.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("key").GetString()));
        Assert.Equal("process", body.GetProperty("groups")[0].GetProperty("entries")[0].GetProperty("rootCause").GetString());
    }

    [Fact]
    public async Task GetCfpbExportRest_Supervisor_CsvOfClosedComplaints()
    {
        await _factory.FeedAsync(MetricsTests.Scenario());

        var (status, body) = await SendAsync(Rest(HttpMethod.Get, $"/api/v1/insights/returns/cfpb?from={Date(0)}&to={Date(31)}", _factory.Token("sup", "supervisor")));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("billing,,Phone,Closed with explanation,Yes,1\n", body.GetProperty("csv").GetString());
    }

    [Fact]
    public async Task SurveyRest_Anonymous_QuestionsThenOneAnswer()
    {
        var token = await SurveyTokenAsync();

        var (getStatus, questions) = await SendAsync(Rest(HttpMethod.Get, "/api/v1/surveys/" + token));
        var (postStatus, _) = await SendAsync(Rest(HttpMethod.Post, "/api/v1/surveys/" + token, body: new { resolved = false, satisfaction = 2, effort = 4, comment = "still waiting" }));
        var (againStatus, _) = await SendAsync(Rest(HttpMethod.Post, "/api/v1/surveys/" + token, body: new { resolved = true, satisfaction = 5, effort = 1 }));

        Assert.Equal(HttpStatusCode.OK, getStatus);
        Assert.Equal(4, questions.GetProperty("questions").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, postStatus);
        Assert.Equal(HttpStatusCode.Conflict, againStatus);
    }

    [Fact]
    public async Task GetSurvey_AnsweredOverGrpc_AlreadyExistsWithErrorInfoReasonAndLanguage()
    {
        var token = await SurveyTokenAsync();
        var surveys = new SurveyService.SurveyServiceClient(_factory.Channel());
        await surveys.SubmitSurveyAsync(new SubmitSurveyRequest { Token = token, Resolved = true, Satisfaction = 5, Effort = 1 });

        var error = await Assert.ThrowsAsync<RpcException>(() => surveys.GetSurveyAsync(new GetSurveyRequest { Token = token }).ResponseAsync);

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        var info = error.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>();
        Assert.Equal(("SURVEY_ANSWERED", "complaints.insights", "en"), (info.Reason, info.Domain, info.Metadata["language"]));
    }

    [Fact]
    public async Task ViewSuggestion_ReferenceAndCode_TextThenStaffResponse()
    {
        var suggestions = new SuggestionService.SuggestionServiceClient(_factory.Channel());
        var created = await suggestions.SubmitSuggestionAsync(new SubmitSuggestionRequest
        {
            Topic = "Parking",
            Text = "More bicycle stands at the Harrowgate office, please",
            Origin = SuggestionOrigin.SuggestionBox,
            SubmitterKind = SubmitterKind.Member,
            Language = "bg",
        });
        var request = new ViewSuggestionRequest { Reference = created.Reference, AccessCode = created.AccessCode };

        var before = await suggestions.ViewSuggestionAsync(request);
        var staff = new SuggestionService.SuggestionServiceClient(_factory.Channel(_factory.Token("sup-1", "supervisor")));
        await staff.RespondToSuggestionAsync(new RespondToSuggestionRequest { Id = created.Id, Response = "Ten more stands arrive in June." });
        var after = await suggestions.ViewSuggestionAsync(request);

        Assert.Matches("^SUG-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$", created.Reference);
        Assert.Matches("^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$", created.AccessCode);
        Assert.Equal((created.Reference, "parking", "More bicycle stands at the Harrowgate office, please", "", SubmitterKind.Member, "bg"),
            (before.Reference, before.Topic, before.Text, before.Response, before.SubmitterKind, before.Language));
        Assert.Null(before.RespondedAt);
        Assert.Equal("Ten more stands arrive in June.", after.Response);
        Assert.NotNull(after.RespondedAt);
        // The code is derived, never stored.
        Assert.DoesNotContain(created.AccessCode, StoredText());
        Assert.DoesNotContain(created.AccessCode.Replace("-", ""), StoredText());
    }

    [Fact]
    public async Task ViewSuggestion_CodeTypedLoosely_Found()
    {
        var suggestions = new SuggestionService.SuggestionServiceClient(_factory.Channel());
        var created = await suggestions.SubmitSuggestionAsync(new SubmitSuggestionRequest { Topic = "Forms", Text = "Shorter forms would help everyone" });
        // Lower case, spaces for dashes, O for 0 and l for 1, as a reader might type them.
        static string Loosely(string s) => s.ToLowerInvariant().Replace('-', ' ').Replace('0', 'O').Replace('1', 'l');

        var view = await suggestions.ViewSuggestionAsync(new ViewSuggestionRequest { Reference = Loosely(created.Reference), AccessCode = Loosely(created.AccessCode) });

        Assert.Equal(created.Reference, view.Reference);
    }

    [Fact]
    public async Task ViewSuggestion_WrongCodeOrUnknownReference_SameNotFound()
    {
        var suggestions = new SuggestionService.SuggestionServiceClient(_factory.Channel());
        var created = await suggestions.SubmitSuggestionAsync(new SubmitSuggestionRequest { Topic = "Forms", Text = "Shorter forms would help everyone" });
        var other = await suggestions.SubmitSuggestionAsync(new SubmitSuggestionRequest { Topic = "Forms", Text = "Larger print on the forms" });

        var wrongCode = await Assert.ThrowsAsync<RpcException>(() => suggestions.ViewSuggestionAsync(
            new ViewSuggestionRequest { Reference = created.Reference, AccessCode = other.AccessCode }).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => suggestions.ViewSuggestionAsync(
            new ViewSuggestionRequest { Reference = "SUG-0000-0000", AccessCode = created.AccessCode }).ResponseAsync);

        Assert.Equal((StatusCode.NotFound, StatusCode.NotFound), (wrongCode.StatusCode, unknown.StatusCode));
        Assert.Equal(wrongCode.Status.Detail, unknown.Status.Detail);
    }

    [Fact]
    public async Task SubmitSuggestion_SameIdempotencyKey_OneSuggestionSameReferenceAndCode()
    {
        var suggestions = new SuggestionService.SuggestionServiceClient(_factory.Channel());
        var request = new SubmitSuggestionRequest { Topic = "Opening hours", Text = "Open at eight on weekdays", IdempotencyKey = Guid.NewGuid().ToString() };

        var first = await suggestions.SubmitSuggestionAsync(request);
        var again = await suggestions.SubmitSuggestionAsync(request);

        Assert.Equal(first, again);
        await using var scope = _factory.Services.CreateAsyncScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<InsightsDbContext>().Suggestions.CountAsync());
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<InsightsDbContext>().DailyMetrics
            .Where(m => m.Dimension == Metric.SuggestionTopic && m.Key == "opening hours").SumAsync(m => m.Value));
    }

    [Fact]
    public async Task SubmitSuggestion_SameKeyOtherWords_ASecondSuggestionWithItsOwnCode()
    {
        var suggestions = new SuggestionService.SuggestionServiceClient(_factory.Channel());
        var key = Guid.NewGuid().ToString();

        var first = await suggestions.SubmitSuggestionAsync(new SubmitSuggestionRequest { Topic = "Opening hours", Text = "Open at eight on weekdays", IdempotencyKey = key });
        var other = await suggestions.SubmitSuggestionAsync(new SubmitSuggestionRequest { Topic = "Opening hours", Text = "Open at seven on weekdays", IdempotencyKey = key });

        Assert.NotEqual(first.Reference, other.Reference);
        Assert.NotEqual(first.AccessCode, other.AccessCode);
    }

    [Fact]
    public async Task ViewSuggestionRest_AnonymousPost_ResponseAsJson()
    {
        var suggestions = new SuggestionService.SuggestionServiceClient(_factory.Channel());
        var created = await suggestions.SubmitSuggestionAsync(new SubmitSuggestionRequest { Topic = "Forms", Text = "Shorter forms would help everyone" });

        var (status, body) = await SendAsync(Rest(HttpMethod.Post, "/api/v1/suggestions/view", body: new { reference = created.Reference, accessCode = created.AccessCode }));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Shorter forms would help everyone", body.GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("partner", StatusCode.PermissionDenied)]
    [InlineData("agent", StatusCode.OK)]
    public async Task ViewSuggestion_TokenHolders_AsTheAuthorisationTableSays(string role, StatusCode expected)
    {
        var created = await new SuggestionService.SuggestionServiceClient(_factory.Channel())
            .SubmitSuggestionAsync(new SubmitSuggestionRequest { Topic = "Forms", Text = "Shorter forms would help everyone" });
        var client = new SuggestionService.SuggestionServiceClient(_factory.Channel(_factory.Token("someone", role)));

        var status = StatusCode.OK;
        try
        {
            await client.ViewSuggestionAsync(new ViewSuggestionRequest { Reference = created.Reference, AccessCode = created.AccessCode });
        }
        catch (RpcException e)
        {
            status = e.StatusCode;
        }

        Assert.Equal(expected, status);
    }

    [Fact]
    public async Task SubmitSurveyRest_BadScores_BadRequestWithFields()
    {
        var token = await SurveyTokenAsync();

        var (status, body) = await SendAsync(Rest(HttpMethod.Post, "/api/v1/surveys/" + token, body: new { satisfaction = 9, effort = 0 }));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var text = body.ToString();
        Assert.Contains("satisfaction", text);
        Assert.Contains("effort", text);
        Assert.Contains("resolved", text);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("analyst")]
    [InlineData("agent")]
    public async Task GetSurveyLink_NotAService_Refused(string? role)
    {
        var links = new SurveyLinkService.SurveyLinkServiceClient(_factory.Channel(role is null ? null : _factory.Token("someone", role)));

        var error = await Assert.ThrowsAsync<RpcException>(() => links.GetSurveyLinkAsync(new GetSurveyLinkRequest { SurveyId = Guid.NewGuid().ToString() }).ResponseAsync);

        Assert.Equal(role is null ? StatusCode.Unauthenticated : StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task EventFeed_SurveyAnsweredNotResolved_ServesSurveyRequestedThenSurveyNotResolved()
    {
        var token = await SurveyTokenAsync();
        var surveys = new SurveyService.SurveyServiceClient(_factory.Channel());
        await surveys.SubmitSurveyAsync(new SubmitSurveyRequest { Token = token, Resolved = false, Satisfaction = 1, Effort = 5 });

        var feed = new EventFeed.EventFeedClient(_factory.Channel(_factory.Token("notifications", "service")));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var call = feed.Subscribe(new SubscribeRequest { AfterSequence = 0 }, cancellationToken: cts.Token);
        var types = new List<string>();
        while (types.Count < 2 && await call.ResponseStream.MoveNext(cts.Token))
        {
            types.Add(call.ResponseStream.Current.Type);
        }

        Assert.Equal([SurveyRequested.Descriptor.FullName, SurveyNotResolved.Descriptor.FullName], types);
    }

    [Fact]
    public async Task SuggestionRest_AnonymousSubmitStaffTagsAndResponds()
    {
        var (status, created) = await SendAsync(Rest(HttpMethod.Post, "/api/v1/suggestions",
            body: new { topic = "Opening hours", text = "Please open the Marlowe Street branch on Saturdays", origin = "SUGGESTION_ORIGIN_TOWN_HALL", language = "en" }));
        Assert.Equal(HttpStatusCode.OK, status);
        var id = created.GetProperty("id").GetString();
        var staff = new SuggestionService.SuggestionServiceClient(_factory.Channel(_factory.Token("sup-1", "supervisor")));

        await staff.TagSuggestionAsync(new TagSuggestionRequest { Id = id, Tags = { "Branches", "hours" } });
        await staff.RespondToSuggestionAsync(new RespondToSuggestionRequest { Id = id, Response = "We will trial Saturday openings in May." });
        var (listStatus, list) = await SendAsync(Rest(HttpMethod.Get, "/api/v1/suggestions?tag=branches", _factory.Token("agent-1", "agent")));

        Assert.Equal(HttpStatusCode.OK, listStatus);
        var s = Assert.Single(list.GetProperty("suggestions").EnumerateArray().ToList());
        Assert.Equal(("opening hours", "Please open the Marlowe Street branch on Saturdays", "We will trial Saturday openings in May.", "sup-1", "SUBMITTER_KIND_ANONYMOUS", "SUGGESTION_ORIGIN_TOWN_HALL"),
            (s.GetProperty("topic").GetString(), s.GetProperty("text").GetString(), s.GetProperty("response").GetString(), s.GetProperty("respondedBy").GetString(),
             s.GetProperty("submitterKind").GetString(), s.GetProperty("origin").GetString()));
        Assert.Equal(["branches", "hours"], s.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        // Sealed at rest; its words feed the term counts under the topic.
        Assert.DoesNotContain("Marlowe Street", StoredText());
        Assert.DoesNotContain("Saturday openings", StoredText());
        await using var scope = _factory.Services.CreateAsyncScope();
        Assert.True(await scope.ServiceProvider.GetRequiredService<InsightsDbContext>().TermCounts.AnyAsync(t => t.Source == "suggestion" && t.Category == "opening hours" && t.Term == "saturdays"));
    }

    [Fact]
    public async Task SubmitSuggestionRest_Invalid_BadRequestWithFields()
    {
        var (status, body) = await SendAsync(Rest(HttpMethod.Post, "/api/v1/suggestions", body: new { topic = "", text = "hi", language = "english!" }));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var text = body.ToString();
        Assert.Contains("topic", text);
        Assert.Contains("text", text);
        Assert.Contains("language", text);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("analyst", HttpStatusCode.Forbidden)]
    [InlineData("partner", HttpStatusCode.Forbidden)]
    public async Task ListSuggestionsRest_NotStaff_Refused(string? role, HttpStatusCode expected)
    {
        var (status, _) = await SendAsync(Rest(HttpMethod.Get, "/api/v1/suggestions", role is null ? null : _factory.Token("someone", role)));

        Assert.Equal(expected, status);
    }

    private string StoredText()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return string.Concat(Directory.GetFiles(_factory.Data.Path, "insights.db*").Select(f =>
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }));
    }
}
