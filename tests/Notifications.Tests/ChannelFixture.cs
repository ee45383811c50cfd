namespace Complaints.Notifications.Tests;

/// <summary>
/// Notifications sending email over SMTP to the run's real loopback SMTP server and webhooks to a real loopback
/// receiver, with retries fast enough for tests (50 ms base) and three attempts before a dead letter.
/// </summary>
public class ChannelFixture : DeliveryFixture
{
    public const string PartnerSecret = "whsec_test_0123456789abcdef";

    public SmtpTestServer Smtp { get; private set; } = null!;

    public WebhookReceiver Receiver { get; private set; } = null!;

    protected virtual int MaxAttempts => 3;

    protected virtual Task<SmtpTestServer> SmtpServerAsync() => SmtpTestServer.Shared;

    protected override async Task<IDictionary<string, string?>> SettingsAsync()
    {
        Smtp = await SmtpServerAsync();
        Receiver = await WebhookReceiver.StartNewAsync();
        return new Dictionary<string, string?>
        {
            ["Notifications:Smtp:Host"] = "127.0.0.1",
            ["Notifications:Smtp:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Notifications:Smtp:Security"] = "None",
            ["Notifications:Smtp:Timeout"] = "00:00:05",
            ["Notifications:RetryBaseDelay"] = "00:00:00.050",
            ["Notifications:RetryMaxDelay"] = "00:00:00.250",
            ["Notifications:MaxAttempts"] = MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Dead letters after MaxAttempts alone, so the dead-letter tests need not wait days.
            ["Notifications:GiveUpAfter"] = "00:00:00",
            ["Notifications:StaffTimeZone"] = "Europe/Sofia",
            ["Notifications:Webhooks:partner-a:Url"] = Receiver.Url("a"),
            ["Notifications:Webhooks:partner-a:Secret"] = PartnerSecret,
            ["Notifications:Webhooks:partner-flaky:Url"] = Receiver.Url("flaky"),
            ["Notifications:Webhooks:partner-flaky:Secret"] = PartnerSecret,
            ["Notifications:Webhooks:partner-down:Url"] = Receiver.Url("down"),
            ["Notifications:Webhooks:partner-down:Secret"] = PartnerSecret,
        };
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
