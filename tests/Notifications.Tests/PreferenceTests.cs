using System.Net;
using System.Net.Http.Json;
using Complaints.Common.V1;
using Complaints.Intake.V1;
using Complaints.Notifications.Domain;
using Complaints.Routing.V1;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.Notifications.Tests;

/// <summary>Opt-outs and channel choices, made with the token of a message's link, respected at send time.</summary>
public sealed class PreferenceTests(ChannelFixture fixture) : IClassFixture<ChannelFixture>
{
    private static readonly DateTimeOffset ReceivedAt = new(2025, 9, 1, 10, 0, 0, TimeSpan.Zero);

    private (Guid Id, string Reference, string Email) Complainant()
    {
        var id = Guid.NewGuid();
        var reference = Envelopes.NewReference();
        var email = $"p-{id:N}@example.com";
        fixture.Intake.Book.Add(id, new GetContactForDeliveryResponse
        {
            Reference = reference,
            HasContact = true,
            Name = "Pat",
            Email = email,
            Phone = "+359888777666",
            PreferredLanguage = "en",
        });
        return (id, reference, email);
    }

    private string Token(Guid complaintId) => fixture.Notifications.Services.GetRequiredService<LinkTokens>().For(complaintId);

    [Fact]
    public async Task Unsubscribe_OneClickPost_NonStatutorySuppressedStatutoryStillSent()
    {
        var (id, reference, email) = Complainant();
        await fixture.ApplyAsync(Events.Opened(id, reference, "en", ReceivedAt));
        var client = fixture.Notifications.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var page = await client.GetAsync($"/api/v1/notifications/unsubscribe?token={Token(id)}");
        var response = await client.PostAsync($"/api/v1/notifications/unsubscribe?token={Token(id)}",
            new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        var update = Assert.Single(await fixture.ApplyAsync(new CaseClosed { ComplaintId = id.ToString(), Reference = reference, ClosedAt = Events.Stamp(ReceivedAt) }));
        fixture.Intake.Book.Entries[(id.ToString(), 9)] = new PublicTimelineEntry { EntryId = 9, Title = "Final", Detail = "Our answer." };
        var final = Assert.Single(await fixture.ApplyAsync(new FinalResponseSent { ComplaintId = id.ToString(), Reference = reference, EntryId = 9 }));

        // The link of messages sent before the portal: the browser goes to the portal's page, which owns it now.
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal($"https://complaints.example.org/preferences?token={Token(id)}", page.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((int)DeliveryStatus.Suppressed, (await fixture.SettledAsync(update.Id)).Status);
        Assert.Equal((int)DeliveryStatus.Delivered, (await fixture.SettledAsync(final.Id)).Status);
        var mails = fixture.Smtp.MessagesTo(email);
        Assert.Contains(mails, m => m.Subject == $"Our final response to your complaint {reference}");
        Assert.DoesNotContain(mails, m => m.Subject == $"Your complaint {reference} is closed");
    }

    [Fact]
    public async Task Unsubscribe_GetOnly_ChangesNothing()
    {
        var (id, reference, email) = Complainant();
        var client = fixture.Notifications.CreateClient();

        await client.GetAsync($"/api/v1/notifications/unsubscribe?token={Token(id)}");
        var closed = Assert.Single(await fixture.ApplyAsync(new CaseClosed { ComplaintId = id.ToString(), Reference = reference, ClosedAt = Events.Stamp(ReceivedAt) }));

        Assert.Equal((int)DeliveryStatus.Delivered, (await fixture.SettledAsync(closed.Id)).Status);
        Assert.Single(fixture.Smtp.MessagesTo(email));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Unsubscribe_BadToken_BadRequest(string token)
    {
        var response = await fixture.Notifications.CreateClient().PostAsync($"/api/v1/notifications/unsubscribe?token={token}", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Unsubscribe_TokenOfAnotherComplaint_OtherComplaintUnaffected()
    {
        var (mine, _, _) = Complainant();
        var (other, reference, email) = Complainant();
        var client = fixture.Notifications.CreateClient();

        await client.PostAsync($"/api/v1/notifications/unsubscribe?token={Token(mine)}", null);
        var closed = Assert.Single(await fixture.ApplyAsync(new CaseClosed { ComplaintId = other.ToString(), Reference = reference, ClosedAt = Events.Stamp(ReceivedAt) }));

        Assert.Equal((int)DeliveryStatus.Delivered, (await fixture.SettledAsync(closed.Id)).Status);
        Assert.Single(fixture.Smtp.MessagesTo(email));
    }

    [Fact]
    public async Task Preferences_SmsChosen_SmsQueuedAndLoggedWithoutNumberOrText()
    {
        var (id, reference, email) = Complainant();
        var client = fixture.Notifications.CreateClient();

        var response = await client.PutAsJsonAsync("/api/v1/notifications/preferences", new { token = Token(id), sms = true, email = false });
        var queued = await fixture.ApplyAsync(new CaseReopened { ComplaintId = id.ToString(), Reference = reference, At = Events.Stamp(ReceivedAt) });
        var settled = new List<Complaints.Notifications.Data.Message>();
        foreach (var m in queued)
        {
            settled.Add(await fixture.SettledAsync(m.Id));
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sms = Assert.Single(settled, m => m.Channel == (int)DeliveryChannel.Sms);
        Assert.Equal((int)DeliveryStatus.Delivered, sms.Status);
        Assert.Equal((int)DeliveryStatus.Suppressed, Assert.Single(settled, m => m.Channel == (int)DeliveryChannel.Email).Status);
        Assert.Empty(fixture.Smtp.MessagesTo(email));
        Assert.Contains(fixture.Notifications.Logs.Lines, l => l.Contains($"Sms message {sms.Id} handed to the logging sink"));
        Assert.DoesNotContain(fixture.Notifications.Logs.Lines, l => l.Contains("+359888777666") || l.Contains("open again"));
    }

    [Fact]
    public async Task Logs_AfterEveryKindOfDelivery_HoldNoAddressNameOrText()
    {
        var (id, reference, email) = Complainant();
        fixture.Intake.Book.Entries[(id.ToString(), 3)] = new PublicTimelineEntry { EntryId = 3, Title = "Secret title", Detail = "Confidential words" };
        var queued = await fixture.ApplyAsync(Events.Opened(id, reference, "en", ReceivedAt));
        queued.AddRange(await fixture.ApplyAsync(new PublicUpdatePosted { ComplaintId = id.ToString(), Reference = reference, EntryId = 3 }));
        // One that fails (no such entry), so the warning path is logged too.
        queued.AddRange(await fixture.ApplyAsync(new InformationRequested { ComplaintId = id.ToString(), Reference = reference, EntryId = 404 }));
        foreach (var m in queued)
        {
            await fixture.SettledAsync(m.Id);
        }

        var logs = string.Join("\n", fixture.Notifications.Logs.Lines);
        Assert.Contains(queued[2].Id.ToString(), logs);
        Assert.DoesNotContain(email, logs);
        Assert.DoesNotContain("Pat", logs);
        Assert.DoesNotContain("+359888777666", logs);
        Assert.DoesNotContain("Secret title", logs);
        Assert.DoesNotContain("Confidential words", logs);
    }

    [Fact]
    public async Task Unsubscribe_GetWithBadToken_BadRequestNoRedirect()
    {
        var client = fixture.Notifications.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync("/api/v1/notifications/unsubscribe?token=not-a-token");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }
}
