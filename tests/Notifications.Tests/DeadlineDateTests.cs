using Complaints.Common.V1;
using Complaints.Intake.V1;
using Complaints.Routing.V1;
using MimeKit;

namespace Complaints.Notifications.Tests;

/// <summary>
/// Day-based deadlines in messages: a deadline Routing gives as a date (the last day of a UK final response, received
/// Mon 7 December 2026: Mon 1 February 2027, the instant 2 February 00:00 UTC) reads as that day in the message's
/// language, never as the midnight after it in the reader's time zone; a time (when the complaint was received) stays a
/// time in the reader's zone. Through the real feed handlers, delivery and renderer, to .eml files.
/// </summary>
public sealed class DeadlineDateTests(DeliveryFixture fixture) : IClassFixture<DeliveryFixture>
{
    private static readonly DateTimeOffset ReceivedAt = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset EndOfFirstFebruary = new(2027, 2, 2, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("en-GB", "no later than Monday, 1 February 2027.", "2 February", "Monday, 7 December 2026 19:00 (Asia/Seoul)")]
    [InlineData("en", "no later than Monday, February 1, 2027.", "February 2,", "Monday, December 7, 2026 7:00 PM (Asia/Seoul)")]
    [InlineData("ko", "최종 답변은 늦어도 2027년 2월 1일 월요일까지 드립니다.", "2월 2일", "2026년 12월 7일 월요일 오후 7:00 (Asia/Seoul)")]
    [InlineData("bg", "не по-късно от понеделник, 1 февруари 2027 г.", "2 февруари", "понеделник, 7 декември 2026 г. 19:00 ч. (Asia/Seoul)")]
    public async Task Acknowledgement_FinalResponseDueAtMonthEnd_ThatDayInTheLanguageNotTheMidnightAfter(
        string language, string expected, string dayAfter, string receivedAsTime)
    {
        var (id, reference) = Complainant(language, "Asia/Seoul");
        var opened = Events.Opened(id, reference, language, ReceivedAt);
        opened.AcknowledgeBy = Events.Stamp(ReceivedAt.AddHours(24));
        opened.ResolveBy = Events.Stamp(new DateTimeOffset(2027, 1, 29, 0, 0, 0, TimeSpan.Zero));
        opened.ResolveByDate = "2027-01-28";
        opened.FinalResponseDue = Events.Stamp(EndOfFirstFebruary);
        opened.FinalResponseDueDate = "2027-02-01";

        var text = await DeliveredTextAsync(opened);

        Assert.Contains(expected, text);
        // A date ending with an abbreviation's period ends the sentence with one period, not two.
        Assert.DoesNotContain("..", text);
        // In Seoul the instant is 2 February 09:00: read as a time it would name the day after the deadline.
        Assert.DoesNotContain(dayAfter, text);
        Assert.Contains(receivedAsTime, text);
    }

    [Fact]
    public async Task Acknowledgement_DeadlineWithoutDate_StaysATimeInTheReadersZone()
    {
        // An event from before Routing gave dates (or a deadline that is a time): the instant, in the reader's zone.
        var (id, reference) = Complainant("en", "Europe/London");
        var opened = Events.Opened(id, reference, "en", ReceivedAt);
        opened.FinalResponseDue = Events.Stamp(new DateTimeOffset(2027, 2, 1, 14, 30, 0, TimeSpan.Zero));

        var text = await DeliveredTextAsync(opened);

        Assert.Contains("no later than Monday, February 1, 2027 2:30 PM (Europe/London)", text);
    }

    [Theory]
    [InlineData("en", "Please answer by Sunday, January 31, 2027.")]
    [InlineData("ko", "2027년 1월 31일 일요일까지 답변해 주십시오.")]
    [InlineData("bg", "неделя, 31 януари 2027 г.")]
    public async Task InformationRequest_DueOnTheLastDayOfJanuary_ThatDay(string language, string expected)
    {
        var (id, reference) = Complainant(language, "America/New_York");
        fixture.Intake.Book.Entries[(id.ToString(), 5)] = new PublicTimelineEntry { EntryId = 5, Title = "Information requested", Detail = "Which card?", Code = "information.requested" };
        await fixture.ApplyAsync(Events.Opened(id, reference, language, ReceivedAt));

        var text = await DeliveredTextAsync(new InformationRequested
        {
            ComplaintId = id.ToString(),
            Reference = reference,
            EntryId = 5,
            // The end of Sun 31 January in London; in New York that instant is still 31 January, 19:00, but a date is a date.
            DueBy = Events.Stamp(EndOfFirstFebruary.AddDays(-1)),
            DueByDate = "2027-01-31",
            At = Events.Stamp(ReceivedAt),
        }, MessageKind.InformationRequest);

        Assert.Contains(expected, text);
        Assert.DoesNotContain("7:00 PM", text);
    }

