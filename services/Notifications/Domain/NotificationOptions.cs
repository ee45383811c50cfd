namespace Complaints.Notifications.Domain;

public sealed class NotificationOptions
{
    public string From { get; set; } = "Complaints team <no-reply@complaints.local>";
    public string DefaultLanguage { get; set; } = "en";
    /// <summary>How often the delivery worker looks for due messages when nothing woke it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>After this many failed attempts a message is parked as FAILED (a dead letter).</summary>
    public int MaxAttempts { get; set; } = 12;
}

/// <summary>Wakes the delivery worker when a new message was committed.</summary>
public sealed class DeliveryWakeup
{
    public Complaints.Eventing.LocalEventSignal Signal { get; } = new();
}
