using Complaints.Common.V1;
using Complaints.Eventing;
using Complaints.Notifications.Data;
using Complaints.Notifications.Domain;
using Complaints.Notifications.V1;
using Complaints.Routing.V1;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Notifications.Tests;

/// <summary>
/// Dead letters follow the need-to-know rule: a failed message about a confidential complaint is listed and
/// replayed only for the complaint's circle (its handler, its queue's supervisors, admins); to other supervisors it
/// does not exist.
/// </summary>
public sealed class DeadLetterNeedToKnowTests(DeliveryFixture fixture) : IClassFixture<DeliveryFixture>
{
    private DeadLetterService.DeadLetterServiceClient DeadLetters(string subject, string role) =>
        new(fixture.Notifications.Channel(fixture.Notifications.Token(subject, role)));

    /// <summary>A confidential complaint in its own queue, supervised by lead-li, with one dead letter to its handler.</summary>
    private async Task<Guid> ConfidentialDeadLetterAsync()
    {
        var id = Guid.NewGuid();
        var reference = Envelopes.NewReference();
        var queue = "conduct-" + id.ToString("N")[..8];
        var opened = Events.Opened(id, reference, "en", DateTimeOffset.UtcNow);
        opened.Confidential = true;
        opened.QueueId = queue;
        await fixture.ApplyAsync(opened);
        await fixture.ApplyAsync(new CaseAssigned
        {
            ComplaintId = id.ToString(),
            Reference = reference,
            QueueId = queue,
            AssigneeId = "agent-hana",
            SupervisorIds = { "lead-li" },
            Confidential = true,
            At = Events.Stamp(DateTimeOffset.UtcNow),
        });
        var letter = new Message
        {
            Id = Guid.NewGuid(),
            ComplaintId = id,
            Reference = reference,
            Kind = (int)MessageKind.StaffAssigned,
            Audience = (int)Audience.Staff,
            Recipient = "agent-hana",
            Channel = (int)DeliveryChannel.Email,
            Status = (int)DeliveryStatus.Failed,
            Language = "en",
            TemplateData = "{}",
            CreatedAt = DateTimeOffset.UtcNow,
            NextAttemptAt = DateTimeOffset.UtcNow,
            DeliveredAt = DateTimeOffset.UtcNow,
            Attempts = 5,
            LastError = "SocketException",
        };
        await fixture.WithDb(async db =>
        {
            db.Messages.Add(letter);
            return await db.SaveChangesAsync();
        });
        return letter.Id;
    }

    private async Task<bool> ListedAsync(Guid letter, string subject, string role) =>
        (await DeadLetters(subject, role).ListDeadLettersAsync(new ListDeadLettersRequest { PageSize = 500 })).DeadLetters.Any(d => d.MessageId == letter.ToString());

    [Fact]
    public async Task ListDeadLetters_ConfidentialComplaintSupervisorOfAnotherQueue_Absent()
    {
        var letter = await ConfidentialDeadLetterAsync();

        Assert.False(await ListedAsync(letter, "boss", "supervisor"));
        Assert.True(await ListedAsync(letter, "lead-li", "supervisor"));
        Assert.True(await ListedAsync(letter, "root", "admin"));
    }

    [Fact]
    public async Task ReplayDeadLetter_ConfidentialComplaintSupervisorOfAnotherQueue_NotFoundAndStillFailed()
    {
        var letter = await ConfidentialDeadLetterAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => DeadLetters("boss", "supervisor").ReplayDeadLetterAsync(new ReplayDeadLetterRequest { MessageId = letter.ToString() }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal((int)DeliveryStatus.Failed, await fixture.WithDb(db => db.Messages.Where(m => m.Id == letter).Select(m => m.Status).SingleAsync()));
    }
}
