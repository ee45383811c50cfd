using Complaints.Common.V1;
using Complaints.Intake.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Tests;

/// <summary>Intake configured with the CFPB taxonomy, as for partners importing CFPB data.</summary>
public sealed class CfpbIntakeFixture : IDisposable
{
    public IntakeFactory Factory { get; } = new(new Dictionary<string, string?> { ["Intake:Taxonomy"] = "cfpb" });

    public void Dispose() => Factory.Dispose();
}

public class ImportTests(CfpbIntakeFixture fixture) : IClassFixture<CfpbIntakeFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;

    private ImportService.ImportServiceClient Importer(string subject = "crm-importer", string role = "partner") =>
        new(_intake.Channel(role == "partner" ? IntakeFactory.PartnerToken(subject, "complaints.import") : _intake.Token(subject, role)));

    private static ImportComplaintRequest Record(string sourceId, string product = "Mortgage", string issue = "Trouble during payment process", string outcome = "Closed with explanation", bool open = false) => new()
    {
        SourceId = sourceId,
        ReceivedAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2020, 8, 7, 0, 0, 0, TimeSpan.Zero)),
        Outcome = outcome,
        Open = open,
        Complaint = new SubmitComplaintRequest
        {
            Channel = Channel.Referral,
            Category = product,
            Subcategory = issue,
            Subject = issue,
            Description = "Imported from the CFPB database without a narrative.",
            Jurisdiction = Jurisdiction.UsCfpb,
        },
    };

    private static async Task<ImportComplaintsResponse> ImportAsync(ImportService.ImportServiceClient client, params ImportComplaintRequest[] records)
    {
        using var call = client.ImportComplaints();
        try
        {
            foreach (var record in records)
            {
                await call.RequestStream.WriteAsync(record);
            }
            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The server ended the call early (e.g. refused the caller): its real status comes with the response.
        }
        return await call;
    }

    [Fact]
    public async Task ImportComplaints_ValidAndInvalidRecords_ImportsValidRejectsInvalidWithReason()
    {
        var batch = Guid.NewGuid().ToString("N")[..8];
        var bad = Record($"cfpb:{batch}-4", product: "Spaceship loan");

        var result = await ImportAsync(Importer(), Record($"cfpb:{batch}-1"), Record($"cfpb:{batch}-2"), Record($"cfpb:{batch}-3"), bad);

        Assert.Equal(3, result.Imported);
        Assert.Equal(1, result.Rejected);
        var rejection = Assert.Single(result.Rejections);
        Assert.Equal(3, rejection.Index);
        Assert.Equal(bad.SourceId, rejection.SourceId);
        Assert.Contains("category", rejection.Reason);
    }

    [Fact]
    public async Task ImportComplaints_SameRecordsAgain_CreatesNothingNew()
    {
        var batch = Guid.NewGuid().ToString("N")[..8];
        var records = Enumerable.Range(0, 5).Select(i => Record($"cfpb:{batch}-{i}")).ToArray();
        await ImportAsync(Importer(), records);

        var again = await ImportAsync(Importer(), records);

        Assert.Equal(0, again.Imported);
        Assert.Equal(5, again.Duplicates);
        Assert.Equal(5, await _intake.WithDb(db => db.Complaints.CountAsync(c => c.IdempotencyKey.StartsWith($"cfpb:{batch}-"))));
    }

    [Fact]
    public async Task ImportComplaints_SameSourceIdOtherContent_Rejected()
    {
        var sourceId = $"cfpb:{Guid.NewGuid():N}";
        await ImportAsync(Importer(), Record(sourceId));

        var changed = await ImportAsync(Importer(), Record(sourceId, outcome: "Closed with monetary relief"));

        Assert.Equal(1, changed.Rejected);
        Assert.Contains("different complaint", changed.Rejections[0].Reason);
    }

    [Fact]
    public async Task ImportComplaints_ClosedRecord_KeepsHistoryAndOutcomeOnEvent()
    {
        var sourceId = $"cfpb:{Guid.NewGuid():N}";

        await ImportAsync(Importer(), Record(sourceId, product: "Checking or savings account", issue: "Managing an account", outcome: "Closed with non-monetary relief"));

        var complaint = await _intake.WithDb(db => db.Complaints.SingleAsync(c => c.IdempotencyKey == sourceId));
        var stored = await _intake.WithDb(db => db.Events.SingleAsync(e => e.AggregateId == complaint.Id.ToString()));
        var payload = ComplaintReceived.Parser.ParseFrom(stored.Payload);
        Assert.True(payload.Imported);
        Assert.True(payload.ImportedClosed);
        Assert.Equal("Closed with non-monetary relief", payload.Outcome);
        Assert.Equal(new DateTimeOffset(2020, 8, 7, 0, 0, 0, TimeSpan.Zero), payload.ReceivedAt.ToDateTimeOffset());
        Assert.Equal("checking-or-savings-account", payload.Category);
        Assert.Equal("managing-an-account", payload.Subcategory);
        Assert.Equal(ComplainantKind.Anonymous, payload.ComplainantKind);
        Assert.False(payload.HasContact);
        Assert.Equal("import:partner:crm-importer", complaint.Source);
    }

    [Fact]
    public async Task ImportComplaints_MarkedOpen_ImportedAsLiveCase()
    {
        var sourceId = $"cfpb:{Guid.NewGuid():N}";

        await ImportAsync(Importer(), Record(sourceId, outcome: "In progress", open: true));

        var closed = await _intake.WithDb(db => db.Complaints.Where(c => c.IdempotencyKey == sourceId).Select(c => c.ImportedClosed).SingleAsync());
        Assert.False(closed);
    }

    [Fact]
    public async Task ImportComplaints_MissingDateOrFutureDate_RejectedNamingReceivedAt()
    {
        var missing = Record($"cfpb:{Guid.NewGuid():N}");
        missing.ReceivedAt = null;
        var future = Record($"cfpb:{Guid.NewGuid():N}");
        future.ReceivedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(30));

        var result = await ImportAsync(Importer(), missing, future);

        Assert.Equal(2, result.Rejected);
        Assert.All(result.Rejections, r => Assert.Contains("receivedAt", r.Reason));
    }

    [Fact]
    public async Task ImportComplaints_MalformedTimestamp_RejectedNamingReceivedAt()
    {
        var broken = Record($"cfpb:{Guid.NewGuid():N}");
        broken.ReceivedAt = new Timestamp { Seconds = 1_600_000_000, Nanos = -5 };

        var result = await ImportAsync(Importer(), broken, Record($"cfpb:{Guid.NewGuid():N}"));

        Assert.Equal(1, result.Imported);
        Assert.Contains("receivedAt", Assert.Single(result.Rejections).Reason);
    }

    [Fact]
    public async Task ImportComplaints_SameFileByAnotherAdmin_CreatesNothingNew()
    {
        var batch = Guid.NewGuid().ToString("N")[..8];
        var records = Enumerable.Range(0, 3).Select(i => Record($"cfpb:{batch}-{i}")).ToArray();
        await ImportAsync(Importer("admin-ann", "admin"), records);

        var again = await ImportAsync(Importer("admin-bob", "admin"), records);

        Assert.Equal(3, again.Duplicates);
        Assert.Equal(0, again.Imported);
    }

    [Theory]
    [InlineData(null, StatusCode.Unauthenticated)]
    [InlineData("agent", StatusCode.PermissionDenied)]
    [InlineData("analyst", StatusCode.PermissionDenied)]
    public async Task ImportComplaints_WithoutImporterRole_Refused(string? role, StatusCode expected)
    {
        var client = role is null ? new ImportService.ImportServiceClient(_intake.Channel()) : Importer("someone", role);

        var error = await Assert.ThrowsAsync<RpcException>(() => ImportAsync(client, Record($"cfpb:{Guid.NewGuid():N}")));

        Assert.Equal(expected, error.StatusCode);
    }
}
