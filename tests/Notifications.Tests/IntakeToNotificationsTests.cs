extern alias intake;

using Complaints.Common.V1;
using Complaints.Intake.V1;
using Complaints.Notifications.Data;
using Grpc.Net.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MimeKit;
using IntakeDb = intake::Complaints.Intake.Data.IntakeDbContext;

namespace Complaints.Notifications.Tests;

/// <summary>
/// The real Intake and the real Notifications, each on Kestrel (loopback, h2c) and each logging everything into a capture:
/// Notifications reads Intake's feed and calls its ContactService, Intake reads Notifications' feed, over the sockets, as
/// in a deployment. Email goes to Notifications' file sink.
/// </summary>
public sealed class IntakeAndNotificationsFixture : IAsyncLifetime
{
    public CapturedLogs IntakeLogs { get; } = new();

    public CapturedLogs NotificationsLogs { get; } = new();

    public ServiceOnKestrel<intake::Program> Intake { get; private set; } = null!;

    public ServiceOnKestrel<Program> Notifications { get; private set; } = null!;

    public string MailFolder => Path.Combine(Notifications.Data.Path, "mail");

    public Task InitializeAsync()
    {
        // Each needs the other's address: Notifications' is chosen first, and it starts second.
        var notifications = $"http://127.0.0.1:{TestKeys.FreePort()}";
        Intake = new ServiceOnKestrel<intake::Program>(new Dictionary<string, string?>
        {
            ["Services:Notifications"] = notifications,
            ["Intake:TrackingAccess:MinimumAnswerTime"] = "00:00:00.050",
            ["Logging:LogLevel:Default"] = "Trace",
        }, services => services.AddSingleton<ILoggerProvider>(IntakeLogs));
        Notifications = new ServiceOnKestrel<Program>(notifications, new Dictionary<string, string?>
        {
            ["Services:Intake"] = Intake.GrpcAddress,
            ["Notifications:PublicBaseUrl"] = "https://complaints.example.org",
            ["Logging:LogLevel:Default"] = "Trace",
        }, services => services.AddSingleton<ILoggerProvider>(NotificationsLogs));
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Notifications.Dispose();
        Intake.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>A lost tracking token, end to end: Intake grants, its feed tells Notifications, which fetches the token and sends it.</summary>
public sealed class IntakeToNotificationsTests(IntakeAndNotificationsFixture fixture) : IClassFixture<IntakeAndNotificationsFixture>
{
    private IntakeService.IntakeServiceClient Public() => new(GrpcChannel.ForAddress(fixture.Intake.GrpcAddress));

    private async Task<(SubmitComplaintResponse Submitted, string Email, string Phone)> SubmitAsync(string language = "en")
    {
        var email = $"Mina.{Guid.NewGuid():N}@Example.com";
        var phone = "+4477009" + Random.Shared.Next(10_000, 99_999);
        var submitted = await Public().SubmitComplaintAsync(new SubmitComplaintRequest
        {
            IdempotencyKey = Guid.NewGuid().ToString(),
            Channel = Channel.Web,
            Complainant = new Complainant { Name = "Mina Park", Email = email, Phone = phone, PreferredLanguage = language },
            Category = "billing",
            Subject = "Charged twice",
            Description = "My card was charged twice for one order.",
        });
        return (submitted, email, phone);
    }

    private Task<List<Message>> AccessMessagesAsync(string complaintId) => WithNotificationsDb(db =>
        db.Messages.AsNoTracking().Where(m => m.ComplaintId == Guid.Parse(complaintId) && m.Kind == (int)MessageKind.TrackingAccess).ToListAsync());

    /// <summary>Waits until the complaint has a settled tracking access message, and returns all it has.</summary>
    private Task<List<Message>> SettledAccessMessagesAsync(string complaintId) => Eventually.Get(
        () => AccessMessagesAsync(complaintId),
        messages => messages.Count > 0 && messages.All(m => m.Status != (int)DeliveryStatus.Pending),
        $"a settled tracking access message for complaint {complaintId}");

    private async Task<T> WithNotificationsDb<T>(Func<NotificationsDbContext, Task<T>> query)
    {
        await using var scope = fixture.Notifications.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<NotificationsDbContext>());
    }

    private async Task<List<byte[]>> IntakeEventPayloadsAsync(string complaintId)
    {
        await using var scope = fixture.Intake.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IntakeDb>();
        return await db.Events.AsNoTracking().Where(e => e.AggregateId == complaintId).Select(e => e.Payload).ToListAsync();
    }

    private static string TokenIn(string? text)
    {
        var lines = (text ?? "").ReplaceLineEndings("\n").Split('\n');
        var at = Array.FindIndex(lines, l => l.Contains("Here it is:", StringComparison.Ordinal));
        return lines.Skip(at + 1).First(l => l.Trim().Length > 0).Trim();
    }

    [Fact]
    public async Task RequestTrackingAccess_MatchingEmail_ExactlyOneMessageWhoseTokenTracksAndTheOldTokenStillTracks()
    {
        var (submitted, email, phone) = await SubmitAsync();

        var answer = await Public().RequestTrackingAccessAsync(new RequestTrackingAccessRequest { Reference = submitted.Reference, Email = email.ToUpperInvariant() });

        Assert.Equal(new RequestTrackingAccessResponse(), answer);
        var message = Assert.Single(await SettledAccessMessagesAsync(submitted.ComplaintId));
        Assert.Equal((DeliveryChannel.Email, DeliveryStatus.Delivered), ((DeliveryChannel)message.Channel, (DeliveryStatus)message.Status));
        using var mail = await MimeMessage.LoadAsync(Path.Combine(fixture.MailFolder, $"{message.Id:N}.eml"));
        Assert.Equal(email, Assert.Single(mail.To.Mailboxes).Address);
        Assert.Contains($"https://complaints.example.org/follow?reference={submitted.Reference} ", mail.TextBody);
        var token = TokenIn(mail.TextBody);
        Assert.NotEqual(submitted.TrackingToken, token);

        var withNew = await Public().TrackComplaintAsync(new TrackComplaintRequest { Reference = submitted.Reference, TrackingToken = token });
        var withOld = await Public().TrackComplaintAsync(new TrackComplaintRequest { Reference = submitted.Reference, TrackingToken = submitted.TrackingToken });

        Assert.Equal(submitted.Reference, withNew.Reference);
        Assert.Equal(submitted.Reference, withOld.Reference);
        // The token is in the email only: not in Intake's events, nor either service's logs, nor Notifications' rows.
        Assert.All(await IntakeEventPayloadsAsync(submitted.ComplaintId), p => Assert.Equal(-1, p.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(token))));
        Assert.DoesNotContain(fixture.IntakeLogs.Lines, l => l.Contains(token, StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.NotificationsLogs.Lines, l => l.Contains(token, StringComparison.Ordinal));
        Assert.DoesNotContain(token, message.Subject);
        Assert.DoesNotContain(token, message.TemplateData);
        Assert.DoesNotContain(fixture.IntakeLogs.Lines, l => l.Contains(email, StringComparison.OrdinalIgnoreCase) || l.Contains(phone));
        // The captures did capture (Notifications' too: see the SMS test): Intake logged the grant, by ids.
        Assert.Contains(fixture.IntakeLogs.Lines, l => l.Contains($"Tracking access granted for complaint {submitted.ComplaintId} by Email"));
    }

    [Fact]
    public async Task RequestTrackingAccess_MatchingPhone_OneSmsAndTheNumberNowhereInTheLogs()
    {
        var (submitted, _, phone) = await SubmitAsync("bg");

        await Public().RequestTrackingAccessAsync(new RequestTrackingAccessRequest { Reference = submitted.Reference, Phone = phone[..6] + " " + phone[6..] });

        var message = Assert.Single(await SettledAccessMessagesAsync(submitted.ComplaintId));
        Assert.Equal((DeliveryChannel.Sms, DeliveryStatus.Delivered, "bg"), ((DeliveryChannel)message.Channel, (DeliveryStatus)message.Status, message.RenderedLanguage));
        Assert.Contains(fixture.NotificationsLogs.Lines, l => l.Contains($"Sms message {message.Id} handed to the logging sink"));
        Assert.DoesNotContain(fixture.NotificationsLogs.Lines, l => l.Contains(phone));
        Assert.DoesNotContain(fixture.IntakeLogs.Lines, l => l.Contains(phone));
    }

    [Fact]
    public async Task RequestTrackingAccess_AddressNotOnFile_SameAnswerAndNothingSent()
    {
        var (submitted, email, _) = await SubmitAsync();
        var (sentinel, sentinelEmail, _) = await SubmitAsync();

        var answers = new[]
        {
            await Public().RequestTrackingAccessAsync(new RequestTrackingAccessRequest { Reference = submitted.Reference, Email = "someone.else@example.com" }),
            await Public().RequestTrackingAccessAsync(new RequestTrackingAccessRequest { Reference = submitted.Reference, Phone = "+447700900000" }),
            await Public().RequestTrackingAccessAsync(new RequestTrackingAccessRequest { Reference = sentinel.Reference, Email = email }),
        };
        // Intake's feed is in order: once a later grant's message is settled, anything the requests above caused would be too.
        await Public().RequestTrackingAccessAsync(new RequestTrackingAccessRequest { Reference = sentinel.Reference, Email = sentinelEmail });
        await SettledAccessMessagesAsync(sentinel.ComplaintId);

        Assert.All(answers, a => Assert.Equal(new RequestTrackingAccessResponse(), a));
        Assert.Empty(await AccessMessagesAsync(submitted.ComplaintId));
        Assert.Single(await AccessMessagesAsync(sentinel.ComplaintId));
        Assert.DoesNotContain(Directory.EnumerateFiles(fixture.MailFolder), f => File.ReadAllText(f).Contains(submitted.Reference, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RequestTrackingAccess_TokenDelivered_IntakeDiscardsItsSealedCopyAndTheTokenStillTracks()
    {
        var (submitted, email, _) = await SubmitAsync();

        await Public().RequestTrackingAccessAsync(new RequestTrackingAccessRequest { Reference = submitted.Reference, Email = email });
        var message = Assert.Single(await SettledAccessMessagesAsync(submitted.ComplaintId));

        // NotificationDelivered reaches Intake on Notifications' feed: the grant names the message, and its sealed token goes.
        var grant = await Eventually.Get(async () =>
        {
            await using var scope = fixture.Intake.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<IntakeDb>().TrackingGrants.AsNoTracking().SingleAsync(g => g.ComplaintId == Guid.Parse(submitted.ComplaintId));
        }, g => g.TokenCipher is null, $"the sealed token of complaint {submitted.ComplaintId} discarded");
        Assert.Equal(message.Id, grant.MessageId);
        using var mail = await MimeMessage.LoadAsync(Path.Combine(fixture.MailFolder, $"{message.Id:N}.eml"));
        Assert.Equal(submitted.Reference, (await Public().TrackComplaintAsync(new TrackComplaintRequest { Reference = submitted.Reference, TrackingToken = TokenIn(mail.TextBody) })).Reference);
    }
}
