using System.Collections.Concurrent;
using Complaints.Common.V1;
using Complaints.Notifications.Domain;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Complaints.Notifications.Tests;

/// <summary>
/// A channel whose provider a test plays: per address, a script runs before the provider "accepts" the message
/// (hold it, fail it, or let something happen meanwhile); everything accepted is recorded.
/// </summary>
public sealed class ScriptedChannel(DeliveryChannel channel) : IMessageChannel
{
    public DeliveryChannel Channel => channel;

    public ConcurrentDictionary<string, Func<OutgoingMessage, CancellationToken, Task>> Scripts { get; } = new();

    public ConcurrentQueue<OutgoingMessage> Accepted { get; } = new();

    public async Task SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        if (Scripts.TryGetValue(message.Address, out var script))
        {
            await script(message, ct);
        }
        Accepted.Enqueue(message);
    }
}

/// <summary>
/// Notifications with scripted email, SMS and push providers. Without the worker (the default), a test drives
/// <see cref="MessageDelivery.DeliverAsync"/> itself, on a fake clock it moves; with it, on the real clock.
/// </summary>
public class ScriptedDeliveryFixture : DeliveryFixture
{
    public ScriptedChannel Email { get; } = new(DeliveryChannel.Email);

    public ScriptedChannel Push { get; } = new(DeliveryChannel.Push);

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected virtual bool RunsWorker => false;

    protected override Task<IDictionary<string, string?>> SettingsAsync() =>
        Task.FromResult<IDictionary<string, string?>>(new Dictionary<string, string?>
        {
            ["Notifications:SendTimeout"] = "00:00:10",
            ["Notifications:ClaimFor"] = "00:02:00",
        });

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.RemoveAll<IMessageChannel>();
        services.AddSingleton<IMessageChannel>(Email);
        services.AddSingleton<IMessageChannel>(Push);
        services.AddSingleton<IMessageChannel>(new ScriptedChannel(DeliveryChannel.Sms));
        if (!RunsWorker)
        {
            services.AddSingleton<TimeProvider>(Clock);
            var worker = services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(DeliveryWorker));
            services.Remove(worker);
        }
    }

    /// <summary>Sends one message as the worker would, in a scope of its own.</summary>
    public async Task DeliverAsync(Guid messageId, CancellationToken ct = default)
    {
        await using var scope = Notifications.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<MessageDelivery>().DeliverAsync(messageId, ct);
    }
}

/// <summary>The same, with the delivery worker running on the real clock.</summary>
public sealed class ScriptedWorkerFixture : ScriptedDeliveryFixture
{
    protected override bool RunsWorker => true;
}
