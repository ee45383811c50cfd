using System.Text.Json;
using Complaints.Intake.V1;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.Intake.Tests;

public class DataRightsTests(IntakeFixture fixture) : IClassFixture<IntakeFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;

    private DataRightsService.DataRightsServiceClient Rights(string role = "admin") =>
        new(_intake.Channel(_intake.Token("dpo-dana", role)));

    private async Task<(SubmitComplaintResponse Submitted, string Marker)> SubmitAsync(string email)
    {
        var marker = "dr" + Guid.NewGuid().ToString("N")[..10];
        var request = ValidationTests.ValidRequest();
        request.Complainant.Email = email;
        request.Complainant.Name = $"Name {marker}";
        request.Description = $"My words {marker} about the double charge.";
        return (await _intake.Public().SubmitComplaintAsync(request), marker);
    }

    private static string NewEmail() => $"d{Guid.NewGuid():N}@example.com";

    [Fact]
    public async Task EraseComplainant_ByEmail_PersonAndWordsGoneRecordStays()
    {
        var email = NewEmail();
        var (first, _) = await SubmitAsync(email);
        var (second, marker2) = await SubmitAsync(email);

        var erased = await Rights().EraseComplainantAsync(new EraseComplainantRequest { Subject = new SubjectSelector { Email = email }, Reason = "Art. 17 request DPO-118" });

        Assert.Equal(new[] { first.Reference, second.Reference }.Order(), erased.ErasedReferences.Order());
        // The record survives (tracking still answers), the person and their words do not.
        var view = await _intake.Public().TrackComplaintAsync(new TrackComplaintRequest { Reference = first.Reference, TrackingToken = first.TrackingToken });
        Assert.Equal(first.Reference, view.Reference);
        Assert.Empty(view.Subject);
        var stored = await _intake.WithDb(db => db.Complaints.SingleAsync(c => c.Reference == first.Reference));
        // The data key is gone, so nothing left anywhere (backups included) can be decrypted.
        Assert.Empty(stored.WrappedKey);
        Assert.Empty(stored.DescriptionCipher);
        Assert.Null(stored.NameCipher);
        Assert.Null(stored.EmailCipher);
        Assert.Null(stored.EmailIndex);
        Assert.NotNull(stored.ErasedAt);
        // The non-personal record stays for statistics and regulator returns.
        Assert.Equal("billing", stored.Category);
        Assert.Equal(first.ReceivedAt.ToDateTimeOffset(), stored.ReceivedAt);
        var export = await Rights().ExportComplainantDataAsync(new ExportComplainantDataRequest { Subject = new SubjectSelector { Reference = second.Reference }, Reason = "check" });
        Assert.DoesNotContain(marker2, export.Json);
        Assert.DoesNotContain(email, export.Json);
        var search = await new StaffIntakeService.StaffIntakeServiceClient(_intake.Channel(_intake.Token("amy", "agent")))
            .SearchComplaintsAsync(new SearchComplaintsRequest { Email = email });
        Assert.Empty(search.Complaints);
    }

    [Fact]
    public async Task EraseComplainant_EmitsEventPerComplaintAndAudits()
    {
        var (submitted, _) = await SubmitAsync(NewEmail());

        await Rights().EraseComplainantAsync(new EraseComplainantRequest { Subject = new SubjectSelector { Reference = submitted.Reference }, Reason = "Art. 17 request DPO-119" });

        var events = await _intake.WithDb(db => db.Events.Where(e => e.AggregateId == submitted.ComplaintId).Select(e => e.Type).ToListAsync());
        Assert.Equal([ComplaintReceived.Descriptor.FullName, ComplainantErased.Descriptor.FullName], events);
        var audit = await _intake.WithDb(db => db.AccessAudit.SingleAsync(a => a.ComplaintId == Guid.Parse(submitted.ComplaintId) && a.Action == "erase"));
        Assert.Equal("dpo-dana", audit.Actor);
        Assert.Equal("Art. 17 request DPO-119", audit.Purpose);
    }

    [Fact]
    public async Task EraseComplainant_UnderLegalHold_RefusedSayingWhyAndNothingErased()
    {
        var email = NewEmail();
        var (held, _) = await SubmitAsync(email);
        var (free, _) = await SubmitAsync(email);
        await Rights("supervisor").SetLegalHoldAsync(new SetLegalHoldRequest { Reference = held.Reference, Hold = true, Reason = "litigation 2026/441" });

        var error = await Assert.ThrowsAsync<RpcException>(() => Rights().EraseComplainantAsync(
            new EraseComplainantRequest { Subject = new SubjectSelector { Email = email }, Reason = "Art. 17" }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains(held.Reference, error.Status.Detail);
        Assert.Contains("litigation 2026/441", error.Status.Detail);
        Assert.NotEmpty(await _intake.WithDb(db => db.Complaints.Where(c => c.Reference == free.Reference).Select(c => c.WrappedKey).SingleAsync()));

        await Rights().SetLegalHoldAsync(new SetLegalHoldRequest { Reference = held.Reference, Hold = false });
        var erased = await Rights().EraseComplainantAsync(new EraseComplainantRequest { Subject = new SubjectSelector { Email = email }, Reason = "Art. 17" });
        Assert.Equal(2, erased.ErasedReferences.Count);
    }

    [Fact]
    public async Task ExportComplainantData_ByEmail_EverythingHeldAsJson()
    {
        var email = NewEmail();
        var (submitted, marker) = await SubmitAsync(email);

        var export = await Rights().ExportComplainantDataAsync(new ExportComplainantDataRequest { Subject = new SubjectSelector { Email = email }, Reason = "Art. 15 request" });

        Assert.Equal(1, export.Complaints);
        var complaint = JsonDocument.Parse(export.Json).RootElement.GetProperty("complaints")[0];
        Assert.Equal(submitted.Reference, complaint.GetProperty("reference").GetString());
        Assert.Equal(email, complaint.GetProperty("email").GetString());
        Assert.Equal($"Name {marker}", complaint.GetProperty("name").GetString());
        Assert.Contains(marker, complaint.GetProperty("description").GetString());
        Assert.True(await _intake.WithDb(db => db.AccessAudit.AnyAsync(a => a.ComplaintId == Guid.Parse(submitted.ComplaintId) && a.Action == "export")));
    }

    [Fact]
    public async Task EraseComplainant_WithoutReason_InvalidArgument()
    {
        var (submitted, _) = await SubmitAsync(NewEmail());

        var error = await Assert.ThrowsAsync<RpcException>(() => Rights().EraseComplainantAsync(
            new EraseComplainantRequest { Subject = new SubjectSelector { Reference = submitted.Reference } }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("reason", error.Status.Detail);
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("supervisor")]
    [InlineData("analyst")]
    public async Task EraseComplainant_NotAdmin_PermissionDenied(string role)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Rights(role).EraseComplainantAsync(
            new EraseComplainantRequest { Subject = new SubjectSelector { Email = NewEmail() }, Reason = "Art. 17" }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task SetLegalHold_Agent_PermissionDenied()
    {
        var (submitted, _) = await SubmitAsync(NewEmail());

        var error = await Assert.ThrowsAsync<RpcException>(() => Rights("agent").SetLegalHoldAsync(
            new SetLegalHoldRequest { Reference = submitted.Reference, Hold = true, Reason = "why" }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }
}

public class DataRightsLinkingTests(IntakeFixture fixture) : IClassFixture<IntakeFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;

    [Fact]
    public async Task SaveChanges_ErasureRacingALegalHold_ConcurrencyConflictNotSilentErasure()
    {
        var submitted = await _intake.Public().SubmitComplaintAsync(ValidationTests.ValidRequest());
        await using var erasing = _intake.Services.CreateAsyncScope();
        var eraseDb = erasing.ServiceProvider.GetRequiredService<Complaints.Intake.Data.IntakeDbContext>();
        var loaded = await eraseDb.Complaints.SingleAsync(c => c.Reference == submitted.Reference);

        // Meanwhile a supervisor places a hold.
        await new DataRightsService.DataRightsServiceClient(_intake.Channel(_intake.Token("sue", "supervisor")))
            .SetLegalHoldAsync(new SetLegalHoldRequest { Reference = submitted.Reference, Hold = true, Reason = "litigation" });
        loaded.WrappedKey = [];
        loaded.ErasedAt = DateTimeOffset.UtcNow;

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => eraseDb.SaveChangesAsync());
        Assert.NotEmpty(await _intake.WithDb(db => db.Complaints.Where(c => c.Reference == submitted.Reference).Select(c => c.WrappedKey).SingleAsync()));
    }

    [Fact]
    public async Task EraseComplainant_ByEmailAndPhone_AlsoPhoneOnlyComplaintsButNotByEmailAlone()
    {
        var email = $"l{Guid.NewGuid():N}@example.com";
        var phone = "+4477009" + Random.Shared.Next(10000, 99999);
        var both = ValidationTests.ValidRequest();
        both.Complainant.Email = email;
        both.Complainant.Phone = phone;
        var phoneOnly = ValidationTests.ValidRequest();
        phoneOnly.Channel = Complaints.Common.V1.Channel.Phone;
        phoneOnly.Complainant.Email = "";
        phoneOnly.Complainant.Phone = phone;
        var first = await _intake.Public().SubmitComplaintAsync(both);
        var second = await _intake.Public().SubmitComplaintAsync(phoneOnly);

        var rights = new DataRightsService.DataRightsServiceClient(_intake.Channel(_intake.Token("dpo", "admin")));

        // Irreversible, so never widened by inference (a phone can be shared by a household): the DPO
        // names every identifier of the request, and the complaints matching any of them are erased.
        var byEmail = await rights.EraseComplainantAsync(new EraseComplainantRequest { Subject = new SubjectSelector { Email = email }, Reason = "Art. 17" });
        var byPhone = await rights.EraseComplainantAsync(new EraseComplainantRequest { Subject = new SubjectSelector { Email = email, Phone = phone }, Reason = "Art. 17" });

        Assert.Equal([first.Reference], byEmail.ErasedReferences);
        Assert.Equal([second.Reference], byPhone.ErasedReferences);
    }
}
