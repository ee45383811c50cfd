namespace Complaints.Notifications.Domain;

public sealed class NotificationOptions
{
    public string From { get; set; } = "Complaints team <no-reply@complaints.local>";
    /// <summary>The organisation's language: used when the complainant's has no template.</summary>
    public string DefaultLanguage { get; set; } = "en";
    /// <summary>Language and time zone of staff alerts.</summary>
    public string StaffLanguage { get; set; } = "";
    public string StaffTimeZone { get; set; } = "UTC";
    /// <summary>An organisation's own templates, overriding the shipped ones per kind and language.</summary>
    public string TemplatesFolder { get; set; } = "";
    /// <summary>
    /// The public address of the gateway (which serves the web portal), for links in messages: the portal's follow and
    /// preferences pages, and the one-click unsubscribe address of the API.
    /// </summary>
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:8080";
    /// <summary>How often the delivery worker looks for due messages when nothing woke it (a fallback: it wakes when a message is queued or a retry falls due).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>After this many failed attempts a message is parked as FAILED (a dead letter) until staff replay it.</summary>
    public int MaxAttempts { get; set; } = 12;
    /// <summary>
    /// A message becomes a dead letter only after MaxAttempts AND this long since it was queued, so a provider outage
    /// shorter than this loses nothing and needs nobody: the message goes when the provider returns.
    /// </summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromDays(3);
    /// <summary>
    /// How long a replica holds a message it is sending: others skip it meanwhile; after a crash it falls due again
    /// when the claim expires (at least once, never twice at the same time).
    /// </summary>
    public TimeSpan ClaimFor { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary>
    /// The longest one send may take (recipient look-up, rendering, the provider) before it counts as a failed
    /// attempt; never more than three quarters of <see cref="ClaimFor"/> (the rest is left for recording the
    /// outcome), so no send outlives its claim and runs twice.
    /// </summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>Sends in flight at once per channel: a slow webhook never holds up email, nor one slow send the rest.</summary>
    public int SendsPerChannel { get; set; } = 4;
    /// <summary>Retry n waits RetryBaseDelay * 2^(n-1), capped at RetryMaxDelay, plus up to 25 % jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>
    /// Per partner (its token subject): endpoint and signing secret, the way before webhooks were stored. The fallback for
    /// a partner without a stored webhook, and the seed of its row at its first change (<see cref="PartnerWebhooks"/>).
    /// </summary>
    public Dictionary<string, WebhookPartner> Webhooks { get; set; } = [];
    /// <summary>How long a rotated-out webhook secret keeps signing beside the new one, unless the rotation asks for less.</summary>
    public TimeSpan WebhookSecretOverlap { get; set; } = PartnerWebhooks.DefaultOverlap;

    /// <summary>The send bound actually applied: <see cref="SendTimeout"/>, at most three quarters of the claim.</summary>
    public TimeSpan EffectiveSendTimeout => SendTimeout < ClaimFor * 0.75 ? SendTimeout : ClaimFor * 0.75;
}

/// <summary>Wakes the delivery worker when a new message was committed.</summary>
public sealed class DeliveryWakeup
{
    public Complaints.Eventing.LocalEventSignal Signal { get; } = new();
}
