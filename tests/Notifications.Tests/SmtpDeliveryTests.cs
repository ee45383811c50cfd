using Complaints.Common.V1;
using Complaints.Insights.V1;
using Complaints.Intake.V1;
using Complaints.Routing.V1;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Notifications.Tests;

/// <summary>Complainant and staff email through MailKit to a real SMTP server on loopback.</summary>
public sealed class SmtpDeliveryTests(ChannelFixture fixture) : IClassFixture<ChannelFixture>
{
    private static readonly DateTimeOffset ReceivedAt = new(2025, 3, 10, 23, 15, 0, TimeSpan.Zero);

    private (Guid Id, string Reference, string Email) Complainant(string language = "en", string timeZone = "", string name = "Alex Doe")
    {
        var id = Guid.NewGuid();
        var reference = Envelopes.NewReference();
        var email = $"c-{id:N}@example.com";
        fixture.Intake.Book.Add(id, new GetContactForDeliveryResponse
        {
            Reference = reference,
            HasContact = true,
            Name = name,
            Email = email,
            Phone = "+359888000111",
            PreferredLanguage = language,
            TimeZone = timeZone,
        });
        return (id, reference, email);
    }

    /// <summary>ICU writes a narrow no-break space before AM/PM and in grouped numbers.</summary>
    private static string Spaces(string? text) => (text ?? "").Replace('\u202f', ' ').Replace('\u00a0', ' ');

    [Fact]
    public async Task Acknowledgement_RealSmtpServer_ReceivesTextAndHtmlInLanguageAndTimeZone()
    {
        var (id, reference, email) = Complainant("ko-KR", "Asia/Seoul", "박미나");

        var queued = await fixture.QueueAcknowledgementAsync(id, reference, "en", ReceivedAt);
        var message = await fixture.SettledAsync(queued.Id);

        Assert.Equal((int)DeliveryStatus.Delivered, message.Status);
        var mail = Assert.Single(fixture.Smtp.MessagesTo(email));
        Assert.Equal($"민원 {reference}이(가) 접수되었습니다", mail.Subject);
        Assert.Equal($"{queued.Id:N}@complaints.local", mail.MessageId);
        Assert.StartsWith("박미나 님께,", mail.TextBody);
        // 23:15 UTC on 10 March is 08:15 on 11 March in Seoul, written the Korean way.
        Assert.Contains("2025년 3월 11일 화요일 오전 8:15 (Asia/Seoul)", mail.TextBody);
        Assert.Contains("박미나 님께,", mail.HtmlBody);
        Assert.Contains(reference, mail.HtmlBody);
        // The acknowledgement is owed: no unsubscribe link.
        Assert.False(mail.Headers.Contains("List-Unsubscribe"));
    }

    [Fact]
    public async Task PublicUpdate_RealSmtpServer_CarriesRoutingsWordsEncodedAndUnsubscribeLink()
    {
        var (id, reference, email) = Complainant("bg", "Europe/Sofia");
        await fixture.ApplyAsync(Events.Opened(id, reference, "bg", ReceivedAt));
        fixture.Intake.Book.Entries[(id.ToString(), 42)] = new PublicTimelineEntry { EntryId = 42, Title = "Проверка", Detail = "Проверихме сметката <b>ви</b>." };

        var queued = Assert.Single(await fixture.ApplyAsync(new PublicUpdatePosted { ComplaintId = id.ToString(), Reference = reference, EntryId = 42, At = Events.Stamp(ReceivedAt.AddDays(2)) }));
        var message = await fixture.SettledAsync(queued.Id);

        Assert.Equal((int)DeliveryStatus.Delivered, message.Status);
        var mail = Assert.Single(fixture.Smtp.MessagesTo(email), m => m.MessageId == $"{queued.Id:N}@complaints.local");
        Assert.Equal($"Новини по жалбата ви {reference}", mail.Subject);
        Assert.Contains("Проверихме сметката <b>ви</b>.", mail.TextBody);
        Assert.Contains("Проверихме сметката &lt;b&gt;ви&lt;/b&gt;.", mail.HtmlBody);
        // Mail clients' one-click POST goes to the API; the body links to the portal's preferences page, same token.
        var header = mail.Headers["List-Unsubscribe"] ?? "";
        Assert.StartsWith("<https://complaints.example.org/api/v1/notifications/unsubscribe?token=", header);
        Assert.Equal("List-Unsubscribe=One-Click", mail.Headers["List-Unsubscribe-Post"]);
        var token = header[(header.IndexOf("token=", StringComparison.Ordinal) + 6)..^1];
        Assert.Contains($"https://complaints.example.org/preferences?token={token}", mail.TextBody);
        Assert.Contains($"<a href=\"https://complaints.example.org/preferences?token={token}\">", mail.HtmlBody);
        Assert.DoesNotContain("/api/v1/notifications/unsubscribe", mail.TextBody);
        Assert.Equal(mail.Subject, message.Subject);
    }

