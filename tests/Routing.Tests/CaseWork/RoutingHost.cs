using Complaints.Common.V1;
using Complaints.Eventing;
using Complaints.Intake.V1;
using Complaints.Routing.Data;
using Complaints.Routing.Directory;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Auth;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Complaints.Routing.Tests.CaseWork;

/// <summary>
/// Routing in-process with a fake clock (starting now) and the complaint's words
/// served from memory instead of Intake. Cases are opened through the real ComplaintReceived handler.
/// </summary>
public class RoutingHost : ServiceFactory<Program>
{
    public RoutingHost() : this(new Dictionary<string, string?> { ["Routing:ClockTimer:Enabled"] = "false" })
    {
    }

    /// <summary>For hosts with more settings (xunit allows a fixture one public constructor).</summary>
    protected RoutingHost(IDictionary<string, string?> settings) : base(settings)
    {
    }

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public System.Collections.Concurrent.ConcurrentDictionary<Guid, string> Texts { get; } = new();

    /// <summary>Signed on the real clock and valid for long enough to outlast the fake clock's advances.</summary>
    public string StaffToken(string subject, params string[] roles) =>
        TestIssuer.Shared.Token(subject, roles, TimeSpan.FromDays(400));

    public CaseWorkService.CaseWorkServiceClient Work(string subject = "agent-1", string role = Roles.Agent) =>
        new(Channel(StaffToken(subject, role)));

    public CaseService.CaseServiceClient Cases(string subject = "agent-1", string role = Roles.Agent) =>
        new(Channel(StaffToken(subject, role)));

    public ComplainantActionService.ComplainantActionServiceClient Actions() =>
        new(Channel(StaffToken("intake", Roles.Service)));

    public CaseViewService.CaseViewServiceClient Views() => new(Channel(StaffToken("intake", Roles.Service)));

    /// <summary>Opens a case through Routing's real ComplaintReceived handler; returns the event.</summary>
    public async Task<ComplaintReceived> OpenCaseAsync(Jurisdiction jurisdiction = Jurisdiction.UkFca, string language = "en",
        string text = "I was charged twice for one order.", string? amount = null, bool confidential = false, DateTimeOffset? receivedAt = null)
    {
        var e = new ComplaintReceived
        {
            ComplaintId = Guid.NewGuid().ToString(),
            Reference = Envelopes.NewReference(),
            Channel = Complaints.Common.V1.Channel.Web,
            Category = "billing",
            Jurisdiction = jurisdiction,
            PreferredLanguage = language,
            HasContact = true,
            Confidential = confidential,
            ComplainantKind = ComplainantKind.Customer,
            ReceivedAt = Timestamp.FromDateTimeOffset(receivedAt ?? Clock.GetUtcNow()),
            AmountInDispute = amount ?? "",
            Currency = amount is null ? "" : "GBP",
        };
        Texts[Guid.Parse(e.ComplaintId)] = text;
        await DeliverAsync(e, Sources.Intake, e.ComplaintId);
        return e;
    }

    /// <summary>Applies one event with the handlers registered for its source and type, as the subscriber would.</summary>
    public async Task DeliverAsync(IMessage payload, string source, string aggregateId)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var envelope = Envelopes.For(payload, source, aggregateId);
        foreach (var handler in scope.ServiceProvider.GetServices<IEventHandler<RoutingDbContext>>()
                     .Where(h => h.Source == source && h.EventType == envelope.Type))
        {
            await handler.HandleAsync(envelope, db, CancellationToken.None);
        }
        await db.SaveChangesAsync();
    }

    /// <summary>Several events of one feed applied in one context and one save, as the subscriber applies a batch.</summary>
    public async Task DeliverBatchAsync(string source, params IMessage[] payloads)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var handlers = scope.ServiceProvider.GetServices<IEventHandler<RoutingDbContext>>().ToList();
        foreach (var payload in payloads)
        {
            var envelope = Envelopes.For(payload, source);
            foreach (var handler in handlers.Where(h => h.Source == source && h.EventType == envelope.Type))
            {
                await handler.HandleAsync(envelope, db, CancellationToken.None);
            }
        }
        await db.SaveChangesAsync();
    }

    /// <summary>The payloads of Routing's own events about one complaint, oldest first.</summary>
    public async Task<List<T>> EventsAsync<T>(string complaintId) where T : IMessage<T>, new()
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var type = new T().Descriptor.FullName;
        var rows = await db.Events.AsNoTracking().Where(e => e.AggregateId == complaintId && e.Type == type).OrderBy(e => e.Sequence).ToListAsync();
        return rows.Select(r => new MessageParser<T>(() => new T()).ParseFrom(r.Payload)).ToList();
    }

    public async Task<T> QueryAsync<T>(Func<RoutingDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<RoutingDbContext>());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<IComplaintTextSource>(new MemoryTexts(Texts));
        });
    }

    private sealed class MemoryTexts(System.Collections.Concurrent.ConcurrentDictionary<Guid, string> texts) : IComplaintTextSource
    {
        public Task<string?> GetTextAsync(Guid complaintId, CancellationToken ct) =>
            Task.FromResult(texts.TryGetValue(complaintId, out var text) ? text : null);
    }
}
