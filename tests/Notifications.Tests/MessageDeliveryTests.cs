using Complaints.Common.V1;
using Complaints.Intake.V1;
using Complaints.Notifications.V1;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Complaints.Notifications.Tests;

public sealed class MessageDeliveryTests(DeliveryFixture fixture) : IClassFixture<DeliveryFixture>
{
    private static readonly DateTimeOffset ReceivedAt = new(2025, 3, 10, 9, 15, 0, TimeSpan.Zero);

    private static GetContactForDeliveryResponse Contact(string reference, string language, string email) => new()
    {
        Reference = reference,
        HasContact = true,
        Name = "박미나",
        Email = email,
        Phone = "+821012345678",
        PreferredLanguage = language,
    };

    [Fact]
    public async Task DeliverAsync_ContactAvailable_WritesEmlInContactsLanguage()
    {
        var complaintId = Guid.NewGuid();
        var reference = Envelopes.NewReference();
        var email = $"mina-{complaintId:N}@example.com";
        fixture.Intake.Book.Add(complaintId, Contact(reference, "ko", email));

        var queued = await fixture.QueueAcknowledgementAsync(complaintId, reference, "en", ReceivedAt);
        var message = await fixture.AttemptedAsync(queued.Id);

        var expectedSubject = $"민원 {reference}이(가) 접수되었습니다";
        Assert.Equal((int)DeliveryStatus.Delivered, message.Status);
        Assert.Equal(expectedSubject, message.Subject);
        Assert.Equal("ko", message.RenderedLanguage);
        Assert.Equal(1, message.Attempts);
        Assert.NotNull(message.DeliveredAt);
        var path = Path.Combine(fixture.MailFolder, $"{queued.Id:N}.eml");
        Assert.True(File.Exists(path), path);
        using var eml = await MimeMessage.LoadAsync(path);
        Assert.Equal(expectedSubject, eml.Subject);
        Assert.Equal(email, Assert.Single(eml.To.Mailboxes).Address);
        Assert.NotNull(eml.TextBody);
        Assert.StartsWith("박미나 님께,", eml.TextBody);
        Assert.Contains(reference, eml.TextBody);
        Assert.DoesNotContain("{{", eml.TextBody);
    }