    [Fact]
    public async Task FinalResponse_WithRefund_AmountFormattedForLanguage()
    {
        var (id, reference, email) = Complainant("bg");
        fixture.Intake.Book.Entries[(id.ToString(), 7)] = new PublicTimelineEntry { EntryId = 7, Title = "Final", Detail = "Връщаме ви таксата. Можете да се обърнете към омбудсмана." };

        var queued = Assert.Single(await fixture.ApplyAsync(new FinalResponseSent
        {
            ComplaintId = id.ToString(),
            Reference = reference,
            EntryId = 7,
            At = Events.Stamp(ReceivedAt.AddDays(20)),
            Remedy = new Remedy { Refund = new Money { Amount = "1234.5", Currency = "BGN" } },
        }));
        await fixture.SettledAsync(queued.Id);

        var mail = Assert.Single(fixture.Smtp.MessagesTo(email));
        Assert.Contains("Връщаме ви таксата. Можете да се обърнете към омбудсмана.", mail.TextBody);
        Assert.Contains("Възстановена сума: 1 234,50 BGN", Spaces(mail.TextBody));
        Assert.DoesNotContain("Обезщетение", mail.TextBody);
    }

    [Fact]
    public async Task HoldingReply_DeadlineExtended_CarriesLatestPublicEntryAndNewDate()
    {
        var (id, reference, email) = Complainant("en", "Europe/London");
        fixture.Intake.Book.Entries[(id.ToString(), 1)] = new PublicTimelineEntry { EntryId = 1, Title = "Received", Detail = "" };
        fixture.Intake.Book.Entries[(id.ToString(), 2)] = new PublicTimelineEntry { EntryId = 2, Title = "We need more time", Detail = "An outside investigation is still open." };

        var queued = Assert.Single(await fixture.ApplyAsync(new StatutoryDeadlineExtended
        {
            ComplaintId = id.ToString(),
            Reference = reference,
            PreviousDue = Events.Stamp(new DateTimeOffset(2025, 4, 1, 12, 0, 0, TimeSpan.Zero)),
            FinalResponseDue = Events.Stamp(new DateTimeOffset(2025, 5, 20, 12, 0, 0, TimeSpan.Zero)),
            At = Events.Stamp(ReceivedAt),
        }));
        await fixture.SettledAsync(queued.Id);

        var mail = Assert.Single(fixture.Smtp.MessagesTo(email));
        Assert.Equal($"We need more time for your complaint {reference}", mail.Subject);
        Assert.Contains("We need more time\nAn outside investigation is still open.", mail.TextBody!.ReplaceLineEndings("\n"));
        Assert.Contains("no later than Tuesday, May 20, 2025 1:00 PM (Europe/London)", Spaces(mail.TextBody));
    }

    [Fact]
    public async Task SurveyInvitation_SurveyRequested_CarriesLinkFromInsights()
    {
        var (id, reference, email) = Complainant("en");
        var surveyId = Guid.NewGuid().ToString();
        var url = $"https://complaints.example.org/survey/{surveyId}?t=secret-token";
        fixture.Intake.Book.SurveyLinks[surveyId] = new GetSurveyLinkResponse { Url = url, ExpiresAt = Events.Stamp(ReceivedAt.AddDays(30)) };

        var queued = Assert.Single(await fixture.ApplyAsync(new SurveyRequested
        {
            SurveyId = surveyId,
            ComplaintId = id.ToString(),
            Reference = reference,
            Language = "en",
            ExpiresAt = Events.Stamp(ReceivedAt.AddDays(30)),
        }, Sources.Insights));
        var message = await fixture.SettledAsync(queued.Id);

        Assert.Equal((int)MessageKind.SurveyInvitation, message.Kind);
        var mail = Assert.Single(fixture.Smtp.MessagesTo(email));
        Assert.Contains(url, mail.TextBody);
        Assert.Contains($"<a href=\"{url}\">", mail.HtmlBody);
        // The link's secret is fetched at send time, never stored.
        Assert.DoesNotContain("secret-token", message.TemplateData);
    }

