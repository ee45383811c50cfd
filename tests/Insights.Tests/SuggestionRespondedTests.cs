using System.Text;
using Complaints.Insights.Data;
using Complaints.Insights.V1;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.Insights.Tests;

/// <summary>
/// Hearing back about a suggestion (decision 19): Insights keeps only the opaque contact id Intake gave, and the first
/// response appends SuggestionResponded (ids, reference and language; never the response) in the response's transaction.
/// </summary>
public sealed class SuggestionRespondedTests : IDisposable
{
    private readonly InsightsFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private SuggestionService.SuggestionServiceClient Public() => new(_factory.Channel());

    private SuggestionService.SuggestionServiceClient Staff() => new(_factory.Channel(_factory.Token("sup-1", "supervisor")));

    private async Task<List<SuggestionResponded>> EventsAsync(string suggestionId)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InsightsDbContext>();
        return (await db.Events.AsNoTracking().Where(e => e.AggregateId == suggestionId).OrderBy(e => e.Sequence).ToListAsync())
            .Where(e => e.Type == SuggestionResponded.Descriptor.FullName).Select(e => SuggestionResponded.Parser.ParseFrom(e.Payload)).ToList();
    }

    [Fact]
    public async Task RespondToSuggestion_WithContactId_OneEventWithIdsAndNoResponseText()
    {
        var contactId = Guid.NewGuid().ToString("N");
        var created = await Public().SubmitSuggestionAsync(new SubmitSuggestionRequest
        {
            Topic = "Parking",
            Text = "More bicycle stands by the front door",
            Language = "bg",
            ContactId = contactId,
        });

        await Staff().RespondToSuggestionAsync(new RespondToSuggestionRequest { Id = created.Id, Response = "Ten more stands arrive in June." });
        await Staff().RespondToSuggestionAsync(new RespondToSuggestionRequest { Id = created.Id, Response = "Twelve stands, in fact." });

        var responded = Assert.Single(await EventsAsync(created.Id));
        Assert.Equal((created.Id, created.Reference, contactId, "bg"), (responded.SuggestionId, responded.Reference, responded.ContactId, responded.Language));
        Assert.NotNull(responded.RespondedAt);
        await using var scope = _factory.Services.CreateAsyncScope();
        var payloads = await scope.ServiceProvider.GetRequiredService<InsightsDbContext>().Events.AsNoTracking()
            .Where(e => e.AggregateId == created.Id).Select(e => e.Payload).ToListAsync();
        Assert.All(payloads, p => Assert.DoesNotContain("stands", Encoding.UTF8.GetString(p), StringComparison.Ordinal));
        Assert.All(payloads, p => Assert.DoesNotContain(created.AccessCode, Encoding.UTF8.GetString(p), StringComparison.Ordinal));
    }

    [Fact]
    public async Task RespondToSuggestion_WithoutContactId_NoEvent()
    {
        var created = await Public().SubmitSuggestionAsync(new SubmitSuggestionRequest { Topic = "Parking", Text = "More bicycle stands by the front door" });

        await Staff().RespondToSuggestionAsync(new RespondToSuggestionRequest { Id = created.Id, Response = "Ten more stands arrive in June." });

        Assert.Empty(await EventsAsync(created.Id));
    }

    [Fact]
    public async Task SubmitSuggestion_ContactIdStored_SameKeyRetryReturnsTheFirstSuggestion()
    {
        var contactId = Guid.NewGuid().ToString("N");
        var request = new SubmitSuggestionRequest { Topic = "Forms", Text = "Shorter forms would help everyone", IdempotencyKey = Guid.NewGuid().ToString("N"), ContactId = contactId };

        var first = await Public().SubmitSuggestionAsync(request);
        var again = await Public().SubmitSuggestionAsync(request);

        Assert.Equal((first.Id, first.Reference, first.AccessCode), (again.Id, again.Reference, again.AccessCode));
        await using var scope = _factory.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<InsightsDbContext>().Suggestions.AsNoTracking().SingleAsync(s => s.Id == Guid.Parse(first.Id));
        Assert.Equal(contactId, stored.ContactId);
    }

    [Theory]
    [InlineData("someone@example.org")]
    [InlineData("a contact id with spaces")]
    public async Task SubmitSuggestion_ContactIdNotAnId_InvalidArgumentNamingContactId(string contactId)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Public().SubmitSuggestionAsync(new SubmitSuggestionRequest
        {
            Topic = "Forms",
            Text = "Shorter forms would help everyone",
            ContactId = contactId,
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var violations = RpcExceptionExtensions.GetRpcStatus(error)!.GetDetail<Google.Rpc.BadRequest>().FieldViolations;
        Assert.Equal("contactId", Assert.Single(violations).Field);
    }
}
