using Complaints.Common.V1;
using Complaints.Intake.V1;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Notifications.Tests;

/// <summary>An SMTP server and a webhook receiver of its own, so stopping them disturbs no other test.</summary>
public sealed class OutageFixture : ChannelFixture
{
    protected override int MaxAttempts => 10_000;

    protected override Task<SmtpTestServer> SmtpServerAsync() => SmtpTestServer.StartNewAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

public sealed class OutageTests(OutageFixture fixture) : IClassFixture<OutageFixture>
{
    [Fact]
    public async Task Deliver_SmtpAndReceiverDownMidRun_EverythingDeliveredOnceAfterRecovery()
    {
        var receivedAt = DateTimeOffset.UtcNow;
        var complaints = Enumerable.Range(0, 6).Select(i =>
        {
            var id = Guid.NewGuid();
            var reference = Envelopes.NewReference();
            fixture.Intake.Book.Add(id, new GetContactForDeliveryResponse
            {
                Reference = reference,
                HasContact = true,
                Name = "N",
                Email = $"o-{id:N}@example.com",
                PreferredLanguage = "en",
                PartnerId = "partner-a",
            });
            return (Id: id, Reference: reference, Email: $"o-{id:N}@example.com");
        }).ToList();

        // Two complaints go through while everything is up.
        var queued = new List<Complaints.Notifications.Data.Message>();
        foreach (var c in complaints.Take(2))
        {
            queued.AddRange(await fixture.ApplyAsync(Events.Opened(c.Id, c.Reference, "en", receivedAt, Channel.PartnerApi)));
        }
        foreach (var m in queued)
        {
            await fixture.SettledAsync(m.Id);
        }

        // Outage: both providers stop; four more complaints arrive and fail to go.
        await fixture.Smtp.StopAsync();
        await fixture.Receiver.StopAsync();
        var during = new List<Complaints.Notifications.Data.Message>();
        foreach (var c in complaints.Skip(2))
        {
            during.AddRange(await fixture.ApplyAsync(Events.Opened(c.Id, c.Reference, "en", receivedAt, Channel.PartnerApi)));
        }
        await Eventually.True(() => fixture.WithDb(async db =>
        {
            var ids = during.Select(m => m.Id).ToList();
            return await db.Attempts.Where(a => ids.Contains(a.MessageId) && !a.Succeeded).Select(a => a.MessageId).Distinct().CountAsync() == ids.Count;
        }), "every message of the outage to fail at least once");
        var waiting = await fixture.WithDb(db => db.Messages.AsNoTracking().Where(m => during.Select(d => d.Id).Contains(m.Id)).ToListAsync());
        Assert.All(waiting, m => Assert.Equal((int)DeliveryStatus.Pending, m.Status));

        // Recovery: the same ports come back; the waiting messages go, each once.
        await fixture.Smtp.StartAsync();
        await fixture.Receiver.StartAsync();
        foreach (var m in during)
        {
            var settled = await fixture.SettledAsync(m.Id);
            Assert.Equal((int)DeliveryStatus.Delivered, settled.Status);
        }

        Assert.Equal(12, queued.Count + during.Count);
        foreach (var c in complaints)
        {
            Assert.Single(fixture.Smtp.MessagesTo(c.Email));
        }
        var webhookIds = queued.Concat(during).Where(m => m.Channel == (int)DeliveryChannel.Webhook).Select(m => m.Id.ToString()).ToHashSet();
        var received = fixture.Receiver.Received.Where(r => webhookIds.Contains(r.Headers["Complaints-Webhook-Id"])).ToList();
        Assert.Equal(6, received.Count);
        Assert.Equal(6, received.Select(r => r.Headers["Complaints-Webhook-Id"]).Distinct().Count());
    }
}
