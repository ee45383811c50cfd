using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Complaints.Notifications.Domain;

public sealed class WebhookPartner
{
    public string Url { get; set; } = "";
    public string Secret { get; set; } = "";
}

/// <summary>Posts signed JSON to a partner's endpoint; any non-2xx answer or network error throws, and the worker retries.</summary>
public sealed class WebhookSender(HttpClient http, IOptionsMonitor<NotificationOptions> options)
{
    public const string IdHeader = "Complaints-Webhook-Id";
    public const string TimestampHeader = "Complaints-Webhook-Timestamp";
    public const string SignatureHeader = "Complaints-Webhook-Signature";

    /// <summary>The partner's endpoint, or null when none is configured (nothing to send).</summary>
    public WebhookPartner? For(string partnerId) =>
        partnerId.Length > 0 && options.CurrentValue.Webhooks.TryGetValue(partnerId, out var p) && p.Url.Length > 0 && p.Secret.Length > 0 ? p : null;

    public async Task SendAsync(WebhookPartner partner, Guid messageId, string json, DateTimeOffset now, CancellationToken ct)
    {
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, partner.Url)
        {
            Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add(IdHeader, messageId.ToString());
        request.Headers.Add(TimestampHeader, timestamp);
        request.Headers.Add(SignatureHeader, "v1=" + Sign(partner.Secret, timestamp, json));
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new WebhookRejectedException((int)response.StatusCode);
        }
    }

    /// <summary>Lower-case hex HMAC-SHA256, keyed by the partner's secret (UTF-8), over "{timestamp}.{body}".</summary>
    public static string Sign(string secret, string timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "." + body)));
}

public sealed class WebhookRejectedException(int status) : Exception($"The partner's endpoint answered HTTP {status}.")
{
    public int Status { get; } = status;
}
