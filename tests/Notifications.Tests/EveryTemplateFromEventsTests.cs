using Complaints.Common.V1;
using Complaints.Insights.V1;
using Complaints.Intake.V1;
using Complaints.Notifications.Data;
using Complaints.Notifications.Domain;
using Complaints.Routing.V1;
using Google.Protobuf;
using MimeKit;

namespace Complaints.Notifications.Tests;

/// <summary>Notifications whose staff alerts are written in <paramref name="language"/> (complainants get their own).</summary>
public sealed class StaffLanguageFixture(string language) : DeliveryFixture
{
    public string Language { get; } = language;

    protected override Task<IDictionary<string, string?>> SettingsAsync() =>
        Task.FromResult<IDictionary<string, string?>>(new Dictionary<string, string?>
        {
            ["Notifications:StaffLanguage"] = Language,
            ["Notifications:StaffTimeZone"] = "Asia/Seoul",
        });
}

/// <summary>One running service per language of the test: en, ko, bg.</summary>
public sealed class LanguageFixtures : IAsyncLifetime
{
    public static readonly string[] Languages = ["en", "ko", "bg"];

    public Dictionary<string, StaffLanguageFixture> ByLanguage { get; } = Languages.ToDictionary(l => l, l => new StaffLanguageFixture(l));

    public async Task InitializeAsync()
    {
        foreach (var fixture in ByLanguage.Values)
        {
            await fixture.InitializeAsync();
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var fixture in ByLanguage.Values)
        {
            await fixture.DisposeAsync();
        }
    }
}

/// <summary>
/// Every kind in every language, with the values built as in production: real events of each kind (complete ones,
/// and sparse ones with every optional field left out) go through the real feed handlers, the real delivery fetches
/// the words from the stand-ins of Intake, Routing and Insights, and the message must be delivered with no
/// placeholder left. A handler that forgets a value dead-letters its message, and the test names the kind.
/// </summary>
public sealed class EveryTemplateFromEventsTests(LanguageFixtures fixtures) : IClassFixture<LanguageFixtures>
{
    private static readonly DateTimeOffset At = new(2025, 3, 10, 23, 15, 0, TimeSpan.Zero);

