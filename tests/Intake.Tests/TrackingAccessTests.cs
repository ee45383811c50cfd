using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Complaints.Common.V1;
using Complaints.Eventing;
using Complaints.Intake.Data;
using Complaints.Intake.Domain;
using Complaints.Intake.V1;
using Complaints.Notifications.V1;
using Complaints.ServiceDefaults.Auth;
using Complaints.TestSupport;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Complaints.Intake.Tests;

/// <summary>Intake logging everything (trace) into a capture, answering tracking access requests no sooner than 200 ms.</summary>
public sealed class TrackingAccessFixture : IDisposable
{
    public static readonly TimeSpan AnswerTime = TimeSpan.FromMilliseconds(200);

    public CapturedLogs Logs { get; } = new();

    public IntakeFactory Factory { get; }

    public TrackingAccessFixture()
    {
        Factory = new IntakeFactory(new Dictionary<string, string?>
        {
            ["Intake:TrackingAccess:MinimumAnswerTime"] = AnswerTime.ToString(),
            ["Logging:LogLevel:Default"] = "Trace",
        }, services => services.AddSingleton<ILoggerProvider>(Logs));
    }

    public void Dispose() => Factory.Dispose();
}

/// <summary>
/// A lost tracking token: a matching email or phone gets a new token (beside the old one) through an event with ids only;
/// anything else gets the same answer and nothing happens. The token is never in the event, the database or the logs.
/// </summary>
public sealed class TrackingAccessTests(TrackingAccessFixture fixture) : IClassFixture<TrackingAccessFixture>
{
    private readonly IntakeFactory _intake = fixture.Factory;

    private ContactService.ContactServiceClient Notifications() => new(_intake.Channel(_intake.Token("notifications", Roles.Service)));

    private async Task<(SubmitComplaintResponse Submitted, string Email)> SubmitAsync(string? phone = "+447700900123")
    {
        var email = $"Mina.Park+{Guid.NewGuid():N}@Example.com";
        var request = ValidationTests.ValidRequest();
        request.Complainant.Email = email;
        request.Complainant.Phone = phone ?? "";
        return (await _intake.Public().SubmitComplaintAsync(request), email);
    }

    private Task<RequestTrackingAccessResponse> RequestAsync(string reference, string email = "", string phone = "") =>
        _intake.Public().RequestTrackingAccessAsync(new RequestTrackingAccessRequest { Reference = reference, Email = email, Phone = phone }).ResponseAsync;

    private Task<List<TrackingGrant>> GrantsAsync(SubmitComplaintResponse s) =>
        _intake.WithDb(db => db.TrackingGrants.AsNoTracking().Where(g => g.ComplaintId == Guid.Parse(s.ComplaintId)).OrderBy(g => g.IssuedAt).ToListAsync());

    private Task<List<TrackingAccessGranted>> EventsAsync(SubmitComplaintResponse s) => _intake.WithDb(async db =>
        (await db.Events.AsNoTracking().Where(e => e.AggregateId == s.ComplaintId && e.Type == TrackingAccessGranted.Descriptor.FullName).OrderBy(e => e.Sequence).ToListAsync())
            .Select(e => TrackingAccessGranted.Parser.ParseFrom(e.Payload)).ToList());

    private async Task<string> TokenOfAsync(SubmitComplaintResponse s, TrackingAccessGranted granted, string? messageId = null) =>
        (await Notifications().GetTrackingAccessTokenAsync(new GetTrackingAccessTokenRequest { ComplaintId = s.ComplaintId, GrantId = granted.GrantId, MessageId = messageId ?? "" })).Token;

    private Task<TrackComplaintResponse> TrackAsync(SubmitComplaintResponse s, string token) =>
        _intake.Public().TrackComplaintAsync(new TrackComplaintRequest { Reference = s.Reference, TrackingToken = token }).ResponseAsync;