    [Theory]
    [InlineData("en", "as planned.\n\nAwaiting the card scheme.\n\nYou will have our final response no later than Monday, February 1, 2027.", "by Friday, January 1, 2027 as planned")]
    [InlineData("ko", "최종 답변은 늦어도 2027년 2월 1일 월요일까지 드리겠습니다.", "2027년 1월 1일 금요일까지")]
    [InlineData("bg", "понеделник, 1 февруари 2027 г.", "петък, 1 януари 2027 г.")]
    public async Task HoldingReply_CodedEntry_TheHandlersReasonAndBothDatesAsDays(string language, string newDate, string previousDate)
    {
        var (id, reference) = Complainant(language, "UTC");
        fixture.Intake.Book.Entries[(id.ToString(), 7)] = new PublicTimelineEntry
        {
            EntryId = 7,
            Title = "We need more time",
            Detail = "We need more time to answer your complaint: Awaiting the card scheme. We will send you our final response by 2027-02-01.",
            Code = "deadline.extended",
            Text = "Awaiting the card scheme.",
        };
        await fixture.ApplyAsync(Events.Opened(id, reference, language, ReceivedAt));

        var text = await DeliveredTextAsync(new StatutoryDeadlineExtended
        {
            ComplaintId = id.ToString(),
            Reference = reference,
            PreviousDue = Events.Stamp(new DateTimeOffset(2027, 1, 1, 23, 0, 0, TimeSpan.Zero)),
            PreviousDueDate = "2027-01-01",
            FinalResponseDue = Events.Stamp(EndOfFirstFebruary.AddHours(-1)),
            FinalResponseDueDate = "2027-02-01",
            At = Events.Stamp(ReceivedAt),
        }, MessageKind.HoldingReply);

        Assert.Contains(newDate, text);
        Assert.Contains(previousDate, text);
        Assert.Contains("Awaiting the card scheme.", text);
        // The reason alone: not Routing's English sentence around it.
        Assert.DoesNotContain("We will send you our final response by", text);
    }

    private (Guid Id, string Reference) Complainant(string language, string timeZone)
    {
        var id = Guid.NewGuid();
        var reference = Envelopes.NewReference();
        fixture.Intake.Book.Add(id, new GetContactForDeliveryResponse
        {
            Reference = reference,
            HasContact = true,
            Name = "Alex Doe",
            Email = $"c-{id:N}@example.com",
            PreferredLanguage = language,
            TimeZone = timeZone,
        });
        return (id, reference);
    }

    /// <summary>Applies the event, waits for the complainant's email of <paramref name="kind"/> and returns its text with spaces normalised.</summary>
    private async Task<string> DeliveredTextAsync(Google.Protobuf.IMessage e, MessageKind kind = MessageKind.Acknowledgement)
    {
        var message = Assert.Single(await fixture.ApplyAsync(e), m => m.Kind == (int)kind && m.Channel == (int)DeliveryChannel.Email);
        var settled = await fixture.SettledAsync(message.Id);
        Assert.True(settled.Status == (int)DeliveryStatus.Delivered, $"{(DeliveryStatus)settled.Status} ({settled.LastError})");
        using var mail = await MimeMessage.LoadAsync(Path.Combine(fixture.MailFolder, $"{message.Id:N}.eml"));
        // ICU writes narrow no-break spaces in times ("7:00\u202fPM"): compare with plain spaces.
        return (mail.TextBody ?? "").ReplaceLineEndings("\n").Replace('\u202f', ' ').Replace('\u00a0', ' ');
    }
}
