using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Complaints.Notifications.Domain;

/// <summary>A partner's entry in configuration (<c>Notifications:Webhooks:{partnerId}</c>): the fallback and seed of its stored webhook.</summary>
public sealed class WebhookPartner
{
    public string Url { get; set; } = "";
    public string Secret { get; set; } = "";
}

/// <summary>Posts signed JSON to a partner's endpoint; any non-2xx answer or network error throws, and the worker retries.</summary>
public sealed class WebhookSender(HttpClient http)
{
    public const string IdHeader = "Complaints-Webhook-Id";
    public const string TimestampHeader = "Complaints-Webhook-Timestamp";
    public const string SignatureHeader = "Complaints-Webhook-Signature";

    /// <summary>
    /// Posts to the target's address with one <c>v1=</c> signature per secret, space-separated, the current secret's
    /// first: two only while a rotated-out secret is in its overlap, so the partner verifies with either.
    /// </summary>
    public async Task SendAsync(WebhookTarget target, Guid messageId, string json, DateTimeOffset now, CancellationToken ct)
    {
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url)
        {
            Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add(IdHeader, messageId.ToString());
        request.Headers.Add(TimestampHeader, timestamp);
        request.Headers.Add(SignatureHeader, string.Join(' ', target.Secrets.Select(secret => "v1=" + Sign(secret, timestamp, json))));
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
