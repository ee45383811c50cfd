using Complaints.Common.V1;
using Complaints.Intake.V1;
using Complaints.Notifications.Data;
using Complaints.Notifications.Domain;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Complaints.Notifications.Tests;

/// <summary>
/// Intake's TrackingAccessGranted: one message on the channel of the address that matched, whatever the preferences,
/// carrying the token Intake hands over at send time and a follow link with the reference only. The token is kept
/// nowhere in Notifications: not in the message row, its subject, or the logs.
/// </summary>
public sealed class TrackingAccessMessageTests(DeliveryFixture fixture) : IClassFixture<DeliveryFixture>
{
    private (Guid Id, string Reference, string Email, string Grant, string Token) Arrange(string language = "en", DeliveryChannel channel = DeliveryChannel.Email, string? token = null)
    {
        var id = Guid.NewGuid();
        var reference = Envelopes.NewReference();
        var email = $"mina-{id:N}@example.com";
        var grant = Guid.NewGuid().ToString();
        token ??= "tok_" + Guid.NewGuid().ToString("N");
        fixture.Intake.Book.Add(id, new GetContactForDeliveryResponse { Reference = reference, HasContact = true, Name = "Mina Park", Email = email, Phone = "+821012345678", PreferredLanguage = language });
        fixture.Intake.Book.TrackingTokens[grant] = new GetTrackingAccessTokenResponse
        {
            Token = token,
            Channel = channel,
            Address = channel == DeliveryChannel.Email ? email : "+821012345678",
        };
        return (id, reference, email, grant, token);
    }

    private static TrackingAccessGranted Granted(Guid id, string reference, string grant, DeliveryChannel channel = DeliveryChannel.Email) =>
        new() { ComplaintId = id.ToString(), Reference = reference, GrantId = grant, Channel = channel, GrantedAt = Events.Stamp(DateTimeOffset.UtcNow) };