    public static TheoryData<string, string> KindsAndLanguages()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in TemplateKinds.All)
        {
            foreach (var language in LanguageFixtures.Languages)
            {
                data.Add(kind.Name, language);
            }
        }
        return data;
    }

    [Fact]
    public void Scenarios_EveryKind_HasSampleEvents()
    {
        var ids = (Guid.NewGuid(), "CMP-00000000");

        Assert.All(TemplateKinds.All, k => Assert.NotEmpty(SampleEvents(k.Kind, ids.Item1, ids.Item2, sparse: false)));
    }

    [Theory]
    [MemberData(nameof(KindsAndLanguages))]
    public async Task Deliver_CompleteEvents_EveryKindAndLanguageRendersWithNoPlaceholderLeft(string kind, string language) =>
        await DeliversAsync(TemplateKinds.All.Single(k => k.Name == kind).Kind, language, sparse: false);

    [Theory]
    [MemberData(nameof(KindsAndLanguages))]
    public async Task Deliver_SparseEvents_EveryKindAndLanguageStillRenders(string kind, string language) =>
        await DeliversAsync(TemplateKinds.All.Single(k => k.Name == kind).Kind, language, sparse: true);

    private async Task DeliversAsync(MessageKind kind, string language, bool sparse)
    {
        var fixture = fixtures.ByLanguage[language];
        var id = Guid.NewGuid();
        var reference = Envelopes.NewReference();
        var book = fixture.Intake.Book;
        book.Add(id, new GetContactForDeliveryResponse
        {
            Reference = reference,
            HasContact = true,
            Name = "Alex Doe",
            Email = $"c-{id:N}@example.com",
            PreferredLanguage = language,
            TimeZone = "Europe/Sofia",
        });
        book.StaffEmails["h1"] = "h1@staff.example.org";
        book.StaffEmails["s1"] = "s1@staff.example.org";
        foreach (var entry in new long[] { 1, 2, 3 })
        {
            book.Entries[(id.ToString(), entry)] = new PublicTimelineEntry { EntryId = entry, Title = $"Entry {entry}", Detail = $"Words of entry {entry}.", At = sparse ? null : Tests.Events.Stamp(At) };
        }
        book.TrackingTokens[$"{id}"] = new GetTrackingAccessTokenResponse { Token = $"tok{id:N}", Channel = DeliveryChannel.Email, Address = $"c-{id:N}@example.com" };
        book.SuggestionContacts[$"contact-{id:N}"] = new GetSuggestionContactForDeliveryResponse { Email = $"s-{id:N}@example.com", Language = language };
        book.SurveyLinks[$"survey-{id:N}"] = new GetSurveyLinkResponse { Url = $"https://complaints.example.org/s/{id:N}", ExpiresAt = sparse ? null : Tests.Events.Stamp(At.AddDays(14)) };

        var queued = new List<Message>();
        foreach (var (payload, source) in SampleEvents(kind, id, reference, sparse))
        {
            queued.AddRange(await fixture.ApplyAsync(payload, source));
        }

        var ofKind = queued.Where(m => m.Kind == (int)kind).ToList();
        Assert.NotEmpty(ofKind);
        foreach (var message in ofKind)
        {
            var settled = await fixture.SettledAsync(message.Id);
            Assert.True(settled.Status == (int)DeliveryStatus.Delivered, $"{kind} in {language} to {message.Recipient ?? "the complainant"}: {(DeliveryStatus)settled.Status} ({settled.LastError})");
            Assert.Equal(language, settled.RenderedLanguage);
            using var mail = await MimeMessage.LoadAsync(Path.Combine(fixture.MailFolder, $"{message.Id:N}.eml"));
            var all = mail.Subject + "\n" + mail.TextBody + "\n" + mail.HtmlBody;
            Assert.False(string.IsNullOrWhiteSpace(mail.Subject));
            Assert.Contains(reference, mail.Subject);
            Assert.DoesNotContain("{{", all);
            Assert.DoesNotContain("}}", all);
            if (TemplateKinds.Of(kind).Audience == Audience.Complainant)
            {
                FollowLinkOnly(mail, reference);
            }
            if (TemplateKinds.Of(kind).Audience == Audience.Submitter)
            {
                SuggestionViewLinkOnly(mail, reference);
            }
        }
        if (TemplateKinds.Of(kind).Audience == Audience.Staff)
        {
            // The handler when there is one, and always the queue's supervisor.
            Assert.Equal(sparse ? ["s1"] : ["h1", "s1"], ofKind.Select(m => m.Recipient).Order());
        }
    }

    /// <summary>
    /// Every complainant message links to the portal's follow page in its text and its HTML, by reference alone: the
    /// tracking token is the complainant's secret and never travels in a message.
    /// </summary>
    private static void FollowLinkOnly(MimeMessage mail, string reference)
    {
        var follow = $"https://complaints.example.org/follow?reference={reference}";
        Assert.Contains(follow, mail.TextBody);
        Assert.Contains($"<a href=\"{follow}\">{follow}</a>", mail.HtmlBody);
        var links = System.Text.RegularExpressions.Regex.Matches(mail.TextBody + "\n" + mail.HtmlBody, @"https?://[^\s""<>]*/follow[^\s""<>]*");
        // Every follow link is exactly that one: no other query parameter (a token) on any of them.
        Assert.All(links, l => Assert.Equal(follow, l.Value));
    }

    /// <summary>A suggestion's submitter is sent to the portal's look-up with the reference alone: no follow link, no code.</summary>
    private static void SuggestionViewLinkOnly(MimeMessage mail, string reference)
    {
        var view = $"https://complaints.example.org/suggestions/view?reference={reference}";
        Assert.Contains(view, mail.TextBody);
        Assert.Contains($"<a href=\"{view}\">{view}</a>", mail.HtmlBody);
        Assert.DoesNotContain("/follow", mail.TextBody + mail.HtmlBody, StringComparison.Ordinal);
    }

    /// <summary>
    /// The events that lead to a message of the kind, in Routing's order (CaseAssigned before CaseOpened). Sparse:
    /// only what every event has (ids, reference); every time, deadline and amount left out, and staff alerts for
    /// an unassigned case.
    /// </summary>
    private static List<(IMessage Payload, string Source)> SampleEvents(MessageKind kind, Guid id, string reference, bool sparse)
    {
        var c = id.ToString();
        Google.Protobuf.WellKnownTypes.Timestamp? When(DateTimeOffset at) => sparse ? null : Tests.Events.Stamp(at);
        // A sparse staff alert is for an unassigned case; the complainant's assignment always names a handler.
        var assignee = sparse && TemplateKinds.Of(kind).Audience == Audience.Staff ? "" : "h1";
        var opened = sparse
            ? new CaseOpened { ComplaintId = c, Reference = reference, HasContact = true, QueueId = "q1" }
            : Tests.Events.Opened(id, reference, "", At);
        opened.QueueId = "q1";
        if (!sparse)
        {
            // Routing gives the days of date-valued deadlines beside the instants.
            opened.ResolveByDate = "2025-05-05";
            opened.FinalResponseDueDate = "2025-05-05";
        }
        var events = new List<(IMessage, string)>
        {
            (new CaseAssigned { ComplaintId = c, Reference = reference, QueueId = "q1", AssigneeId = assignee, SupervisorIds = { "s1" }, At = When(At) }, Sources.Routing),
            (opened, Sources.Routing),
        };
        IMessage? next = kind switch
        {
            MessageKind.Acknowledgement or MessageKind.Assignment or MessageKind.StaffAssigned => null,
            MessageKind.PublicUpdate => new PublicUpdatePosted { ComplaintId = c, Reference = reference, EntryId = 1, At = When(At) },
            MessageKind.InformationRequest => new InformationRequested { ComplaintId = c, Reference = reference, EntryId = 2, DueBy = When(At.AddDays(10)), DueByDate = sparse ? "" : "2025-03-20", At = When(At) },
            MessageKind.HoldingReply => new StatutoryDeadlineExtended { ComplaintId = c, Reference = reference, PreviousDue = When(At.AddDays(15)), FinalResponseDue = When(At.AddDays(35)), PreviousDueDate = sparse ? "" : "2025-03-25", FinalResponseDueDate = sparse ? "" : "2025-04-14", At = When(At) },
            MessageKind.FinalResponse => new FinalResponseSent
            {
                ComplaintId = c,
                Reference = reference,
                EntryId = 3,
                At = When(At),
                Remedy = sparse ? null : new Remedy { Refund = new Money { Amount = "1234.5", Currency = "BGN" }, Compensation = new Money { Amount = "50", Currency = "EUR" } },
            },
            MessageKind.CaseClosed => new CaseClosed { ComplaintId = c, Reference = reference, ClosedAt = When(At) },
            MessageKind.Reopened => new CaseReopened { ComplaintId = c, Reference = reference, ResolveBy = When(At.AddDays(30)), ResolveByDate = sparse ? "" : "2025-04-09", At = When(At) },
            MessageKind.StaffAnswerReceived => new ComplainantResponded { ComplaintId = c, Reference = reference, AssigneeId = assignee, Kind = "answer", AttachmentCount = 1, At = When(At) },
            MessageKind.StaffSlaWarning => new ClockWarning { ComplaintId = c, Reference = reference, AssigneeId = assignee, QueueId = sparse ? "" : "q1", Percent = 75, Clock = ClockKind.SlaResolve, DueAt = When(At), At = When(At) },
            MessageKind.StaffSlaBreach => new ClockBreached { ComplaintId = c, Reference = reference, AssigneeId = assignee, QueueId = sparse ? "" : "q1", Clock = ClockKind.SlaResolve, DueAt = When(At), At = When(At) },
            MessageKind.StaffEscalation => new CaseEscalated { ComplaintId = c, Reference = reference, AssigneeId = assignee, QueueId = sparse ? "" : "q1", Tier = 2, Clock = sparse ? ClockKind.Unspecified : ClockKind.SlaResolve, At = When(At) },
            MessageKind.SurveyInvitation => null,
            MessageKind.TrackingAccess => null,
            MessageKind.SuggestionResponse => null,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no sample events for this kind: add them here"),
        };
        if (next is not null)
        {
            events.Add((next, Sources.Routing));
        }
        if (kind == MessageKind.TrackingAccess)
        {
            events.Add((new TrackingAccessGranted { ComplaintId = c, Reference = reference, GrantId = c, Channel = DeliveryChannel.Email, GrantedAt = When(At) }, Sources.Intake));
        }
        if (kind == MessageKind.SuggestionResponse)
        {
            // The language left out: the one the submitter gave Intake applies.
            events.Add((new SuggestionResponded { SuggestionId = c, Reference = reference, ContactId = $"contact-{id:N}", RespondedAt = When(At) }, Sources.Insights));
        }
        if (kind == MessageKind.SurveyInvitation)
        {
            events.Add((new SurveyRequested { SurveyId = $"survey-{id:N}", ComplaintId = c, Reference = reference, ExpiresAt = When(At.AddDays(14)) }, Sources.Insights));
        }
        return events;
    }
}
