using Complaints.Common.V1;
using Complaints.Intake.Domain;
using Complaints.Intake.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.Intake.Tests;

public class RetentionTests(CfpbIntakeFixture fixture) : IClassFixture<CfpbIntakeFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;

    private async Task<string> ImportClosedAsync()
    {
        var sourceId = $"cfpb:{Guid.NewGuid():N}";
        using var call = new ImportService.ImportServiceClient(_intake.Channel(_intake.Token("importer", "admin"))).ImportComplaints();
        await call.RequestStream.WriteAsync(new ImportComplaintRequest
        {
            SourceId = sourceId,
            ReceivedAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2014, 1, 2, 0, 0, 0, TimeSpan.Zero)),
            Outcome = "Closed with explanation",
            Complaint = new SubmitComplaintRequest
            {
                Channel = Channel.Web,
                Category = "Mortgage",
                Subject = "Escrow",
                Description = "Historical narrative.",
                Jurisdiction = Jurisdiction.UsCfpb,
            },
        });
        await call.RequestStream.CompleteAsync();
        Assert.Equal(1, (await call).Imported);
        return await _intake.WithDb(db => db.Complaints.Where(c => c.IdempotencyKey == sourceId).Select(c => c.Reference).SingleAsync());
    }

    private async Task<IReadOnlyList<string>> PurgeAtAsync(DateTimeOffset now)
    {
        await using var scope = _intake.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RetentionPurge>().PurgeDueAsync(now, CancellationToken.None);
    }

    [Fact]
    public async Task PurgeDueAsync_ClosedPastSixYears_ShreddedAndAudited()
    {
        var reference = await ImportClosedAsync();

        var purged = await PurgeAtAsync(DateTimeOffset.UtcNow.AddDays(365.25 * 6 + 1));

        Assert.Contains(reference, purged);
        var stored = await _intake.WithDb(db => db.Complaints.SingleAsync(c => c.Reference == reference));
        Assert.Empty(stored.WrappedKey);
        Assert.NotNull(stored.ErasedAt);
        Assert.True(await _intake.WithDb(db => db.AccessAudit.AnyAsync(a => a.ComplaintId == stored.Id && a.Action == "retention-purge" && a.Actor == "retention")));
    }

    [Fact]
    public async Task PurgeDueAsync_WithinPeriod_KeepsComplaint()
    {
        var reference = await ImportClosedAsync();

        var purged = await PurgeAtAsync(DateTimeOffset.UtcNow.AddDays(365.25 * 5));

        Assert.DoesNotContain(reference, purged);
        Assert.NotEmpty(await _intake.WithDb(db => db.Complaints.Where(c => c.Reference == reference).Select(c => c.WrappedKey).SingleAsync()));
    }

    [Fact]
    public async Task PurgeDueAsync_UnderLegalHold_KeepsComplaint()
    {
        var reference = await ImportClosedAsync();
        await new DataRightsService.DataRightsServiceClient(_intake.Channel(_intake.Token("sue", "supervisor")))
            .SetLegalHoldAsync(new SetLegalHoldRequest { Reference = reference, Hold = true, Reason = "regulator investigation" });

        var purged = await PurgeAtAsync(DateTimeOffset.UtcNow.AddDays(365.25 * 7));

        Assert.DoesNotContain(reference, purged);
        Assert.NotEmpty(await _intake.WithDb(db => db.Complaints.Where(c => c.Reference == reference).Select(c => c.WrappedKey).SingleAsync()));
    }

    [Fact]
    public void Start_RetentionBelowThreeYears_Refused()
    {
        using var factory = new IntakeFactory(new Dictionary<string, string?> { ["Intake:RetentionPeriod"] = "730.00:00:00" });

        var error = Assert.ThrowsAny<Exception>(() => factory.Server);

        Assert.Contains("at least 3 years", error.ToString());
    }
}