    [Fact]
    public async Task TrackingAccessGranted_Email_OneMessageWithTheTokenAndAFollowLinkCarryingTheReferenceOnly()
    {
        var (id, reference, email, grant, token) = Arrange();

        var queued = Assert.Single(await fixture.ApplyAsync(Granted(id, reference, grant), Sources.Intake));
        var message = await fixture.SettledAsync(queued.Id);

        Assert.Equal((MessageKind.TrackingAccess, DeliveryChannel.Email, Audience.Complainant, DeliveryStatus.Delivered),
            ((MessageKind)message.Kind, (DeliveryChannel)message.Channel, (Audience)message.Audience, (DeliveryStatus)message.Status));
        using var mail = await MimeMessage.LoadAsync(Path.Combine(fixture.MailFolder, $"{queued.Id:N}.eml"));
        Assert.Equal(email, Assert.Single(mail.To.Mailboxes).Address);
        Assert.Equal($"Your new tracking token for complaint {reference}", mail.Subject);
        Assert.Contains($"\n{token}\n", mail.TextBody);
        var followUrl = $"https://complaints.example.org/follow?reference={reference}";
        Assert.Contains($"open {followUrl} and enter this token", mail.TextBody);
        Assert.Contains($"<a href=\"{followUrl}\">", mail.HtmlBody);
        Assert.DoesNotContain("follow?reference=" + reference + "&", mail.TextBody + mail.HtmlBody);
        // Asked for: no unsubscribe link.
        Assert.Null(mail.Headers[HeaderId.ListUnsubscribe]);
        // Intake was told which message carries the token, so it can discard it once delivered.
        var asked = Assert.Single(fixture.Intake.Book.TokenRequests, r => r.GrantId == grant);
        Assert.Equal((id.ToString(), queued.Id.ToString()), (asked.ComplaintId, asked.MessageId));
        Assert.DoesNotContain(token, message.Subject);
        Assert.DoesNotContain(token, message.TemplateData);
        Assert.Contains(grant, message.TemplateData);
        Assert.DoesNotContain(fixture.Notifications.Logs.Lines, l => l.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TrackingAccessGranted_SameEventTwice_OneMessage()
    {
        var (id, reference, _, grant, _) = Arrange();
        var envelope = Envelopes.For(Granted(id, reference, grant), Sources.Intake);

        var first = await fixture.ApplyAsync(envelope);
        var again = await fixture.ApplyAsync(envelope);

        Assert.Single(first);
        Assert.Empty(again);
        Assert.Equal(1, await fixture.WithDb(db => db.Messages.CountAsync(m => m.ComplaintId == id)));
    }

    [Fact]
    public async Task TrackingAccessGranted_ComplainantOptedOutOfEverything_StillSentAsAskedFor()
    {
        var (id, reference, _, grant, token) = Arrange("bg");
        await fixture.WithDb(async db =>
        {
            db.Preferences.Add(new ChannelPreference { ComplaintId = id, Email = false, OptedOut = true, UpdatedAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync();
        });

        var queued = Assert.Single(await fixture.ApplyAsync(Granted(id, reference, grant), Sources.Intake));
        var message = await fixture.SettledAsync(queued.Id);

        Assert.Equal((int)DeliveryStatus.Delivered, message.Status);
        using var mail = await MimeMessage.LoadAsync(Path.Combine(fixture.MailFolder, $"{queued.Id:N}.eml"));
        Assert.Equal($"Нов код за проследяване на жалба {reference}", mail.Subject);
        Assert.Contains(token, mail.TextBody);
    }

    [Fact]
    public async Task TrackingAccessGranted_PhoneMatched_SentBySmsWithoutTheSmsOptIn()
    {
        var (id, reference, _, grant, token) = Arrange("ko", DeliveryChannel.Sms);

        var queued = Assert.Single(await fixture.ApplyAsync(Granted(id, reference, grant, DeliveryChannel.Sms), Sources.Intake));
        var message = await fixture.SettledAsync(queued.Id);

        Assert.Equal((DeliveryChannel.Sms, DeliveryStatus.Delivered, "ko"), ((DeliveryChannel)message.Channel, (DeliveryStatus)message.Status, message.RenderedLanguage));
        Assert.Equal($"민원 {reference}의 새 조회 토큰", message.Subject);
        Assert.Contains(fixture.Notifications.Logs.Lines, l => l.Contains($"Sms message {queued.Id} handed to the logging sink"));
        Assert.DoesNotContain(fixture.Notifications.Logs.Lines, l => l.Contains(token, StringComparison.Ordinal) || l.Contains("+821012345678"));
    }

    [Fact]
    public async Task TrackingAccessGranted_IntakeHasNothingToSend_NotApplicableAndNoMail()
    {
        var (id, reference, _, grant, _) = Arrange(token: "");

        var queued = Assert.Single(await fixture.ApplyAsync(Granted(id, reference, grant), Sources.Intake));
        var message = await fixture.SettledAsync(queued.Id);

        Assert.Equal((int)DeliveryStatus.NotApplicable, message.Status);
        Assert.False(File.Exists(Path.Combine(fixture.MailFolder, $"{queued.Id:N}.eml")));
    }

    [Fact]
    public async Task TrackingAccessGranted_NeitherEmailNorSms_NothingQueued()
    {
        var (id, reference, _, grant, _) = Arrange();

        var queued = await fixture.ApplyAsync(Granted(id, reference, grant, DeliveryChannel.Push), Sources.Intake);

        Assert.Empty(queued);
    }

    [Fact]
    public void Load_TokenInTheSubject_RefusedNamingIt()
    {
        using var org = new TempFolder("org-templates");
        File.WriteAllText(org.File("trackingAccess.en.txt"), "Subject: {{reference}}: {{token}}\n---\n{{token}} {{followUrl}}\n");

        var error = Assert.Throws<FormatException>(() => TemplateStore.Load(Path.Combine(AppContext.BaseDirectory, "Templates"), org.Path));

        Assert.Contains("puts {{token}} in its subject", error.Message);
    }
}