    /// <summary>Applies a NotificationDelivered of Notifications' feed as Intake's subscriber would.</summary>
    private async Task DeliveredAsync(SubmitComplaintResponse s, string messageId, DeliveryStatus status)
    {
        var envelope = Envelopes.For(new NotificationDelivered
        {
            MessageId = messageId,
            ComplaintId = s.ComplaintId,
            Kind = MessageKind.TrackingAccess,
            Channel = DeliveryChannel.Email,
            Status = status,
            DeliveredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        }, Sources.Notifications);
        await using var scope = _intake.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IntakeDbContext>();
        var handlers = scope.ServiceProvider.GetServices<IEventHandler<IntakeDbContext>>().Where(h => h.Source == Sources.Notifications && h.EventType == envelope.Type).ToList();
        Assert.NotEmpty(handlers);
        foreach (var handler in handlers)
        {
            await handler.HandleAsync(envelope, db, CancellationToken.None);
        }
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task RequestTrackingAccess_MatchingEmailInAnotherCase_OneGrantAndOneEventWithIdsOnly()
    {
        var (submitted, email) = await SubmitAsync();

        var answer = await RequestAsync(submitted.Reference.ToLowerInvariant(), email: $"  {email.ToUpperInvariant()} ");

        Assert.Equal(new RequestTrackingAccessResponse(), answer);
        var grant = Assert.Single(await GrantsAsync(submitted));
        var granted = Assert.Single(await EventsAsync(submitted));
        Assert.Equal((submitted.ComplaintId, submitted.Reference, grant.Id.ToString(), DeliveryChannel.Email),
            (granted.ComplaintId, granted.Reference, granted.GrantId, granted.Channel));
        var token = await TokenOfAsync(submitted, granted);
        // The bytes as stored on the feed, not a re-serialised copy.
        var payload = await _intake.WithDb(db => db.Events.AsNoTracking()
            .Where(e => e.AggregateId == submitted.ComplaintId && e.Type == TrackingAccessGranted.Descriptor.FullName).Select(e => e.Payload).SingleAsync());
        foreach (var secret in new[] { token, email, email.ToLowerInvariant(), "+447700900123" })
        {
            Assert.Equal(-1, payload.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)));
        }
        Assert.Equal(1, await _intake.WithDb(db => db.AccessAudit.CountAsync(a => a.ComplaintId == Guid.Parse(submitted.ComplaintId) && a.Action == "tracking-access-granted")));
    }

    [Fact]
    public async Task RequestTrackingAccess_MatchingEmail_NewTokenTracksAndTheOldOneStillDoes()
    {
        var (submitted, email) = await SubmitAsync();

        await RequestAsync(submitted.Reference, email: email);
        var token = await TokenOfAsync(submitted, Assert.Single(await EventsAsync(submitted)));

        Assert.NotEqual(submitted.TrackingToken, token);
        Assert.Equal(submitted.Reference, (await TrackAsync(submitted, token)).Reference);
        Assert.Equal(submitted.Reference, (await TrackAsync(submitted, submitted.TrackingToken)).Reference);
    }

    [Fact]
    public async Task RequestTrackingAccess_NewToken_ProvesTheComplaintForUploadsAndCorrections()
    {
        var (submitted, email) = await SubmitAsync();
        await RequestAsync(submitted.Reference, email: email);
        var token = await TokenOfAsync(submitted, Assert.Single(await EventsAsync(submitted)));

        var uploaded = await AttachmentTests.UploadAsync(new AttachmentService.AttachmentServiceClient(_intake.Channel()),
            new AttachmentHeader { Reference = submitted.Reference, TrackingToken = token, FileName = "found it.pdf" }, AttachmentBatchTests.Pdf("new-token"));
        await _intake.Public().CorrectContactDetailsAsync(new CorrectContactDetailsRequest
        {
            Reference = submitted.Reference,
            TrackingToken = token,
            Complainant = new Complainant { Name = "Mina Park", Email = email, TimeZone = "Europe/London" },
        });

        Assert.NotEmpty(uploaded.Attachment.AttachmentId);
        Assert.Equal("Europe/London", (await TrackAsync(submitted, token)).TimeZone);
    }

    [Fact]
    public async Task RequestTrackingAccess_MatchingPhoneWithSpacesOrZeroZero_GrantedBySms()
    {
        var (submitted, _) = await SubmitAsync(phone: "+447700900123");

        await RequestAsync(submitted.Reference, phone: "0044 7700 900 123");

        var granted = Assert.Single(await EventsAsync(submitted));
        Assert.Equal(DeliveryChannel.Sms, granted.Channel);
        var access = await Notifications().GetTrackingAccessTokenAsync(new GetTrackingAccessTokenRequest { ComplaintId = submitted.ComplaintId, GrantId = granted.GrantId });
        Assert.Equal((DeliveryChannel.Sms, "+447700900123"), (access.Channel, access.Address));
        Assert.Equal(submitted.Reference, (await TrackAsync(submitted, access.Token)).Reference);
    }

    [Fact]
    public async Task RequestTrackingAccess_NothingMatches_TheSameAnswerAndNothingGrantedOrSent()
    {
        var (submitted, email) = await SubmitAsync();
        var anonymous = await _intake.Public().SubmitComplaintAsync(AnonymousRequest());

        var answers = new[]
        {
            await RequestAsync(submitted.Reference, email: "someone.else@example.com"),
            await RequestAsync(submitted.Reference, phone: "+447700900999"),
            await RequestAsync("CMP-0000-0000", email: email),
            await RequestAsync(anonymous.Reference, email: email),
            await RequestAsync(submitted.Reference, email: "not an email"),
        };

        Assert.All(answers, a => Assert.Equal(new RequestTrackingAccessResponse(), a));
        Assert.Empty(await GrantsAsync(submitted));
        Assert.Empty(await EventsAsync(submitted));
        Assert.Empty(await GrantsAsync(anonymous));
        Assert.Empty(await EventsAsync(anonymous));
    }

    private static SubmitComplaintRequest AnonymousRequest()
    {
        var request = ValidationTests.ValidRequest();
        request.ComplainantKind = ComplainantKind.Anonymous;
        request.Complainant = null;
        return request;
    }

    [Fact]
    public async Task RequestTrackingAccess_MatchOrNot_NoAnswerSoonerThanTheMinimum()
    {
        var (submitted, email) = await SubmitAsync();

        var matching = Stopwatch.StartNew();
        await RequestAsync(submitted.Reference, email: email);
        matching.Stop();
        var other = Stopwatch.StartNew();
        await RequestAsync("CMP-0000-0000", email: email);
        other.Stop();

        Assert.True(matching.Elapsed >= TrackingAccessFixture.AnswerTime, $"matching: {matching.Elapsed}");
        Assert.True(other.Elapsed >= TrackingAccessFixture.AnswerTime, $"no match: {other.Elapsed}");
    }

    [Fact]
    public async Task RequestTrackingAccess_MoreThanTheDailyLimit_SameAnswerNothingMoreGrantedAndSaidInternally()
    {
        var (submitted, email) = await SubmitAsync();

        var answers = new List<RequestTrackingAccessResponse>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add(await RequestAsync(submitted.Reference, email: email));
        }

        Assert.All(answers, a => Assert.Equal(new RequestTrackingAccessResponse(), a));
        Assert.Equal(3, (await GrantsAsync(submitted)).Count);
        Assert.Equal(3, (await EventsAsync(submitted)).Count);
        Assert.Equal(2, await _intake.WithDb(db => db.AccessAudit.CountAsync(a => a.ComplaintId == Guid.Parse(submitted.ComplaintId) && a.Action == "tracking-access-limited")));
        Assert.Contains(fixture.Logs.Lines, l => l.Contains($"Tracking access for complaint {submitted.ComplaintId} not granted: it had 3 grants today already"));
    }

    [Fact]
    public async Task RequestTrackingAccess_InParallel_NeverMoreThanTheDailyLimit()
    {
        var (submitted, email) = await SubmitAsync();

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => RequestAsync(submitted.Reference, email: email)));

        Assert.Equal(3, (await GrantsAsync(submitted)).Count);
    }

    [Fact]
    public async Task RequestTrackingAccess_NoReferenceNoAddress_InvalidArgumentNamingBoth()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => RequestAsync(""));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(["reference", "email"], ValidationTests.FieldViolations(error));
    }

    [Fact]
    public async Task RequestTrackingAccess_Rest_PostWithTheEmailInTheBody()
    {
        var (submitted, email) = await SubmitAsync();
        using var http = _intake.CreateClient();

        using var response = await http.PostAsJsonAsync($"/api/v1/complaints/{submitted.Reference}/access", new { email });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{}", (await response.Content.ReadAsStringAsync()).Trim());
        Assert.Single(await GrantsAsync(submitted));
    }

    [Fact]
    public async Task RequestTrackingAccess_StaffTokenAnswered_PartnerTokenRefused()
    {
        var (submitted, email) = await SubmitAsync();
        var staff = new IntakeService.IntakeServiceClient(_intake.Channel(_intake.Token("agent-access", Roles.Agent)));

        await staff.RequestTrackingAccessAsync(new RequestTrackingAccessRequest { Reference = submitted.Reference, Email = email });
        var error = await Assert.ThrowsAsync<RpcException>(() => _intake.Partner("crm-access", PartnerScopes.All).RequestTrackingAccessAsync(
            new RequestTrackingAccessRequest { Reference = submitted.Reference, Email = email }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Single(await GrantsAsync(submitted));
    }

    [Fact]
    public async Task RequestTrackingAccess_Token_NeverStoredInClearNorLogged()
    {
        var (submitted, email) = await SubmitAsync();
        await RequestAsync(submitted.Reference, email: email);
        var granted = Assert.Single(await EventsAsync(submitted));
        var token = await TokenOfAsync(submitted, granted, Guid.NewGuid().ToString());
        await TrackAsync(submitted, token);

        Assert.Equal(-1, _intake.RawDatabaseBytes().AsSpan().IndexOf(Encoding.ASCII.GetBytes(token)));
        Assert.DoesNotContain(fixture.Logs.Lines, l => l.Contains(token, StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.Logs.Lines, l => l.Contains(email, StringComparison.OrdinalIgnoreCase));
        Assert.Contains(fixture.Logs.Lines, l => l.Contains($"Tracking access granted for complaint {submitted.ComplaintId} by Email"));
    }

    [Fact]
    public async Task GetTrackingAccessToken_MessageDelivered_TokenDiscardedButStillTracks()
    {
        var (submitted, email) = await SubmitAsync();
        await RequestAsync(submitted.Reference, email: email);
        var granted = Assert.Single(await EventsAsync(submitted));
        var messageId = Guid.NewGuid().ToString();
        var token = await TokenOfAsync(submitted, granted, messageId);

        await DeliveredAsync(submitted, messageId, DeliveryStatus.Delivered);

        var grant = Assert.Single(await GrantsAsync(submitted));
        Assert.Null(grant.TokenCipher);
        Assert.NotNull(grant.TokenDiscardedAt);
        Assert.Equal("", await TokenOfAsync(submitted, granted));
        Assert.Equal(submitted.Reference, (await TrackAsync(submitted, token)).Reference);
    }

    [Fact]
    public async Task GetTrackingAccessToken_MessageDeadLettered_TokenKeptForAReplay()
    {
        var (submitted, email) = await SubmitAsync();
        await RequestAsync(submitted.Reference, email: email);
        var granted = Assert.Single(await EventsAsync(submitted));
        var messageId = Guid.NewGuid().ToString();
        var token = await TokenOfAsync(submitted, granted, messageId);

        await DeliveredAsync(submitted, messageId, DeliveryStatus.Failed);

        Assert.Equal(token, await TokenOfAsync(submitted, granted, messageId));
    }

    [Fact]
    public async Task GetTrackingAccessToken_AddressChangedSinceTheRequest_NothingToSend()
    {
        var (submitted, email) = await SubmitAsync();
        await RequestAsync(submitted.Reference, email: email);
        var granted = Assert.Single(await EventsAsync(submitted));

        await _intake.Public().CorrectContactDetailsAsync(new CorrectContactDetailsRequest
        {
            Reference = submitted.Reference,
            TrackingToken = submitted.TrackingToken,
            Complainant = new Complainant { Name = "Mina Park", Email = "new.address@example.com" },
        });

        Assert.Equal("", await TokenOfAsync(submitted, granted));
        var grant = Assert.Single(await GrantsAsync(submitted));
        Assert.Null(grant.TokenCipher);
        Assert.NotNull(grant.TokenDiscardedAt);
    }

    [Fact]
    public async Task GetTrackingAccessToken_KeptLongerThanKeepTokenFor_Discarded()
    {
        var (submitted, email) = await SubmitAsync();
        await RequestAsync(submitted.Reference, email: email);
        var granted = Assert.Single(await EventsAsync(submitted));

        await using (var scope = _intake.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<TrackingAccess>().DiscardStaleTokensAsync(DateTimeOffset.UtcNow.AddDays(8), CancellationToken.None);
        }

        Assert.Equal("", await TokenOfAsync(submitted, granted));
    }

    [Fact]
    public async Task GetTrackingAccessToken_ComplainantErased_NothingToSend()
    {
        var (submitted, email) = await SubmitAsync();
        await RequestAsync(submitted.Reference, email: email);
        var granted = Assert.Single(await EventsAsync(submitted));

        await new DataRightsService.DataRightsServiceClient(_intake.Channel(_intake.Token("dpo", Roles.Admin)))
            .EraseComplainantAsync(new EraseComplainantRequest { Subject = new SubjectSelector { Reference = submitted.Reference }, Reason = "Art. 17" });

        Assert.Equal("", await TokenOfAsync(submitted, granted));
        var grant = Assert.Single(await GrantsAsync(submitted));
        Assert.Null(grant.TokenCipher);
        Assert.Null(grant.AddressIndex);
    }

    [Fact]
    public async Task GetTrackingAccessToken_AnotherServicesToken_PermissionDenied()
    {
        var (submitted, email) = await SubmitAsync();
        await RequestAsync(submitted.Reference, email: email);
        var granted = Assert.Single(await EventsAsync(submitted));
        var routing = new ContactService.ContactServiceClient(_intake.Channel(_intake.Token("routing", Roles.Service)));

        var error = await Assert.ThrowsAsync<RpcException>(() => routing.GetTrackingAccessTokenAsync(
            new GetTrackingAccessTokenRequest { ComplaintId = submitted.ComplaintId, GrantId = granted.GrantId }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }
}
