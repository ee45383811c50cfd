using Complaints.Common.V1;
using Complaints.Intake.V1;
using Complaints.Notifications.Domain;
using Complaints.Routing.V1;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Notifications.Tests;

/// <summary>What is recorded when something happens while a send runs: a shutdown, a hang, an erasure.</summary>
public sealed class SendOutcomeTests(ScriptedDeliveryFixture fixture) : IClassFixture<ScriptedDeliveryFixture>
{
    private (Guid Id, string Reference, string Email) Complainant()
    {
        var id = Guid.NewGuid();
        var reference = Envelopes.NewReference();
        var email = $"s-{id:N}@example.com";
        fixture.Intake.Book.Add(id, new GetContactForDeliveryResponse { Reference = reference, HasContact = true, Name = "Alex Doe", Email = email, PreferredLanguage = "en" });
        return (id, reference, email);
    }

    private async Task<Data.Message> QueueClosedAsync(Guid id, string reference) =>
        Assert.Single(await fixture.ApplyAsync(new CaseClosed { ComplaintId = id.ToString(), Reference = reference, ClosedAt = Events.Stamp(fixture.Clock.GetUtcNow()) }));

    private Task<Data.Message> StoredAsync(Guid messageId) => fixture.WithDb(db => db.Messages.AsNoTracking().SingleAsync(m => m.Id == messageId));

    [Fact]
    public async Task DeliverAsync_ShutdownAfterProviderAccepted_RecordedDelivered()
    {
        var (id, reference, email) = Complainant();
        var queued = await QueueClosedAsync(id, reference);
        using var stopping = new CancellationTokenSource();
        // The provider accepts; the host starts stopping before the outcome is saved.
        fixture.Email.Scripts[email] = (_, _) =>
        {
            stopping.Cancel();
            return Task.CompletedTask;
        };

        await fixture.DeliverAsync(queued.Id, stopping.Token);

        var message = await StoredAsync(queued.Id);
        Assert.Equal((int)DeliveryStatus.Delivered, message.Status);
        Assert.Equal(1, message.Attempts);
        Assert.Single(fixture.Email.Accepted, m => m.MessageId == queued.Id);
    }

    [Fact]
    public async Task DeliverAsync_ProviderHangs_TimesOutWithinClaimAndRetriesLater()
    {
        var (id, reference, email) = Complainant();
        var queued = await QueueClosedAsync(id, reference);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Email.Scripts[email] = async (_, ct) =>
        {
            entered.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        };
        var claimedAt = fixture.Clock.GetUtcNow();

        var send = fixture.DeliverAsync(queued.Id);
        await entered.Task.WaitAsync(Eventually.DefaultTimeout);
        // The send bound (10 s here) passes; the claim (2 min) is far from expiring.
        fixture.Clock.Advance(TimeSpan.FromSeconds(10));
        await send.WaitAsync(Eventually.DefaultTimeout);

        var message = await StoredAsync(queued.Id);
        Assert.Equal((int)DeliveryStatus.Pending, message.Status);
        Assert.Equal(1, message.Attempts);
        Assert.Equal("Timeout", message.LastError);
        Assert.True(message.NextAttemptAt < claimedAt + TimeSpan.FromMinutes(2), $"retry at {message.NextAttemptAt}, claim until {claimedAt.AddMinutes(2)}");
        Assert.DoesNotContain(fixture.Email.Accepted, m => m.MessageId == queued.Id);
    }

    [Fact]
    public void EffectiveSendTimeout_LongerThanTheClaimAllows_CappedBelowTheClaim()
    {
        var options = new NotificationOptions { ClaimFor = TimeSpan.FromSeconds(4), SendTimeout = TimeSpan.FromMinutes(1) };

        Assert.Equal(TimeSpan.FromSeconds(3), options.EffectiveSendTimeout);
    }

    [Fact]
    public async Task DeliverAsync_ErasedWhileSending_SubjectNotWrittenBack()
    {
        var (id, reference, email) = Complainant();
        var queued = await QueueClosedAsync(id, reference);
        // Intake erases the complainant while the provider has the message.
        fixture.Email.Scripts[email] = async (_, _) =>
            await fixture.ApplyAsync(new ComplainantErased { ComplaintId = id.ToString(), Reference = reference }, Sources.Intake);

        await fixture.DeliverAsync(queued.Id);

        var message = await StoredAsync(queued.Id);
        Assert.Null(message.Subject);
        Assert.True(message.Erased);
        // It did go: the record says so.
        Assert.Equal((int)DeliveryStatus.Delivered, message.Status);
        Assert.Equal(1, message.Attempts);
    }

    [Fact]
    public async Task DeliverAsync_ErasedWhileSendingAndSendFails_StaysDroppedWithoutSubject()
    {
        var (id, reference, email) = Complainant();
        var queued = await QueueClosedAsync(id, reference);
        fixture.Email.Scripts[email] = async (_, _) =>
        {
            await fixture.ApplyAsync(new ComplainantErased { ComplaintId = id.ToString(), Reference = reference }, Sources.Intake);
            throw new IOException("relay dropped the connection (test)");
        };

        await fixture.DeliverAsync(queued.Id);

        var message = await StoredAsync(queued.Id);
        Assert.Equal((int)DeliveryStatus.NotApplicable, message.Status);
        Assert.Null(message.Subject);
        Assert.Equal("IOException", message.LastError);
    }
}
