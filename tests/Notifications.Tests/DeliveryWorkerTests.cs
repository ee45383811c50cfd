using Complaints.Common.V1;
using Complaints.Intake.V1;
using Complaints.Notifications.Data;
using Complaints.Routing.V1;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Notifications.Tests;

/// <summary>The worker sends in parallel per channel: a provider that hangs holds up nobody else.</summary>
public sealed class DeliveryWorkerTests(ScriptedWorkerFixture fixture) : IClassFixture<ScriptedWorkerFixture>
{
    private (Guid Id, string Reference, string Email) Complainant()
    {
        var id = Guid.NewGuid();
        var reference = Envelopes.NewReference();
        var email = $"w-{id:N}@example.com";
        fixture.Intake.Book.Add(id, new GetContactForDeliveryResponse { Reference = reference, HasContact = true, Name = "N", Email = email, PreferredLanguage = "en" });
        return (id, reference, email);
    }

    [Fact]
    public async Task Worker_PushProviderHangs_EmailStillDelivered()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            // Complaint A chose push only; its push provider hangs.
            var a = Complainant();
            await fixture.WithDb(db =>
            {
                db.Preferences.Add(new ChannelPreference { ComplaintId = a.Id, Email = false, Push = true });
                return db.SaveChangesAsync();
            });
            fixture.Push.Scripts[a.Id.ToString()] = async (_, ct) =>
            {
                entered.TrySetResult();
                await release.Task.WaitAsync(ct);
            };
            var push = Assert.Single(await fixture.ApplyAsync(new CaseReopened { ComplaintId = a.Id.ToString(), Reference = a.Reference }), m => m.Channel == (int)DeliveryChannel.Push);
            await entered.Task.WaitAsync(Eventually.DefaultTimeout);

            // Complaint B's email is queued while A's push is stuck.
            var b = Complainant();
            var email = Assert.Single(await fixture.ApplyAsync(new CaseReopened { ComplaintId = b.Id.ToString(), Reference = b.Reference }));
            var delivered = await fixture.SettledAsync(email.Id);

            Assert.Equal((int)DeliveryStatus.Delivered, delivered.Status);
            Assert.Equal((int)DeliveryStatus.Pending, (await fixture.WithDb(db => db.Messages.AsNoTracking().SingleAsync(m => m.Id == push.Id))).Status);
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task Worker_OneEmailHangs_OtherEmailsDelivered()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            var slow = Complainant();
            fixture.Email.Scripts[slow.Email] = async (_, ct) =>
            {
                entered.TrySetResult();
                await release.Task.WaitAsync(ct);
            };
            var held = Assert.Single(await fixture.ApplyAsync(new CaseReopened { ComplaintId = slow.Id.ToString(), Reference = slow.Reference }));
            await entered.Task.WaitAsync(Eventually.DefaultTimeout);

            var others = new List<Message>();
            foreach (var c in Enumerable.Range(0, 3).Select(_ => Complainant()))
            {
                others.Add(Assert.Single(await fixture.ApplyAsync(new CaseReopened { ComplaintId = c.Id.ToString(), Reference = c.Reference })));
            }

            foreach (var m in others)
            {
                Assert.Equal((int)DeliveryStatus.Delivered, (await fixture.SettledAsync(m.Id)).Status);
            }
            release.TrySetResult();
            Assert.Equal((int)DeliveryStatus.Delivered, (await fixture.SettledAsync(held.Id)).Status);
            Assert.Single(fixture.Email.Accepted, m => m.MessageId == held.Id);
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task Worker_IdleWithHourLongPoll_QueuedMessageSentWithoutWaitingForPoll()
    {
        // The fixture polls once an hour: only the feed handler's wake-up can get this message out in time.
        var c = Complainant();

        var queued = Assert.Single(await fixture.ApplyAsync(new CaseReopened { ComplaintId = c.Id.ToString(), Reference = c.Reference }));

        Assert.Equal((int)DeliveryStatus.Delivered, (await fixture.SettledAsync(queued.Id)).Status);
    }
}
