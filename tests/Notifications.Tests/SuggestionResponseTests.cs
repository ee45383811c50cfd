using System.Text.Json;
using Complaints.Common.V1;
using Complaints.Insights.V1;
using Complaints.Intake.V1;
using Complaints.Notifications.Data;
using Complaints.Notifications.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace Complaints.Notifications.Tests;

/// <summary>Insights' SuggestionResponded queues one message, on a real SQLite file, holding the contact's id and nothing personal.</summary>
public sealed class SuggestionRespondedHandlerTests : IDisposable
{
    private readonly NotificationsDb _db = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 7, 1, 9, 0, 0, TimeSpan.Zero));

    public void Dispose() => _db.Dispose();

    private OnSuggestionResponded Handler() => new(new DeliveryWakeup(), _clock, NullLogger<OnSuggestionResponded>.Instance);

    [Fact]
    public async Task SuggestionResponded_SameEventTwice_OneMessageWithTheContactIdOnly()
    {
        var suggestionId = Guid.NewGuid();
        var envelope = Envelopes.For(new SuggestionResponded
        {
            SuggestionId = suggestionId.ToString(),
            Reference = "SUG-7K3F-9Q2M",
            ContactId = "c0ffee",
            Language = "ko",
        }, Sources.Insights, suggestionId.ToString());

        await _db.ApplyAsync(Handler(), envelope);
        await _db.ApplyAsync(Handler(), envelope);

        var message = Assert.Single(await _db.QueryAsync(db => db.Messages.AsNoTracking().ToListAsync()));
        Assert.Equal((MessageIds.From(envelope.EventId, MessageKind.SuggestionResponse), suggestionId, "SUG-7K3F-9Q2M", (int)Audience.Submitter, (int)DeliveryChannel.Email, "ko"),
            (message.Id, message.ComplaintId, message.Reference, message.Audience, message.Channel, message.Language));
        Assert.Equal("c0ffee", JsonSerializer.Deserialize<MessageData>(message.TemplateData)!.SuggestionContactId);
        Assert.DoesNotContain("@", message.TemplateData, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SuggestionResponded_NoContactId_NothingQueued()
    {
        var suggestionId = Guid.NewGuid().ToString();

        await _db.ApplyAsync(Handler(), Envelopes.For(new SuggestionResponded { SuggestionId = suggestionId, Reference = "SUG-7K3F-9Q2M" }, Sources.Insights, suggestionId));

        Assert.Empty(await _db.QueryAsync(db => db.Messages.AsNoTracking().ToListAsync()));
    }
}

/// <summary>
/// Sending: the address is asked of Intake at send time, for this message (so its delivery makes Intake forget it); the
/// email links to the portal's suggestion look-up and carries neither the response nor the access code.
/// </summary>
public sealed class SuggestionResponseDeliveryTests(SuggestionResponseDeliveryTests.Fixture fixture) : IClassFixture<SuggestionResponseDeliveryTests.Fixture>
{
    public sealed class Fixture : DeliveryFixture;

    private async Task<Message> RespondedAsync(string contactId, string language)
    {
        var suggestionId = Guid.NewGuid().ToString();
        return Assert.Single(await fixture.ApplyAsync(new SuggestionResponded
        {
            SuggestionId = suggestionId,
            Reference = "SUG-" + Guid.NewGuid().ToString("N")[..4].ToUpperInvariant() + "-2M9Q",
            ContactId = contactId,
            Language = language,
        }, Sources.Insights));
    }

    [Theory]
    [InlineData("en", "We have responded")]
    [InlineData("ko", "답변을 드렸습니다")]
    [InlineData("bg", "Отговорихме")]
    public async Task Deliver_KnownContact_EmailInItsLanguageWithTheViewLinkAndNothingElse(string language, string words)
    {
        var contactId = Guid.NewGuid().ToString("N");
        var address = $"s-{contactId}@example.org";
        fixture.Intake.Book.SuggestionContacts[contactId] = new GetSuggestionContactForDeliveryResponse { Email = address, Language = "en" };

        var message = await RespondedAsync(contactId, language);
        var settled = await fixture.SettledAsync(message.Id);

        Assert.Equal(((int)DeliveryStatus.Delivered, language), (settled.Status, settled.RenderedLanguage));
        Assert.Contains(fixture.Intake.Book.SuggestionContactRequests, r => r.ContactId == contactId && r.MessageId == message.Id.ToString());
        using var mail = await MimeMessage.LoadAsync(Path.Combine(fixture.MailFolder, $"{message.Id:N}.eml"));
        Assert.Equal(address, mail.To.Mailboxes.Single().Address);
        Assert.Contains(words, mail.Subject);
        Assert.Contains($"https://complaints.example.org/suggestions/view?reference={message.Reference}", mail.TextBody);
        Assert.DoesNotContain("/follow", mail.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("unsubscribe", mail.TextBody + string.Join(",", mail.Headers.Select(h => h.Field)), StringComparison.OrdinalIgnoreCase);
        var stored = await fixture.WithDb(db => db.Messages.AsNoTracking().Select(m => m.TemplateData + "\n" + m.Subject).ToListAsync());
        Assert.DoesNotContain(address, string.Join("\n", stored));
    }

    [Fact]
    public async Task Deliver_ContactForgotten_NotApplicableAndNothingSent()
    {
        var message = await RespondedAsync(Guid.NewGuid().ToString("N"), "en");

        var settled = await fixture.SettledAsync(message.Id);

        Assert.Equal((int)DeliveryStatus.NotApplicable, settled.Status);
        Assert.False(File.Exists(Path.Combine(fixture.MailFolder, $"{message.Id:N}.eml")));
    }
}
