using Complaints.Common.V1;
using Complaints.Notifications;
using Complaints.Notifications.Data;
using Complaints.Notifications.Domain;
using Complaints.Routing.V1;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Complaints.Notifications.Tests;

/// <summary>Which messages each event queues, on a real SQLite file (no delivery).</summary>
public sealed class FeedHandlerTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2025, 7, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly NotificationsDb _db = new();
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly DeliveryWakeup _wakeup = new();
    private readonly Guid _id = Guid.NewGuid();
    private readonly string _reference = Envelopes.NewReference();

    public void Dispose() => _db.Dispose();

    private async Task<List<Message>> ApplyAsync<T>(Eventing.IEventHandler<NotificationsDbContext> handler, T payload) where T : Google.Protobuf.IMessage
    {
        var before = await _db.QueryAsync(db => db.Messages.Select(m => m.Id).ToListAsync());
        await _db.ApplyAsync(handler, Envelopes.For(payload, handler.Source, _id.ToString()));
        return await _db.QueryAsync(db => db.Messages.Where(m => !before.Contains(m.Id)).ToListAsync());
    }

    private async Task AssignAsync(string assignee, string previous = "", params string[] supervisors) =>
        await ApplyAsync(new OnCaseAssigned(_wakeup, _clock), new CaseAssigned
        {
            ComplaintId = _id.ToString(),
            Reference = _reference,
            QueueId = "q1",
            AssigneeId = assignee,
            PreviousAssigneeId = previous,
            SupervisorIds = { supervisors },
        });

    [Fact]
    public async Task CaseAssigned_FirstHandler_ComplainantAndHandlerTold()
    {
        await ApplyAsync(new OnCaseOpened(_wakeup, _clock), Events.Opened(_id, _reference, "bg", Now));

        var queued = await ApplyAsync(new OnCaseAssigned(_wakeup, _clock), new CaseAssigned { ComplaintId = _id.ToString(), Reference = _reference, AssigneeId = "h1", QueueId = "q1" });

        Assert.Equal(2, queued.Count);
        Assert.Contains(queued, m => m.Kind == (int)MessageKind.Assignment && m.Audience == (int)Audience.Complainant && m.Language == "bg");
        Assert.Contains(queued, m => m.Kind == (int)MessageKind.StaffAssigned && m.Recipient == "h1" && m.Audience == (int)Audience.Staff);
    }

    [Fact]
    public async Task CaseAssigned_Reassignment_OnlyNewHandlerTold()
    {
        var queued = await ApplyAsync(new OnCaseAssigned(_wakeup, _clock), new CaseAssigned { ComplaintId = _id.ToString(), Reference = _reference, AssigneeId = "h2", PreviousAssigneeId = "h1" });

        var message = Assert.Single(queued);
        Assert.Equal((int)MessageKind.StaffAssigned, message.Kind);
        Assert.Equal("h2", message.Recipient);
    }

    [Fact]
    public async Task CaseEscalated_AfterAssignment_HandlerAndEverySupervisor()
    {
        await ApplyAsync(new OnCaseOpened(_wakeup, _clock), Events.Opened(_id, _reference, "en", Now));
        await AssignAsync("h1", "", "s1", "s2");

        var queued = await ApplyAsync(new OnCaseEscalated(_wakeup, _clock), new CaseEscalated { ComplaintId = _id.ToString(), Reference = _reference, Tier = 2, AssigneeId = "h1" });

        Assert.Equal(["h1", "s1", "s2"], queued.Select(m => m.Recipient).Order());
        Assert.All(queued, m => Assert.Equal((int)MessageKind.StaffEscalation, m.Kind));
    }

    /// <summary>One event of each staff alert kind, as Routing publishes it for the case (assignee empty when unassigned).</summary>
    private async Task<List<Message>> AlertAsync(MessageKind kind, string assignee) => kind switch
    {
        MessageKind.StaffAssigned => await ApplyAsync(new OnCaseAssigned(_wakeup, _clock), new CaseAssigned
        {
            ComplaintId = _id.ToString(),
            Reference = _reference,
            QueueId = "q1",
            AssigneeId = assignee,
            PreviousAssigneeId = assignee.Length > 0 ? "h0" : "",
            SupervisorIds = { "s1", "s2" },
        }),
        MessageKind.StaffAnswerReceived => await ApplyAsync(new OnComplainantResponded(_wakeup, _clock), new ComplainantResponded
        {
            ComplaintId = _id.ToString(),
            Reference = _reference,
            AssigneeId = assignee,
            Kind = "answer",
            At = Events.Stamp(Now),
        }),
        MessageKind.StaffSlaWarning => await ApplyAsync(new OnClockWarning(_wakeup, _clock), new ClockWarning
        {
            ComplaintId = _id.ToString(),
            Reference = _reference,
            Percent = 75,
            AssigneeId = assignee,
            QueueId = "q1",
            Clock = ClockKind.SlaResolve,
            DueAt = Events.Stamp(Now.AddDays(3)),
        }),
        MessageKind.StaffSlaBreach => await ApplyAsync(new OnClockBreached(_wakeup, _clock), new ClockBreached
        {
            ComplaintId = _id.ToString(),
            Reference = _reference,
            AssigneeId = assignee,
            QueueId = "q1",
            Clock = ClockKind.SlaResolve,
            DueAt = Events.Stamp(Now),
        }),
        MessageKind.StaffEscalation => await ApplyAsync(new OnCaseEscalated(_wakeup, _clock), new CaseEscalated
        {
            ComplaintId = _id.ToString(),
            Reference = _reference,
            AssigneeId = assignee,
            QueueId = "q1",
            Tier = 2,
            Clock = ClockKind.SlaResolve,
        }),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static TheoryData<MessageKind> StaffKinds() =>
        [MessageKind.StaffAssigned, MessageKind.StaffAnswerReceived, MessageKind.StaffSlaWarning, MessageKind.StaffSlaBreach, MessageKind.StaffEscalation];

    [Theory]
    [MemberData(nameof(StaffKinds))]
    public async Task StaffAlert_AssignedCase_HandlerAndEveryQueueSupervisor(MessageKind kind)
    {
        await ApplyAsync(new OnCaseOpened(_wakeup, _clock), Events.Opened(_id, _reference, "en", Now));
        await AssignAsync("h1", "", "s1", "s2");

        var queued = (await AlertAsync(kind, "h1")).Where(m => m.Kind == (int)kind).ToList();

        Assert.Equal(["h1", "s1", "s2"], queued.Select(m => m.Recipient).Order());
        Assert.All(queued, m => Assert.Equal((int)Audience.Staff, m.Audience));
        var forSupervisor = System.Text.Json.JsonSerializer.Deserialize<MessageData>(queued.Single(m => m.Recipient == "s1").TemplateData)!;
        var forHandler = System.Text.Json.JsonSerializer.Deserialize<MessageData>(queued.Single(m => m.Recipient == "h1").TemplateData)!;
        Assert.Equal("yes", forSupervisor.Values["toSupervisor"]);
        Assert.Equal("h1", forSupervisor.Values["assigneeId"]);
        Assert.False(forHandler.Values.ContainsKey("toSupervisor"));
    }

    [Theory]
    [MemberData(nameof(StaffKinds))]
    public async Task StaffAlert_UnassignedCase_GoesToQueueSupervisors(MessageKind kind)
    {
        // Routing's order for a new case nobody can take: CaseAssigned (no assignee) first, then CaseOpened.
        await AssignAsync("", "", "s1", "s2");
        var opened = Events.Opened(_id, _reference, "en", Now);
        opened.QueueId = "q1";
        await ApplyAsync(new OnCaseOpened(_wakeup, _clock), opened);

        var queued = (await AlertAsync(kind, "")).Where(m => m.Kind == (int)kind).ToList();

        Assert.Equal(["s1", "s2"], queued.Select(m => m.Recipient).Order());
        Assert.All(queued, m => Assert.DoesNotContain("assigneeId", m.TemplateData));
    }

    [Fact]
    public async Task CaseAssigned_QueueSupervisorsChanged_LatestListUsed()
    {
        await AssignAsync("h1", "", "s1");
        var other = Guid.NewGuid();
        await ApplyAsync(new OnCaseAssigned(_wakeup, _clock), new CaseAssigned
        {
            ComplaintId = other.ToString(),
            Reference = Envelopes.NewReference(),
            QueueId = "q1",
            AssigneeId = "h2",
            SupervisorIds = { "s9" },
        });

        var queued = await ApplyAsync(new OnClockBreached(_wakeup, _clock), new ClockBreached { ComplaintId = _id.ToString(), Reference = _reference, AssigneeId = "h1", QueueId = "q1" });

        Assert.Equal(["h1", "s9"], queued.Select(m => m.Recipient).Order());
    }

    [Fact]
    public async Task ComplainantResponded_EventWithoutQueue_UsesCasesQueue()
    {
        await AssignAsync("h1", "", "s1");
        await ApplyAsync(new OnCaseAssigned(_wakeup, _clock), new CaseAssigned
        {
            ComplaintId = _id.ToString(),
            Reference = _reference,
            QueueId = "q2",
            AssigneeId = "h2",
            PreviousAssigneeId = "h1",
            SupervisorIds = { "s2" },
        });

        var queued = await ApplyAsync(new OnComplainantResponded(_wakeup, _clock), new ComplainantResponded { ComplaintId = _id.ToString(), Reference = _reference, AssigneeId = "h2", Kind = "answer" });

        Assert.Equal(["h2", "s2"], queued.Select(m => m.Recipient).Order());
    }

    [Fact]
    public async Task CaseClosed_WithoutClosedAt_EventsOccurredTimeUsed()
    {
        var envelope = Envelopes.For(new CaseClosed { ComplaintId = _id.ToString(), Reference = _reference }, Sources.Routing, _id.ToString());

        await _db.ApplyAsync(new OnCaseClosed(_wakeup, _clock), envelope);

        var message = await _db.QueryAsync(db => db.Messages.SingleAsync(m => m.ComplaintId == _id && m.Kind == (int)MessageKind.CaseClosed));
        var data = System.Text.Json.JsonSerializer.Deserialize<MessageData>(message.TemplateData)!;
        Assert.Equal(envelope.OccurredAt.ToDateTimeOffset(), data.Dates["closedAt"]);
    }

    [Theory]
    [InlineData("answer")]
    [InlineData("document")]
    public async Task ComplainantResponded_HandlerToldNotComplainant(string kind)
    {
        var queued = await ApplyAsync(new OnComplainantResponded(_wakeup, _clock), new ComplainantResponded { ComplaintId = _id.ToString(), Reference = _reference, AssigneeId = "h1", Kind = kind });

        var message = Assert.Single(queued);
        Assert.Equal((int)MessageKind.StaffAnswerReceived, message.Kind);
        Assert.Contains(kind, message.TemplateData);
    }

    [Fact]
    public async Task ComplainantResponded_UnassignedNoSupervisorKnown_NothingQueued()
    {
        var queued = await ApplyAsync(new OnComplainantResponded(_wakeup, _clock), new ComplainantResponded { ComplaintId = _id.ToString(), Reference = _reference, Kind = "answer" });

        Assert.Empty(queued);
    }

    [Fact]
    public async Task ChannelPreference_SmsAndPushChosen_OneMessagePerChannel()
    {
        await _db.QueryAsync(async db =>
        {
            db.Preferences.Add(new ChannelPreference { ComplaintId = _id, Email = true, Sms = true, Push = true });
            return await db.SaveChangesAsync();
        });

        var queued = await ApplyAsync(new OnCaseReopened(_wakeup, _clock), new CaseReopened { ComplaintId = _id.ToString(), Reference = _reference });

        Assert.Equal([DeliveryChannel.Email, DeliveryChannel.Sms, DeliveryChannel.Push], queued.Select(m => (DeliveryChannel)m.Channel).Order());
        Assert.Equal(3, queued.Select(m => m.Id).Distinct().Count());
    }

    [Fact]
    public async Task PublicUpdate_StoresEntryIdNotWords()
    {
        var queued = await ApplyAsync(new OnPublicUpdatePosted(_wakeup, _clock), new PublicUpdatePosted { ComplaintId = _id.ToString(), Reference = _reference, EntryId = 77 });

        var data = System.Text.Json.JsonSerializer.Deserialize<MessageData>(Assert.Single(queued).TemplateData)!;
        Assert.Equal(77, data.EntryId);
    }

    [Fact]
    public async Task ComplainantErased_AfterMessages_SubjectsGonePendingDroppedPreferencesRemoved()
    {
        await ApplyAsync(new OnCaseOpened(_wakeup, _clock), Events.Opened(_id, _reference, "en", Now));
        var update = Assert.Single(await ApplyAsync(new OnPublicUpdatePosted(_wakeup, _clock), new PublicUpdatePosted { ComplaintId = _id.ToString(), Reference = _reference, EntryId = 1 }));
        await _db.QueryAsync(async db =>
        {
            (await db.Messages.SingleAsync(m => m.Kind == (int)MessageKind.Acknowledgement)).Subject = "About Mr Smith's loan";
            db.Preferences.Add(new ChannelPreference { ComplaintId = _id, Sms = true });
            return await db.SaveChangesAsync();
        });

        await ApplyAsync(new OnComplainantErased(_wakeup, _clock), new Complaints.Intake.V1.ComplainantErased { ComplaintId = _id.ToString(), Reference = _reference });

        var messages = await _db.QueryAsync(db => db.Messages.Where(m => m.ComplaintId == _id).ToListAsync());
        Assert.All(messages, m => Assert.Null(m.Subject));
        Assert.All(messages, m => Assert.True(m.Erased));
        Assert.All(messages, m => Assert.True(m.Version > 0));
        Assert.Equal((int)DeliveryStatus.NotApplicable, messages.Single(m => m.Id == update.Id).Status);
        Assert.Equal(0, await _db.QueryAsync(db => db.Preferences.CountAsync(p => p.ComplaintId == _id)));
    }
}
