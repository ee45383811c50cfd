using Complaints.Common.V1;
using Complaints.Eventing;
using Complaints.Intake.V1;
using Complaints.Routing.Data;
using Complaints.Routing.Domain;
using Complaints.TestSupport;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Complaints.Routing.Tests;

public sealed class SlaConfigurationTests
{
    [Fact]
    public async Task OpenCase_SlaSectionConfigured_ServiceHandlerUsesConfiguredDeadlines()
    {
        using var factory = new ServiceFactory<Program>(new Dictionary<string, string?>
        {
            ["Sla:AcknowledgeWithin"] = "03:00:00",
            ["Sla:ResolveWithin"] = "35.00:00:00",
        });
        var receivedAt = new DateTimeOffset(2025, 7, 1, 12, 0, 0, TimeSpan.Zero);
        var e = new ComplaintReceived
        {
            ComplaintId = Guid.NewGuid().ToString(),
            Reference = Envelopes.NewReference(),
            Channel = Channel.Web,
            Category = "billing",
            PreferredLanguage = "en",
            ReceivedAt = Timestamp.FromDateTimeOffset(receivedAt),
        };

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
            var handler = Assert.Single(scope.ServiceProvider.GetServices<IEventHandler<RoutingDbContext>>(), h => h.EventType == ComplaintReceived.Descriptor.FullName);
            await handler.HandleAsync(Envelopes.For(e, Sources.Intake, e.ComplaintId), db, CancellationToken.None);
            await db.SaveChangesAsync();
        }

        await using var check = factory.Services.CreateAsyncScope();
        var c = await check.ServiceProvider.GetRequiredService<RoutingDbContext>().Cases.SingleAsync(x => x.ComplaintId == Guid.Parse(e.ComplaintId));
        Assert.Equal(receivedAt.AddHours(3), c.AcknowledgeBy);
        Assert.Equal(receivedAt.AddDays(35), c.ResolveBy);
        Assert.Equal(TimeSpan.FromHours(3), factory.Services.GetRequiredService<IOptions<SlaOptions>>().Value.AcknowledgeWithin);
    }
}
