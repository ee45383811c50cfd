using Complaints.Common.V1;
using Complaints.Routing.Data;
using Complaints.Routing.Domain;
using Complaints.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.Routing.Tests;

/// <summary>One Routing in-process per test class (Intake and Notifications down); tests seed their own cases.</summary>
public sealed class RoutingFixture : IDisposable
{
    public ServiceFactory<Program> Factory { get; } = new();

    public string ServiceToken => Factory.Token("intake", "service");

    /// <summary>A case with two public entries and one internal note, written straight into Routing's database.</summary>
    public async Task<Case> SeedCaseAsync()
    {
        var id = Guid.NewGuid();
        var receivedAt = new DateTimeOffset(2025, 4, 1, 8, 0, 0, TimeSpan.Zero);
        var c = new Case
        {
            ComplaintId = id,
            Reference = Envelopes.NewReference(),
            Status = (int)CaseStatus.Received,
            Category = "billing",
            Channel = (int)Channel.Phone,
            Jurisdiction = (int)Jurisdiction.EuPsd2,
            PreferredLanguage = "en",
            Confidential = false,
            HasContact = true,
            ReceivedAt = receivedAt,
            OpenedAt = receivedAt.AddMinutes(1),
            AcknowledgeBy = receivedAt.AddHours(24),
            ResolveBy = receivedAt.AddDays(56),
        };
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var journal = scope.ServiceProvider.GetRequiredService<CaseJournal>();
        journal.Text.Provision(c);
        db.Cases.Add(c);
        journal.Record(db, c, EntryKinds.System, "Complaint received", CaseJournal.System, "We have received your complaint.", isPublic: true, at: receivedAt,
            code: PublicCodes.CaseReceived);
        journal.Record(db, c, EntryKinds.System, "Case opened", CaseJournal.System, "Your complaint is registered.", isPublic: true, at: receivedAt.AddMinutes(1),
            code: PublicCodes.CaseOpened, parameters: new Dictionary<string, string> { [PublicCodes.ResolveBy] = PublicCodes.Instant(c.ResolveBy!.Value) });
        journal.Record(db, c, EntryKinds.Note, "Internal note", "agent-7", $"Suspect duplicate charge {id:N}", at: receivedAt.AddMinutes(2));
        await db.SaveChangesAsync();
        return c;
    }

    public void Dispose() => Factory.Dispose();
}
