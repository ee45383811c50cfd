using System.Text;
using System.Text.Json;
using Complaints.Common.V1;
using Complaints.Eventing;
using Complaints.Intake.Data;
using Complaints.Intake.Domain;
using Complaints.Intake.V1;
using Complaints.Notifications.V1;
using Complaints.ServiceDefaults.Auth;
using Complaints.TestSupport;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.Intake.Tests;

/// <summary>
/// The address a suggestion's submitter leaves to hear back (decision 19): kept encrypted behind an opaque id, given to
/// Notifications for one message, forgotten when that message is settled, after the retention period and on erasure;
/// listed by a subject access export.
/// </summary>
public sealed class SuggestionContactTests(IntakeFixture fixture) : IClassFixture<IntakeFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;

    private ContactService.ContactServiceClient Notifications() => new(_intake.Channel(_intake.Token("notifications", Roles.Service)));

    private DataRightsService.DataRightsServiceClient Rights() => new(_intake.Channel(_intake.Token("dpo-dana", "admin")));

    private static string NewEmail() => $"Sug.{Guid.NewGuid():N}@Example.org";

    private async Task<string> RegisterAsync(string email, string key = "", string language = "bg") =>
        (await _intake.Public().RegisterSuggestionContactAsync(new RegisterSuggestionContactRequest { Email = email, Language = language, IdempotencyKey = key })).ContactId;

    private Task<GetSuggestionContactForDeliveryResponse> ForDeliveryAsync(string contactId, string messageId = "") =>
        Notifications().GetSuggestionContactForDeliveryAsync(new GetSuggestionContactForDeliveryRequest { ContactId = contactId, MessageId = messageId }).ResponseAsync;

    private Task<SuggestionContact> RowAsync(string contactId) =>
        _intake.WithDb(db => db.SuggestionContacts.AsNoTracking().SingleAsync(c => c.Id == Guid.Parse(contactId)));

    /// <summary>Applies a NotificationDelivered of Notifications' feed as Intake's subscriber would.</summary>
    private async Task DeliveredAsync(string messageId, MessageKind kind, DeliveryStatus status)
    {
        var envelope = Envelopes.For(new NotificationDelivered
        {
            MessageId = messageId,
            ComplaintId = Guid.NewGuid().ToString(),
            Kind = kind,
            Channel = DeliveryChannel.Email,
            Status = status,
            DeliveredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        }, Sources.Notifications);
        await using var scope = _intake.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IntakeDbContext>();
        foreach (var handler in scope.ServiceProvider.GetServices<IEventHandler<IntakeDbContext>>().Where(h => h.Source == Sources.Notifications && h.EventType == envelope.Type))
        {
            await handler.HandleAsync(envelope, db, CancellationToken.None);
        }
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task RegisterSuggestionContact_ValidEmail_StoredEncryptedWithBlindIndexAndReadBackForDelivery()
    {
        var email = NewEmail();

        var contactId = await RegisterAsync(email);

        var row = await RowAsync(contactId);
        Assert.NotNull(row.EmailCipher);
        Assert.Equal(32, row.EmailIndex!.Length);
        Assert.Equal("bg", row.Language);
        Assert.DoesNotContain(email, Encoding.UTF8.GetString(_intake.RawDatabaseBytes()), StringComparison.OrdinalIgnoreCase);
        var delivery = await ForDeliveryAsync(contactId);
        Assert.Equal((email, "bg"), (delivery.Email, delivery.Language));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-an-address")]
    [InlineData("two@@example.org")]
    public async Task RegisterSuggestionContact_InvalidEmail_InvalidArgumentNamingEmail(string email)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => RegisterAsync(email));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(["email"], ValidationTests.FieldViolations(error));
    }

    [Fact]
    public async Task RegisterSuggestionContact_SameKeyAndAddress_SameContactAndOneRow()
    {
        var email = NewEmail();
        var key = Guid.NewGuid().ToString("N");

        var first = await RegisterAsync(email, key);
        var again = await RegisterAsync(email.ToUpperInvariant(), key);
        var otherAddress = await RegisterAsync(NewEmail(), key);

        Assert.Equal(first, again);
        Assert.NotEqual(first, otherAddress);
        var index = await _intake.WithDb(db => db.SuggestionContacts.AsNoTracking().Where(c => c.Id == Guid.Parse(first)).Select(c => c.EmailIndex).SingleAsync());
        Assert.Equal(1, await _intake.WithDb(db => db.SuggestionContacts.CountAsync(c => c.EmailIndex == index)));
    }

    [Fact]
    public async Task RegisterSuggestionContact_PartnerTokenWithoutScope_PermissionDenied()
    {
        var partner = new IntakeService.IntakeServiceClient(_intake.Channel(IntakeFactory.PartnerToken("crm-one")));

        var error = await Assert.ThrowsAsync<RpcException>(() => partner.RegisterSuggestionContactAsync(new RegisterSuggestionContactRequest { Email = NewEmail() }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task GetSuggestionContactForDelivery_PublicCaller_Refused()
    {
        var contactId = await RegisterAsync(NewEmail());
        var anonymous = new ContactService.ContactServiceClient(_intake.Channel());

        var error = await Assert.ThrowsAsync<RpcException>(() => anonymous.GetSuggestionContactForDeliveryAsync(new GetSuggestionContactForDeliveryRequest { ContactId = contactId }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task GetSuggestionContactForDelivery_UnknownContact_EmptyEmail()
    {
        var delivery = await ForDeliveryAsync(Guid.NewGuid().ToString("N"));

        Assert.Equal("", delivery.Email);
    }

    [Fact]
    public async Task NotificationDelivered_ItsSuggestionResponseMessage_AddressForgotten()
    {
        var contactId = await RegisterAsync(NewEmail());
        var messageId = Guid.NewGuid().ToString();
        Assert.NotEqual("", (await ForDeliveryAsync(contactId, messageId)).Email);

        await DeliveredAsync(messageId, MessageKind.SuggestionResponse, DeliveryStatus.Delivered);

        var row = await RowAsync(contactId);
        Assert.Equal((SuggestionContact.Delivered, (byte[]?)null, (byte[]?)null, 0), (row.ForgottenBecause, row.EmailCipher, row.EmailIndex, row.WrappedKey.Length));
        Assert.Equal("", (await ForDeliveryAsync(contactId, messageId)).Email);
    }

    [Theory]
    [InlineData(MessageKind.SuggestionResponse, DeliveryStatus.Failed)]
    [InlineData(MessageKind.TrackingAccess, DeliveryStatus.Delivered)]
    public async Task NotificationDelivered_DeadLetterOrAnotherKind_AddressKept(MessageKind kind, DeliveryStatus status)
    {
        var email = NewEmail();
        var contactId = await RegisterAsync(email);
        var messageId = Guid.NewGuid().ToString();
        await ForDeliveryAsync(contactId, messageId);

        await DeliveredAsync(messageId, kind, status);

        Assert.Equal(email, (await ForDeliveryAsync(contactId, messageId)).Email);
    }

    [Fact]
    public async Task ForgetStale_PastKeepFor_ForgottenAndNewerKept()
    {
        var old = await RegisterAsync(NewEmail());
        await using (var scope = _intake.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IntakeDbContext>();
            await db.SuggestionContacts.Where(c => c.Id == Guid.Parse(old)).ExecuteUpdateAsync(u => u.SetProperty(c => c.RegisteredAt, DateTimeOffset.UtcNow.AddDays(-181)));
        }
        var fresh = await RegisterAsync(NewEmail());

        await using (var scope = _intake.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<SuggestionContacts>().ForgetStaleAsync(DateTimeOffset.UtcNow, CancellationToken.None);
        }

        Assert.Equal(SuggestionContact.Retention, (await RowAsync(old)).ForgottenBecause);
        Assert.Null((await RowAsync(fresh)).ForgottenAt);
    }

    [Fact]
    public async Task ExportComplainantData_AddressOfASuggestionContactOnly_ListedWithoutAnyComplaint()
    {
        var email = NewEmail();
        await RegisterAsync(email);

        var export = await Rights().ExportComplainantDataAsync(new ExportComplainantDataRequest { Subject = new SubjectSelector { Email = email.ToLowerInvariant() }, Reason = "Art. 15 request DPO-301" });

        Assert.Equal((0, 1), (export.Complaints, export.SuggestionContacts));
        var listed = Assert.Single(JsonDocument.Parse(export.Json).RootElement.GetProperty("suggestionContacts").EnumerateArray());
        Assert.Equal(email, listed.GetProperty("email").GetString());
    }

    [Fact]
    public async Task EraseComplainant_AddressOfASuggestionContact_ForgottenAndNothingToDeliver()
    {
        var email = NewEmail();
        var contactId = await RegisterAsync(email);

        var erased = await Rights().EraseComplainantAsync(new EraseComplainantRequest { Subject = new SubjectSelector { Email = email }, Reason = "Art. 17 request DPO-302" });

        Assert.Equal(1, erased.ForgottenSuggestionContacts);
        Assert.Equal(SuggestionContact.Erased, (await RowAsync(contactId)).ForgottenBecause);
        Assert.Equal("", (await ForDeliveryAsync(contactId)).Email);
        var again = await Assert.ThrowsAsync<RpcException>(() => Rights().ExportComplainantDataAsync(
            new ExportComplainantDataRequest { Subject = new SubjectSelector { Email = email }, Reason = "Art. 15 request DPO-303" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, again.StatusCode);
    }
}
