using Complaints.Common.V1;
using Complaints.Intake.V1;
using Complaints.Notifications.Domain;
using Complaints.Notifications.V1;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Auth;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.Notifications.Tests;

/// <summary>
/// The public PreferenceService the web portal's preferences page calls: anonymous, the token of a message's link the
/// only credential; over gRPC against the running service, its real SQLite database and delivery worker.
/// </summary>
public sealed class PreferenceServiceTests(DeliveryFixture fixture) : IClassFixture<DeliveryFixture>
{
    private static readonly DateTimeOffset ReceivedAt = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    private PreferenceService.PreferenceServiceClient Client(string? bearer = null) => new(fixture.Notifications.Channel(bearer));

    private string Token(Guid complaintId) => fixture.Notifications.Services.GetRequiredService<LinkTokens>().For(complaintId);

    /// <summary>A complaint whose acknowledgement was delivered in <paramref name="language"/>.</summary>
    private async Task<(Guid Id, string Reference)> AcknowledgedAsync(string language)
    {
        var id = Guid.NewGuid();
        var reference = Envelopes.NewReference();
        fixture.Intake.Book.Add(id, new GetContactForDeliveryResponse
        {
            Reference = reference,
            HasContact = true,
            Name = "Alex Doe",
            Email = $"c-{id:N}@example.com",
            Phone = "+359888777666",
            PreferredLanguage = language,
        });
        var ack = Assert.Single(await fixture.ApplyAsync(Events.Opened(id, reference, language, ReceivedAt)));
        Assert.Equal((int)DeliveryStatus.Delivered, (await fixture.SettledAsync(ack.Id)).Status);
        return (id, reference);
    }

    [Fact]
    public async Task GetPreferences_AnonymousWithLinkToken_ReferenceLanguageAndDefaults()
    {
        var (id, reference) = await AcknowledgedAsync("ko");

        var response = await Client().GetPreferencesAsync(new GetPreferencesRequest { Token = Token(id) });

        var p = response.Preferences;
        Assert.Equal(reference, p.Reference);
        Assert.Equal("ko", p.Language);
        Assert.Equal((true, false, false, false), (p.Email, p.Sms, p.Push, p.Unsubscribed));
        var complainantKinds = TemplateKinds.All.Where(k => k.Audience == Audience.Complainant && !k.OnRequest).ToList();
        Assert.Equal(complainantKinds.Select(k => k.Kind), p.Kinds.Select(k => k.Kind));
        Assert.All(p.Kinds, k => Assert.True(k.On));
        Assert.Equal(
            [MessageKind.Acknowledgement, MessageKind.InformationRequest, MessageKind.HoldingReply, MessageKind.FinalResponse],
            p.Kinds.Where(k => k.Required).Select(k => k.Kind));
    }

    [Fact]
    public async Task Unsubscribe_Anonymous_OnlyOwedMessagesStaySentAndTheNextUpdateIsSuppressed()
    {
        var (id, reference) = await AcknowledgedAsync("bg");

        var response = await Client().UnsubscribeAsync(new UnsubscribeRequest { Token = Token(id) });
        var closed = Assert.Single(await fixture.ApplyAsync(new CaseClosed { ComplaintId = id.ToString(), Reference = reference, ClosedAt = Events.Stamp(ReceivedAt) }));

        Assert.True(response.Preferences.Unsubscribed);
        Assert.Equal("bg", response.Preferences.Language);
        Assert.All(response.Preferences.Kinds, k => Assert.Equal(k.Required, k.On));
        Assert.DoesNotContain(response.Preferences.Kinds, k => k.Kind == MessageKind.TrackingAccess);
        Assert.Equal((int)DeliveryStatus.Suppressed, (await fixture.SettledAsync(closed.Id)).Status);
        Assert.True((await Client().GetPreferencesAsync(new GetPreferencesRequest { Token = Token(id) })).Preferences.Unsubscribed);
    }

    [Fact]
    public async Task SetPreferences_FieldsLeftOut_KeepTheirValues()
    {
        var (id, _) = await AcknowledgedAsync("en");

        var first = await Client().SetPreferencesAsync(new SetPreferencesRequest { Token = Token(id), Sms = true });
        var second = await Client().SetPreferencesAsync(new SetPreferencesRequest { Token = Token(id), Email = false });
        var back = await Client().SetPreferencesAsync(new SetPreferencesRequest { Token = Token(id), Unsubscribed = true });
        var again = await Client().SetPreferencesAsync(new SetPreferencesRequest { Token = Token(id), Unsubscribed = false });

        Assert.Equal((true, true, false), (first.Preferences.Email, first.Preferences.Sms, first.Preferences.Unsubscribed));
        Assert.Equal((false, true, false), (second.Preferences.Email, second.Preferences.Sms, second.Preferences.Unsubscribed));
        Assert.True(back.Preferences.Unsubscribed);
        Assert.Equal((false, true, false), (again.Preferences.Email, again.Preferences.Sms, again.Preferences.Unsubscribed));
        Assert.All(again.Preferences.Kinds, k => Assert.True(k.On));
    }

    [Fact]
    public async Task SetPreferences_EveryChannelOff_OnlyOwedKindsOn()
    {
        var (id, _) = await AcknowledgedAsync("en");

        var response = await Client().SetPreferencesAsync(new SetPreferencesRequest { Token = Token(id), Email = false, Sms = false, Push = false });

        Assert.False(response.Preferences.Unsubscribed);
        Assert.All(response.Preferences.Kinds, k => Assert.Equal(k.Required, k.On));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task GetPreferences_BadToken_InvalidArgumentNamingToken(string token)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client().GetPreferencesAsync(new GetPreferencesRequest { Token = token }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("token", Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
    }

    [Fact]
    public async Task SetPreferences_ValidTokenOfUnknownComplaint_NotFoundAndNothingStored()
    {
        var unknown = Guid.NewGuid();

        var error = await Assert.ThrowsAsync<RpcException>(() => Client().SetPreferencesAsync(new SetPreferencesRequest { Token = Token(unknown), Sms = true }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.False(await fixture.WithDb(db => Task.FromResult(db.Preferences.Any(p => p.ComplaintId == unknown))));
    }

    [Fact]
    public async Task GetPreferences_Callers_AnyoneButAPartnerOrAnInvalidToken()
    {
        var (id, _) = await AcknowledgedAsync("en");
        var request = new GetPreferencesRequest { Token = Token(id) };

        // The portal may call with its own token or none; a staff token is a valid token too.
        await Client(fixture.Notifications.Token("web", Roles.Service)).GetPreferencesAsync(request);
        await Client(fixture.Notifications.Token("agent-1", Roles.Agent)).GetPreferencesAsync(request);
        var partner = await Assert.ThrowsAsync<RpcException>(() => Client(fixture.Notifications.Token("partner-a", Roles.Partner)).GetPreferencesAsync(request).ResponseAsync);
        var forged = await Assert.ThrowsAsync<RpcException>(() => Client("not.a.jwt").GetPreferencesAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, partner.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, forged.StatusCode);
        Assert.All([StaffOperations.GetPreferences, StaffOperations.Unsubscribe, StaffOperations.SetPreferences], o => Assert.True(o.Public));
        Assert.Equal(
            PreferenceService.Descriptor.Methods.Select(m => $"/{PreferenceService.Descriptor.FullName}/{m.Name}").Order(),
            StaffOperations.All.Where(o => o.Service == PreferenceService.Descriptor.FullName).Select(o => o.Path).Order());
    }
}
