extern alias insights;

using System.Net;
using Complaints.Insights.V1;
using Complaints.Intake.V1;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Auth;
using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using InsightsDb = insights::Complaints.Insights.Data.InsightsDbContext;
using InsightsHandler = Complaints.Eventing.IEventHandler<insights::Complaints.Insights.Data.InsightsDbContext>;

namespace Complaints.Web.Tests;

/// <summary>The web app on Kestrel in front of the real Insights on Kestrel (h2c), as in a deployment but in one process.</summary>
public sealed class FeedbackHost : IDisposable
{
    public FeedbackHost()
    {
        Insights = new ServiceOnKestrel<insights::Program>(new Dictionary<string, string?>
        {
            ["Insights:MasterKey"] = TestKeys.NewKey(),
            ["Insights:PublicBaseUrl"] = "https://complaints.example.org",
        });
        Web = new WebHost(new Dictionary<string, string?> { ["Services:Insights"] = Insights.GrpcAddress });
    }

    public ServiceOnKestrel<insights::Program> Insights { get; }

    public WebHost Web { get; }

    /// <summary>
    /// A resolved complaint whose survey invitation was sent: the events Insights reads from Intake and Routing, fed
    /// through its own handlers, then a link as Notifications asks for it. Returns the link's token.
    /// </summary>
    public async Task<(string ComplaintId, string Token)> ResolvedComplaintAsync(string language)
    {
        var id = Guid.NewGuid().ToString();
        var at = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
        await FeedAsync(
            new ComplaintReceived { ComplaintId = id, Reference = Reference(id), Category = "billing", ReceivedAt = at, HasContact = true, PreferredLanguage = language },
            new CaseOpened { ComplaintId = id, QueueId = "general" },
            new FinalResponseSent { ComplaintId = id, At = at, Outcome = Outcome.Upheld, WithinSla = true });
        var surveyId = await QueryAsync(db => db.Surveys.Where(s => s.ComplaintId == id).Select(s => s.SurveyId).SingleAsync());
        using var channel = Insights.SocketChannel(Insights.Token("notifications", Roles.Service));
        var link = await new SurveyLinkService.SurveyLinkServiceClient(channel)
            .GetSurveyLinkAsync(new GetSurveyLinkRequest { SurveyId = surveyId.ToString() });
        return (id, link.Url.Split('/')[^1]);
    }

    public static string Reference(string complaintId) => "CMP-" + complaintId[..8].ToUpperInvariant();

    /// <summary>
    /// Feeds events through Insights' registered handlers and database, as its subscriber would; all but the term
    /// counter, which asks Intake for the complaint's words (none here, and no page shows them).
    /// </summary>
    public async Task FeedAsync(params IMessage[] events)
    {
        foreach (var e in events)
        {
            await using var scope = Insights.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<InsightsDb>();
            var handlers = scope.ServiceProvider.GetServices<InsightsHandler>()
                .Where(h => h.EventType == e.Descriptor.FullName && h is not insights::Complaints.Insights.Domain.CountComplaintTerms).ToList();
            Assert.NotEmpty(handlers);
            await using var tx = await db.Database.BeginTransactionAsync();
            foreach (var handler in handlers)
            {
                await handler.HandleAsync(Envelopes.For(e, handler.Source), db, CancellationToken.None);
            }
            await db.SaveChangesAsync();
            await tx.CommitAsync();
        }
    }

    public async Task<T> QueryAsync<T>(Func<InsightsDb, Task<T>> query)
    {
        await using var scope = Insights.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<InsightsDb>());
    }

    public void Dispose()
    {
        Web.Dispose();
        Insights.Dispose();
    }
}

/// <summary>A browser over plain HTTP: cookies kept, redirects not followed, forms posted with their antiforgery token.</summary>
public sealed class FeedbackBrowser(WebHost web, string acceptLanguage = "en") : IDisposable
{
    public HttpClient Http { get; } = web.Browser();

    public async Task<(HttpStatusCode Status, string Html)> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Accept-Language", acceptLanguage);
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Posts <paramref name="fields"/> with the antiforgery token (and other hidden fields) of <paramref name="formHtml"/>.</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, string formHtml, IDictionary<string, string> fields)
    {
        var all = HtmlForms.HiddenFields(formHtml);
        foreach (var (k, v) in fields)
        {
            all[k] = v;
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(all) };
        request.Headers.Add("Accept-Language", acceptLanguage);
        return await Http.SendAsync(request);
    }

    public void Dispose() => Http.Dispose();
}
