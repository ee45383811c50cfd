using Complaints.Common.V1;
using Complaints.Intake.V1;
using Complaints.Notifications.V1;
using Complaints.Routing.Data;
using Complaints.Routing.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Routing.Tests.CaseWork;

/// <summary>Routing's reactions to Intake's and Notifications' feeds: opening a case, and acknowledging it.</summary>
public sealed class CaseOpeningTests(RoutingHost host) : IClassFixture<RoutingHost>
{
    private Task<Case> CaseAsync(string complaintId) =>
        host.QueryAsync(db => db.Cases.AsNoTracking().Include(c => c.Timeline).SingleAsync(c => c.ComplaintId == Guid.Parse(complaintId)));

    private static NotificationDelivered Delivered(string complaintId, MessageKind kind = MessageKind.Acknowledgement, DeliveryStatus status = DeliveryStatus.Delivered) => new()
    {
        MessageId = Guid.NewGuid().ToString(),
        ComplaintId = complaintId,
        Kind = kind,
        Status = status,
        Channel = DeliveryChannel.Email,
        DeliveredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
    };

    [Fact]
    public async Task ComplaintReceived_New_OpensTriagedRoutedCaseWithClocksAndOneCaseOpened()
    {
        var e = await host.OpenCaseAsync(Jurisdiction.UkFca, language: "bg");

        var c = await CaseAsync(e.ComplaintId);
        var opened = Assert.Single(await host.EventsAsync<CaseOpened>(e.ComplaintId));
        Assert.Equal((int)CaseStatus.Received, c.Status);
        Assert.Equal("bg", c.PreferredLanguage);
        Assert.NotEqual(0, c.Severity);
        Assert.NotNull(c.QueueId);
        Assert.NotNull(c.AcknowledgeBy);
        Assert.NotNull(c.ResolveBy);
        Assert.NotNull(c.FinalResponseDue);
        Assert.True(c.FinalResponseDue > c.ReceivedAt.AddDays(55), "FCA: eight weeks");
        Assert.Equal(c.QueueId, opened.QueueId);
        Assert.Equal((Severity)c.Severity, opened.Severity);
        Assert.Equal(c.FinalResponseDue, opened.FinalResponseDue.ToDateTimeOffset());
        Assert.Equal(c.ResolveBy, opened.ResolveBy.ToDateTimeOffset());
        Assert.Equal(["Complaint received", "Case opened"], c.Timeline.Where(t => t.IsPublic).OrderBy(t => t.Seq).Select(t => t.Title));
        Assert.Single(c.Timeline, t => t.Kind == "severity" && !t.IsPublic && t.Title.StartsWith("Severity assessed: SEVERITY_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ComplaintReceived_SafetyWordsInKorean_HighSeverityWithTheGroupNamedNotTheWords()
    {
        var e = await host.OpenCaseAsync(text: "매장에서 화재 위험이 있었습니다. 안전하지 않습니다.", language: "ko");

        var staff = await host.Cases().GetCaseAsync(new GetCaseRequest { Reference = e.Reference });

        Assert.True(staff.Severity >= Severity.High, $"got {staff.Severity}");
        var why = Assert.Single(staff.Timeline, t => t.Kind == "severity");
        Assert.Contains("keyword groups:", why.Detail);
        Assert.DoesNotContain("화재", why.Detail);
    }

    [Fact]
    public async Task ComplaintReceived_DeliveredTwice_OneCase()
    {
        var e = await host.OpenCaseAsync();

        await host.DeliverAsync(e, Sources.Intake, e.ComplaintId);

        Assert.Single(await host.EventsAsync<CaseOpened>(e.ComplaintId));
        Assert.Equal(1, await host.QueryAsync(db => db.Cases.CountAsync(c => c.ComplaintId == Guid.Parse(e.ComplaintId))));
    }

    [Fact]
    public async Task ComplaintReceived_ImportedClosed_ClosedWithoutClocksOrQueue()
    {
        var e = new ComplaintReceived
        {
            ComplaintId = Guid.NewGuid().ToString(),
            Reference = Envelopes.NewReference(),
            Channel = Channel.Web,
            Category = "mortgage",
            Jurisdiction = Jurisdiction.UsCfpb,
            PreferredLanguage = "en",
            ReceivedAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2023, 5, 2, 0, 0, 0, TimeSpan.Zero)),
            Imported = true,
            ImportedClosed = true,
            Outcome = "Closed with explanation",
        };

        await host.DeliverAsync(e, Sources.Intake, e.ComplaintId);

        var c = await CaseAsync(e.ComplaintId);
        Assert.Equal((int)CaseStatus.Closed, c.Status);
        Assert.Null(c.ResolveBy);
        Assert.Null(c.FinalResponseDue);
        Assert.Null(c.QueueId);
        Assert.Equal("Closed with explanation", c.SourceOutcome);
        Assert.Empty(await host.QueryAsync(db => db.Set<CaseClock>().Where(k => k.ComplaintId == c.ComplaintId).ToListAsync()));
        var opened = Assert.Single(await host.EventsAsync<CaseOpened>(e.ComplaintId));
        Assert.True(opened.ImportedClosed);
        Assert.Null(opened.ResolveBy);
    }

    [Fact]
    public async Task NotificationDelivered_Acknowledgement_AcknowledgedOnceWithClocksStopped()
    {
        var e = await host.OpenCaseAsync(Jurisdiction.AuAsic);

        await host.DeliverAsync(Delivered(e.ComplaintId), Sources.Notifications, e.ComplaintId);
        await host.DeliverAsync(Delivered(e.ComplaintId), Sources.Notifications, e.ComplaintId);

        var c = await CaseAsync(e.ComplaintId);
        Assert.Equal((int)CaseStatus.Acknowledged, c.Status);
        Assert.NotNull(c.AcknowledgedAt);
        Assert.Single(c.Timeline, t => t.Title == "Acknowledgement sent");
        Assert.Single(await host.EventsAsync<CaseAcknowledged>(e.ComplaintId));
        var clocks = await host.QueryAsync(db => db.Set<CaseClock>().Where(k => k.ComplaintId == c.ComplaintId).ToListAsync());
        Assert.All(clocks.Where(k => k.Kind is (int)ClockKind.SlaAcknowledge or (int)ClockKind.StatutoryAcknowledge), k => Assert.NotNull(k.StoppedAt));
        Assert.Contains(clocks, k => k.Kind == (int)ClockKind.StatutoryAcknowledge);
    }

    [Theory]
    [InlineData(MessageKind.Acknowledgement, DeliveryStatus.Failed)]
    [InlineData(MessageKind.PublicUpdate, DeliveryStatus.Delivered)]
    public async Task NotificationDelivered_OtherKindOrStatus_NotAcknowledged(MessageKind kind, DeliveryStatus status)
    {
        var e = await host.OpenCaseAsync();

        await host.DeliverAsync(Delivered(e.ComplaintId, kind, status), Sources.Notifications, e.ComplaintId);

        var c = await CaseAsync(e.ComplaintId);
        Assert.Equal((int)CaseStatus.Received, c.Status);
        Assert.Null(c.AcknowledgedAt);
    }

    [Fact]
    public async Task NotificationDelivered_AcknowledgementNotApplicable_AcknowledgedAtSubmission()
    {
        var e = await host.OpenCaseAsync();

        await host.DeliverAsync(Delivered(e.ComplaintId, status: DeliveryStatus.NotApplicable), Sources.Notifications, e.ComplaintId);

        var c = await CaseAsync(e.ComplaintId);
        Assert.Equal((int)CaseStatus.Acknowledged, c.Status);
        var clock = await host.QueryAsync(db => db.Set<CaseClock>().SingleAsync(k => k.ComplaintId == c.ComplaintId && k.Kind == (int)ClockKind.SlaAcknowledge));
        Assert.NotNull(clock.StoppedAt);
    }

    [Fact]
    public async Task ComplaintErased_SameBatchAsReceived_CaseKeyDestroyed()
    {
        var e = new ComplaintReceived
        {
            ComplaintId = Guid.NewGuid().ToString(),
            Reference = Envelopes.NewReference(),
            Channel = Channel.Web,
            Category = "billing",
            Jurisdiction = Jurisdiction.UkFca,
            PreferredLanguage = "en",
            HasContact = true,
            ReceivedAt = Timestamp.FromDateTimeOffset(host.Clock.GetUtcNow()),
        };

        await host.DeliverBatchAsync(Sources.Intake, e, new ComplainantErased { ComplaintId = e.ComplaintId, Reference = e.Reference });

        var c = await CaseAsync(e.ComplaintId);
        Assert.Null(c.WrappedKey);
    }

    [Fact]
    public async Task NotificationDelivered_AfterErasure_StillAcknowledged()
    {
        var e = await host.OpenCaseAsync();
        await host.DeliverAsync(new ComplainantErased { ComplaintId = e.ComplaintId, Reference = e.Reference }, Sources.Intake, e.ComplaintId);

        await host.DeliverAsync(Delivered(e.ComplaintId), Sources.Notifications, e.ComplaintId);

        var c = await CaseAsync(e.ComplaintId);
        Assert.Equal((int)CaseStatus.Acknowledged, c.Status);
        Assert.Null(c.Timeline.OrderBy(t => t.Seq).Last().Detail);
    }

    [Fact]
    public async Task NotificationDelivered_UnknownOrMalformedComplaint_Ignored()
    {
        var unknown = Guid.NewGuid().ToString();

        await host.DeliverAsync(Delivered(unknown), Sources.Notifications, unknown);
        await host.DeliverAsync(Delivered("not-a-guid"), Sources.Notifications, "not-a-guid");

        Assert.Empty(await host.EventsAsync<CaseAcknowledged>(unknown));
        Assert.Empty(await host.EventsAsync<CaseAcknowledged>("not-a-guid"));
        Assert.False(await host.QueryAsync(db => db.Cases.AnyAsync(c => c.ComplaintId == Guid.Parse(unknown))));
    }
}