    [Fact]
    public async Task DeliverAsync_SeveralWorkersAtOnce_SentOnce()
    {
        var complaintId = Guid.NewGuid();
        var reference = Envelopes.NewReference();
        fixture.Intake.Book.Add(complaintId, Contact(reference, "en", $"once-{complaintId:N}@example.com"));
        var queued = await fixture.QueueAcknowledgementAsync(complaintId, reference, "en", ReceivedAt);

        // The background worker races too: whoever claims first sends, the others must not.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            await using var scope = fixture.Notifications.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<Complaints.Notifications.Domain.MessageDelivery>().DeliverAsync(queued.Id, CancellationToken.None);
        }));
        var message = await fixture.SettledAsync(queued.Id);

        Assert.Equal((int)DeliveryStatus.Delivered, message.Status);
        Assert.Equal(1, message.Attempts);
        Assert.Single(await fixture.WithDb(db => db.Attempts.Where(a => a.MessageId == queued.Id).ToListAsync()));
        Assert.Single(await fixture.WithDb(db => db.Events.Where(e => e.AggregateId == complaintId.ToString()).ToListAsync()));
    }

    [Fact]
    public async Task DeliverAsync_ContactAvailable_AppendsNotificationDeliveredAndAttempt()
    {
        var complaintId = Guid.NewGuid();
        var reference = Envelopes.NewReference();
        fixture.Intake.Book.Add(complaintId, Contact(reference, "bg-BG", $"ivan-{complaintId:N}@example.com"));

        var queued = await fixture.QueueAcknowledgementAsync(complaintId, reference, "en", ReceivedAt);
        var message = await fixture.AttemptedAsync(queued.Id);

        var stored = Assert.Single(await fixture.WithDb(db => db.Events.Where(e => e.AggregateId == complaintId.ToString()).ToListAsync()));
        Assert.Equal(NotificationDelivered.Descriptor.FullName, stored.Type);
        var delivered = NotificationDelivered.Parser.ParseFrom(stored.Payload);
        Assert.Equal(queued.Id.ToString(), delivered.MessageId);
        Assert.Equal(complaintId.ToString(), delivered.ComplaintId);
        Assert.Equal(MessageKind.Acknowledgement, delivered.Kind);
        Assert.Equal(DeliveryChannel.Email, delivered.Channel);
        Assert.Equal(DeliveryStatus.Delivered, delivered.Status);
        Assert.Equal("bg", delivered.Language);
        Assert.Equal(message.DeliveredAt, delivered.DeliveredAt.ToDateTimeOffset());
        var attempt = Assert.Single(await fixture.WithDb(db => db.Attempts.Where(a => a.MessageId == queued.Id).ToListAsync()));
        Assert.True(attempt.Succeeded);
        Assert.Null(attempt.Error);
    }

    [Fact]
    public async Task DeliverAsync_ContactCall_PresentsServiceBearerToken()
    {
        var complaintId = Guid.NewGuid();
        var reference = Envelopes.NewReference();
        fixture.Intake.Book.Add(complaintId, Contact(reference, "en", $"a-{complaintId:N}@example.com"));

        var queued = await fixture.QueueAcknowledgementAsync(complaintId, reference, "en", ReceivedAt);
        await fixture.AttemptedAsync(queued.Id);

        var call = Assert.Single(fixture.Intake.Book.Calls, c => c.ComplaintId == complaintId.ToString());
        Assert.NotNull(call.Authorization);
        Assert.StartsWith("Bearer ", call.Authorization);
    }

    [Fact]
    public async Task DeliverAsync_ContactServiceUnavailable_StaysPendingWithRetryScheduled()
    {
        var complaintId = Guid.NewGuid();
        fixture.Intake.Book.FailWithUnavailable(complaintId);

        var queued = await fixture.QueueAcknowledgementAsync(complaintId, Envelopes.NewReference(), "en", ReceivedAt);
        var message = await fixture.AttemptedAsync(queued.Id);

        Assert.Equal((int)DeliveryStatus.Pending, message.Status);
        Assert.Equal(1, message.Attempts);
        Assert.Equal("RpcException Unavailable", message.LastError);
        Assert.Null(message.DeliveredAt);
        Assert.Null(message.Subject);
        var attempt = Assert.Single(await fixture.WithDb(db => db.Attempts.Where(a => a.MessageId == queued.Id).ToListAsync()));
        Assert.False(attempt.Succeeded);
        Assert.Equal("RpcException Unavailable", attempt.Error);
        // Backoff after the first failure: 2 s plus up to 25 % jitter, counted from the attempt.
        Assert.InRange(message.NextAttemptAt - attempt.At, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.5));
        Assert.True(message.NextAttemptAt > queued.NextAttemptAt);
        Assert.Equal(0, await fixture.WithDb(db => db.Events.CountAsync(e => e.AggregateId == complaintId.ToString())));
        Assert.False(File.Exists(Path.Combine(fixture.MailFolder, $"{queued.Id:N}.eml")));
        Assert.Contains(fixture.Intake.Book.Calls, c => c.ComplaintId == complaintId.ToString());
    }

    [Fact]
    public async Task DeliverAsync_AnonymousComplaint_NotApplicableWithEvent()
    {
        var complaintId = Guid.NewGuid();
        var reference = Envelopes.NewReference();
        fixture.Intake.Book.Add(complaintId, new GetContactForDeliveryResponse { Reference = reference, HasContact = false });

        var queued = await fixture.QueueAcknowledgementAsync(complaintId, reference, "ko", ReceivedAt);
        var message = await fixture.AttemptedAsync(queued.Id);

        Assert.Equal((int)DeliveryStatus.NotApplicable, message.Status);
        Assert.NotNull(message.DeliveredAt);
        Assert.False(File.Exists(Path.Combine(fixture.MailFolder, $"{queued.Id:N}.eml")));
        var stored = Assert.Single(await fixture.WithDb(db => db.Events.Where(e => e.AggregateId == complaintId.ToString()).ToListAsync()));
        var delivered = NotificationDelivered.Parser.ParseFrom(stored.Payload);
        Assert.Equal(DeliveryStatus.NotApplicable, delivered.Status);
        Assert.Equal(queued.Id.ToString(), delivered.MessageId);
        Assert.Equal("ko", delivered.Language);
    }

    [Fact]
    public async Task DeliverAsync_ContactWithoutEmail_NotApplicable()
    {
        var complaintId = Guid.NewGuid();
        var reference = Envelopes.NewReference();
        var contact = Contact(reference, "en", email: "");
        fixture.Intake.Book.Add(complaintId, contact);

        var queued = await fixture.QueueAcknowledgementAsync(complaintId, reference, "en", ReceivedAt);
        var message = await fixture.AttemptedAsync(queued.Id);

        Assert.Equal((int)DeliveryStatus.NotApplicable, message.Status);
        Assert.False(File.Exists(Path.Combine(fixture.MailFolder, $"{queued.Id:N}.eml")));
    }

    [Fact]
    public async Task DeliverAsync_LanguageWithoutTemplates_DatesInTheFallbackLanguage()
    {
        var complaintId = Guid.NewGuid();
        var reference = Envelopes.NewReference();
        fixture.Intake.Book.Add(complaintId, Contact(reference, "fr-FR", $"fr-{complaintId:N}@example.com"));

        var queued = await fixture.QueueAcknowledgementAsync(complaintId, reference, "fr-FR", ReceivedAt);
        var message = await fixture.SettledAsync(queued.Id);

        Assert.Equal("en", message.RenderedLanguage);
        using var eml = await MimeMessage.LoadAsync(Path.Combine(fixture.MailFolder, $"{queued.Id:N}.eml"));
        // English text, English dates: not "lundi 10 mars 2025" in an English sentence.
        Assert.Contains("(received Monday, March 10, 2025", eml.TextBody);
        Assert.DoesNotContain("mars", eml.TextBody);
    }

    [Fact]
    public async Task ReplayAsync_ErasedComplainantsDeadLetter_RefusedNamingErasure()
    {
        var complaintId = Guid.NewGuid();
        var reference = Envelopes.NewReference();
        var id = Guid.NewGuid();
        await fixture.WithDb(async db =>
        {
            db.Messages.Add(new Complaints.Notifications.Data.Message
            {
                Id = id,
                ComplaintId = complaintId,
                Reference = reference,
                Kind = (int)MessageKind.PublicUpdate,
                Channel = (int)DeliveryChannel.Email,
                Status = (int)DeliveryStatus.Failed,
                Language = "en",
                TemplateData = "{}",
                CreatedAt = ReceivedAt,
                NextAttemptAt = ReceivedAt,
                Attempts = 12,
                DeliveredAt = ReceivedAt,
            });
            return await db.SaveChangesAsync();
        });
        await fixture.ApplyAsync(new ComplainantErased { ComplaintId = complaintId.ToString(), Reference = reference }, Complaints.Notifications.Sources.Intake);

        await using var scope = fixture.Notifications.Services.CreateAsyncScope();
        var error = await Assert.ThrowsAsync<Complaints.ServiceDefaults.Errors.PreconditionException>(() =>
            scope.ServiceProvider.GetRequiredService<Complaints.Notifications.Domain.DeadLetters>().ReplayAsync(id.ToString(),
                new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity([new("sub", "supervisor-1"), new("role", "supervisor")], "test", "sub", "role")),
                CancellationToken.None));

        Assert.Contains("erased", error.Message);
        var stored = await fixture.WithDb(db => db.Messages.AsNoTracking().SingleAsync(m => m.Id == id));
        Assert.Equal((int)DeliveryStatus.Failed, stored.Status);
        Assert.Equal(0, stored.Replays);
    }
}
