using System.Collections.Concurrent;
using Complaints.Eventing;
using Complaints.Notifications.Data;
using Complaints.Notifications.Domain;
using Google.Protobuf;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Complaints.Notifications.Tests;

/// <summary>Notifications in-process with a log capture; <paramref name="services"/> may replace parts (a channel, the clock).</summary>
public sealed class NotificationsFactory(IDictionary<string, string?> settings, Action<IServiceCollection>? services = null) : ServiceFactory<Program>(settings)
{
    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(l => l.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }
}

/// <summary>
/// Notifications in-process, its Intake, Routing and Insights addresses pointing at a real gRPC stand-in. The
/// delivery worker runs as in production; a long poll interval means it only moves when woken or a retry is due.
/// Email goes to the file sink unless an SMTP port is given.
/// </summary>
public class DeliveryFixture : IAsyncLifetime
{
    public FakeIntakeServer Intake { get; private set; } = null!;

    public NotificationsFactory Notifications { get; private set; } = null!;

    public string MailFolder => Path.Combine(Notifications.Data.Path, "mail");

    protected virtual Task<IDictionary<string, string?>> SettingsAsync() => Task.FromResult<IDictionary<string, string?>>(new Dictionary<string, string?>());

    /// <summary>Replaces services after the service's own registrations.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public async Task InitializeAsync()
    {
        Intake = await FakeIntakeServer.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Services:Intake"] = Intake.Address,
            ["Services:Routing"] = Intake.Address,
            ["Services:Insights"] = Intake.Address,
            ["Notifications:PollInterval"] = "01:00:00",
            ["Notifications:PublicBaseUrl"] = "https://complaints.example.org",
        };
        foreach (var (k, v) in await SettingsAsync())
        {
            settings[k] = v;
        }
        Notifications = new NotificationsFactory(settings, ConfigureServices);
        _ = Notifications.Server;
    }

    public virtual async Task DisposeAsync()
    {
        await Notifications.DisposeAsync();
        await Intake.DisposeAsync();
    }

    /// <summary>Applies one feed event as the subscriber would (handler, commit, wake-up) and returns the messages it queued.</summary>
    public Task<List<Message>> ApplyAsync(IMessage payload, string source = Sources.Routing) => ApplyAsync(Envelopes.For(payload, source));

    /// <summary>Queues an acknowledgement through the CaseOpened handler and returns the complainant's email message.</summary>
    public async Task<Message> QueueAcknowledgementAsync(Guid complaintId, string reference, string language, DateTimeOffset receivedAt) =>
        Assert.Single(await ApplyAsync(Events.Opened(complaintId, reference, language, receivedAt)));

    /// <summary>Waits until the worker has made at least one attempt on the message.</summary>
    public Task<Message> AttemptedAsync(Guid messageId) =>
        Eventually.Get(
            () => WithDb(db => db.Messages.AsNoTracking().SingleAsync(m => m.Id == messageId)),
            m => m.Attempts > 0,
            $"a delivery attempt on message {messageId}");

    public async Task<List<Message>> ApplyAsync(Complaints.Eventing.V1.EventEnvelope envelope)
    {
        await using var scope = Notifications.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        var handlers = scope.ServiceProvider.GetServices<IEventHandler<NotificationsDbContext>>()
            .Where(h => h.EventType == envelope.Type).ToList();
        Assert.NotEmpty(handlers);
        foreach (var handler in handlers)
        {
            await handler.HandleAsync(envelope, db, CancellationToken.None);
        }
        var added = db.ChangeTracker.Entries<Message>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
        await db.SaveChangesAsync();
        foreach (var handler in handlers)
        {
            handler.AfterCommit();
        }
        return added;
    }

    /// <summary>Waits until the message has left PENDING (delivered, not applicable, suppressed or dead).</summary>
    public Task<Message> SettledAsync(Guid messageId) =>
        Eventually.Get(
            () => WithDb(db => db.Messages.AsNoTracking().SingleAsync(m => m.Id == messageId)),
            m => m.Status != (int)Common.V1.DeliveryStatus.Pending,
            $"message {messageId} to settle",
            describe: m => $"status {m.Status}, attempts {m.Attempts}, error {m.LastError}");

    public async Task<T> WithDb<T>(Func<NotificationsDbContext, Task<T>> query)
    {
        await using var scope = Notifications.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<NotificationsDbContext>());
    }
}