    [Fact]
    public async Task StaffAlerts_BreachAfterAssignment_GoToHandlerAndSupervisorsInStaffTimeZone()
    {
        var (id, reference, _) = Complainant();
        var handler = $"agent-{Guid.NewGuid():N}";
        var supervisor = $"sup-{Guid.NewGuid():N}";
        fixture.Intake.Book.StaffEmails[handler] = $"{handler}@staff.example.org";
        fixture.Intake.Book.StaffEmails[supervisor] = $"{supervisor}@staff.example.org";
        await fixture.ApplyAsync(Events.Opened(id, reference, "en", ReceivedAt));
        var assigned = await fixture.ApplyAsync(new CaseAssigned
        {
            ComplaintId = id.ToString(),
            Reference = reference,
            QueueId = "billing",
            AssigneeId = handler,
            SupervisorIds = { supervisor },
            At = Events.Stamp(ReceivedAt),
        });

        var breach = await fixture.ApplyAsync(new ClockBreached
        {
            ComplaintId = id.ToString(),
            Reference = reference,
            Clock = ClockKind.SlaResolve,
            DueAt = Events.Stamp(ReceivedAt.AddDays(5)),
            At = Events.Stamp(ReceivedAt.AddDays(5)),
            AssigneeId = handler,
            QueueId = "billing",
        });
        foreach (var m in assigned.Concat(breach))
        {
            await fixture.SettledAsync(m.Id);
        }

        Assert.Equal(2, breach.Count);
        Assert.All(breach, m => Assert.Equal((int)MessageKind.StaffSlaBreach, m.Kind));
        Assert.Single(fixture.Smtp.MessagesTo($"{handler}@staff.example.org"), m => m.Subject == $"Case {reference} assigned to you");
        var supervisorMail = fixture.Smtp.MessagesTo($"{supervisor}@staff.example.org");
        // The supervisor is told of the assignment too, worded for a supervisor.
        Assert.Single(supervisorMail, m => m.Subject == $"Case {reference} assigned to {handler}");
        var toSupervisor = Assert.Single(supervisorMail, m => m.Subject == $"Case {reference}: resolve deadline missed");
        // 23:15 UTC is 01:15 the next day in Sofia.
        Assert.Contains("passed at Sunday, March 16, 2025 1:15 AM (Europe/Sofia)", Spaces(toSupervisor.TextBody));
        Assert.Contains($"Handler: {handler}. You receive this alert as a supervisor of the queue billing.", toSupervisor.TextBody);
        // Staff alerts are not the complainant's messages.
        var history = await fixture.WithDb(db => new Domain.MessageHistory(db).ForComplaintAsync(id.ToString(), CancellationToken.None));
        Assert.DoesNotContain(history.Messages, r => r.Kind is MessageKind.StaffAssigned or MessageKind.StaffSlaBreach);
        Assert.Contains(history.Messages, r => r.Kind == MessageKind.Assignment);
    }

    [Fact]
    public async Task StaffAlert_AgentWithoutAddress_NotApplicable()
    {
        var (id, reference, _) = Complainant();

        var queued = Assert.Single(await fixture.ApplyAsync(new ClockWarning
        {
            ComplaintId = id.ToString(),
            Reference = reference,
            Clock = ClockKind.SlaResolve,
            Percent = 75,
            DueAt = Events.Stamp(ReceivedAt.AddDays(5)),
            At = Events.Stamp(ReceivedAt),
            AssigneeId = $"nobody-{id:N}",
        }));
        var message = await fixture.SettledAsync(queued.Id);

        Assert.Equal((int)DeliveryStatus.NotApplicable, message.Status);
    }

    [Fact]
    public async Task Replay_SameEventTwice_OneEmail()
    {
        var (id, reference, email) = Complainant();
        var envelope = Envelopes.For(Events.Opened(id, reference, "en", ReceivedAt), Sources.Routing);

        var first = Assert.Single(await fixture.ApplyAsync(envelope));
        await fixture.SettledAsync(first.Id);
        var second = await fixture.ApplyAsync(envelope);
        // Another event for the same complaint is processed after the replay: once it is sent, the worker has passed.
        var later = Assert.Single(await fixture.ApplyAsync(new CaseReopened { ComplaintId = id.ToString(), Reference = reference, At = Events.Stamp(ReceivedAt) }));
        await fixture.SettledAsync(later.Id);

        Assert.Empty(second);
        Assert.Single(fixture.Smtp.MessagesTo(email), m => m.MessageId == $"{first.Id:N}@complaints.local");
        Assert.Equal(2, fixture.Smtp.MessagesTo(email).Count);
        Assert.Equal(1, await fixture.WithDb(db => db.Messages.CountAsync(m => m.Id == first.Id)));
    }

    [Fact]
    public async Task AnonymousComplaint_EveryEvent_NothingSentAcknowledgementNotApplicable()
    {
        var id = Guid.NewGuid();
        var reference = Envelopes.NewReference();
        fixture.Intake.Book.Add(id, new GetContactForDeliveryResponse { Reference = reference, HasContact = false });

        var queued = await fixture.ApplyAsync(Events.Opened(id, reference, "en", ReceivedAt, hasContact: false));
        queued.AddRange(await fixture.ApplyAsync(new PublicUpdatePosted { ComplaintId = id.ToString(), Reference = reference, EntryId = 1 }));
        queued.AddRange(await fixture.ApplyAsync(new CaseClosed { ComplaintId = id.ToString(), Reference = reference, ClosedAt = Events.Stamp(ReceivedAt) }));

        // Only the acknowledgement is recorded, as NOT_APPLICABLE (Routing stops its clocks on it); nothing is sent.
        var ack = Assert.Single(queued);
        Assert.Equal((int)MessageKind.Acknowledgement, ack.Kind);
        Assert.Equal((int)DeliveryStatus.NotApplicable, (await fixture.SettledAsync(ack.Id)).Status);
        Assert.DoesNotContain(fixture.Smtp.Messages(), m => (m.Subject ?? "").Contains(reference));
    }
}
