using System.Net;
using System.Net.Http.Headers;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Auth;
using Complaints.TestSupport;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Intake.Tests;

/// <summary>
/// The partner rows of the authorisation table: submission needs complaints.submit, import complaints.import; a partner
/// token without the scope is refused, never taken as anonymous, and the public front door stays open.
/// </summary>
public class PartnerScopeTests(IntakeFixture fixture) : IClassFixture<IntakeFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;

    private static string NewPartner() => $"crm-{Guid.NewGuid():N}"[..20];

    /// <summary>Every complaint stored under this idempotency key, whatever its source.</summary>
    private Task<List<(string Source, string? PartnerId)>> StoredWithKeyAsync(string key) => _intake.WithDb(db =>
        db.Complaints.Where(c => c.IdempotencyKey == key).Select(c => ValueTuple.Create(c.Source, c.PartnerId)).ToListAsync());

    private static ImportComplaintRequest ImportRecord(string sourceId) => new()
    {
        SourceId = sourceId,
        ReceivedAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero)),
        Outcome = "Closed with explanation",
        Complaint = ValidationTests.ValidRequest(),
    };

    private static async Task<ImportComplaintsResponse> ImportAsync(ImportService.ImportServiceClient client, ImportComplaintRequest record)
    {
        using var call = client.ImportComplaints();
        try
        {
            await call.RequestStream.WriteAsync(record);
            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // Refused before the stream was read: the status comes with the response.
        }
        return await call;
    }

    [Fact]
    public async Task SubmitComplaint_PartnerWithSubmitScope_StoredAsThePartnersOwn()
    {
        var partner = NewPartner();
        var request = ValidationTests.ValidRequest();

        var submitted = await _intake.Partner(partner, PartnerScopes.Submit).SubmitComplaintAsync(request);

        var stored = await _intake.WithDb(db => db.Complaints.SingleAsync(c => c.Reference == submitted.Reference));
        Assert.Equal(partner, stored.PartnerId);
        Assert.Equal(partner, stored.ReceivedBy);
        Assert.Equal("sub:" + partner, stored.Source);
    }

    [Theory]
    [InlineData("")]
    [InlineData("complaints.read")]
    [InlineData("complaints.import")]
    [InlineData("complaints.read complaints.import")]
    [InlineData("complaints.submitted")]
    public async Task SubmitComplaint_PartnerWithoutSubmitScope_PermissionDeniedNotAnonymous(string scopes)
    {
        var request = ValidationTests.ValidRequest();
        var partner = _intake.Partner(NewPartner(), scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        var error = await Assert.ThrowsAsync<RpcException>(() => partner.SubmitComplaintAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        // Not stored as the partner's, nor as the public's.
        Assert.Empty(await StoredWithKeyAsync(request.IdempotencyKey));
    }

    [Fact]
    public async Task SubmitComplaint_ScopeInSeveralClaims_Accepted()
    {
        var partner = NewPartner();
        var token = TestIssuer.Shared.Token(partner, [Roles.Partner],
            claims: new Dictionary<string, object> { ["scope"] = new[] { PartnerScopes.Read, PartnerScopes.Submit } });
        var client = new IntakeService.IntakeServiceClient(_intake.Channel(token));

        var submitted = await client.SubmitComplaintAsync(ValidationTests.ValidRequest());

        Assert.Equal(partner, await _intake.WithDb(db => db.Complaints.Where(c => c.Reference == submitted.Reference).Select(c => c.PartnerId).SingleAsync()));
    }

    [Fact]
    public async Task SubmitComplaint_Anonymous_StillAcceptedAsThePublic()
    {
        var request = ValidationTests.ValidRequest();

        await _intake.Public().SubmitComplaintAsync(request);

        Assert.Equal<(string, string?)>(("public", null), Assert.Single(await StoredWithKeyAsync(request.IdempotencyKey)));
    }

    [Fact]
    public async Task SubmitComplaint_StaffToken_NoScopeNeededAndNoPartner()
    {
        var request = ValidationTests.ValidRequest();
        var staff = new IntakeService.IntakeServiceClient(_intake.Channel(_intake.Token("agent-scope", Roles.Agent)));

        await staff.SubmitComplaintAsync(request);

        Assert.Equal<(string, string?)>(("sub:agent-scope", null), Assert.Single(await StoredWithKeyAsync(request.IdempotencyKey)));
    }

    [Fact]
    public async Task SubmitComplaint_TokenThatDoesNotValidate_UnauthenticatedNotAnonymous()
    {
        var request = ValidationTests.ValidRequest();
        var forged = new IntakeService.IntakeServiceClient(_intake.Channel(IntakeFactory.PartnerToken(NewPartner(), PartnerScopes.Submit)[..^4] + "AAAA"));

        var error = await Assert.ThrowsAsync<RpcException>(() => forged.SubmitComplaintAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Empty(await StoredWithKeyAsync(request.IdempotencyKey));
    }

    [Fact]
    public async Task SubmitComplaint_RestPartnerWithoutSubmitScope_403()
    {
        using var http = _intake.CreateClient();
        var key = Guid.NewGuid().ToString();
        using var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/complaints")
        {
            Content = new StringContent($$"""
                { "idempotencyKey": "{{key}}", "channel": "CHANNEL_PARTNER_API", "complainant": { "name": "Mina Park", "email": "mina@example.com" },
                  "category": "billing", "subject": "Charged twice", "description": "My card was charged twice." }
                """, System.Text.Encoding.UTF8, "application/json"),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", IntakeFactory.PartnerToken(NewPartner(), PartnerScopes.Read));

        using var response = await http.SendAsync(message);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(await StoredWithKeyAsync(key));
    }

    [Fact]
    public async Task ImportComplaints_PartnerWithImportScope_ImportedAsThePartnersOwn()
    {
        var partner = NewPartner();
        var sourceId = $"crm:{Guid.NewGuid():N}";
        var client = new ImportService.ImportServiceClient(_intake.Channel(IntakeFactory.PartnerToken(partner, PartnerScopes.Import)));

        var result = await ImportAsync(client, ImportRecord(sourceId));

        Assert.Equal(1, result.Imported);
        Assert.Equal<(string, string?)>(("import:partner:" + partner, partner), Assert.Single(await StoredWithKeyAsync(sourceId)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("complaints.submit complaints.read")]
    public async Task ImportComplaints_PartnerWithoutImportScope_PermissionDeniedAndNothingImported(string scopes)
    {
        var sourceId = $"crm:{Guid.NewGuid():N}";
        var client = new ImportService.ImportServiceClient(_intake.Channel(
            IntakeFactory.PartnerToken(NewPartner(), scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries))));

        var error = await Assert.ThrowsAsync<RpcException>(() => ImportAsync(client, ImportRecord(sourceId)));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Empty(await StoredWithKeyAsync(sourceId));
    }

    [Fact]
    public async Task ImportComplaints_Supervisor_NoScopeNeededAndNoPartner()
    {
        var sourceId = $"crm:{Guid.NewGuid():N}";
        var client = new ImportService.ImportServiceClient(_intake.Channel(_intake.Token("lead-scope", Roles.Supervisor)));

        await ImportAsync(client, ImportRecord(sourceId));

        Assert.Equal<(string, string?)>(("import:staff", null), Assert.Single(await StoredWithKeyAsync(sourceId)));
    }

    [Fact]
    public void StaffOperations_PartnerServices_EveryMethodHasARowWithAScope()
    {
        var methods = new[] { ImportService.Descriptor, PartnerComplaintService.Descriptor }
            .SelectMany(s => s.Methods.Select((MethodDescriptor m) => $"/{s.FullName}/{m.Name}"))
            .Append($"/{IntakeService.Descriptor.FullName}/SubmitComplaint")
            .Append($"/{IntakeService.Descriptor.FullName}/GetTaxonomy")
            .Order().ToList();

        var rows = StaffOperations.All.Where(o => o.PartnerScope is not null).Select(o => o.Path).Order().ToList();

        Assert.Equal(methods, rows);
    }
}
