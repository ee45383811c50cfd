using System.Text.Json;
using Complaints.Common.V1;
using Complaints.Notifications.Data;
using Complaints.Notifications.Domain;
using Complaints.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.Notifications.Tests;

/// <summary>
/// Notifications in-process, its Intake address pointing at a real gRPC stand-in. The delivery worker
/// runs as in production; a long poll interval means it only moves when a test wakes it.
/// </summary>
public sealed class DeliveryFixture : IAsyncLifetime
{
    public FakeIntakeServer Intake { get; private set; } = null!;

    public ServiceFactory<Program> Notifications { get; private set; } = null!;

    public string MailFolder => Path.Combine(Notifications.Data.Path, "mail");

    public async Task InitializeAsync()
    {
        Intake = await FakeIntakeServer.StartAsync();
        Notifications = new ServiceFactory<Program>(new Dictionary<string, string?>
        {
            ["Services:Intake"] = Intake.Address,
            ["Notifications:PollInterval"] = "01:00:00",
        });
        _ = Notifications.Server;
    }

    public async Task DisposeAsync()
    {
        await Notifications.DisposeAsync();
        await Intake.DisposeAsync();
    }

    /// <summary>Queues a pending acknowledgement as the CaseOpened handler would, then wakes the worker.</summary>
    public async Task<Message> QueueAcknowledgementAsync(Guid complaintId, string reference, string language, DateTimeOffset receivedAt)
    {
        var now = DateTimeOffset.UtcNow;
        var message = new Message
        {
            Id = Guid.NewGuid(),
            ComplaintId = complaintId,
            Reference = reference,
            Kind = (int)MessageKind.Acknowledgement,
            Channel = (int)DeliveryChannel.Email,
            Status = (int)DeliveryStatus.Pending,
            Language = language,
            TemplateData = JsonSerializer.Serialize(new Dictionary<string, DateTimeOffset>
            {
                ["receivedAt"] = receivedAt,
                ["acknowledgeBy"] = receivedAt.AddHours(24),
                ["resolveBy"] = receivedAt.AddDays(56),
            }),
            CreatedAt = now,
            NextAttemptAt = now,
        };
        await WithDb(async db =>
        {
            db.Messages.Add(message);
            return await db.SaveChangesAsync();
        });
        Notifications.Services.GetRequiredService<DeliveryWakeup>().Signal.Notify();
        return message;
    }

    /// <summary>Waits until the worker has made at least one attempt on the message.</summary>
    public Task<Message> AttemptedAsync(Guid messageId) =>
        Eventually.Get(
            () => WithDb(db => db.Messages.AsNoTracking().SingleAsync(m => m.Id == messageId)),
            m => m.Attempts > 0,
            $"a delivery attempt on message {messageId}");

    public async Task<T> WithDb<T>(Func<NotificationsDbContext, Task<T>> query)
    {
        await using var scope = Notifications.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<NotificationsDbContext>());
    }
}
