using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Complaints.EndToEnd.Tests;

/// <summary>A complaint submitted through the gateway's REST contract, with unique personal data to search for.</summary>
public sealed record Complaint(string Reference, string TrackingToken, string ComplaintId, string Marker, string TraceId)
{
    public string Name => $"Mina {Marker}";
    public string Email => $"{Marker}@example.com";
    public string Description => $"My card was charged twice for order {Marker}.";

    public static async Task<Complaint> SubmitAsync(HttpClient rest, string language = "ko", string category = "billing", string? timeZone = null, bool confidential = false)
    {
        var marker = "e2e" + Guid.NewGuid().ToString("N")[..12];
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/complaints")
        {
            Content = JsonContent.Create(new
            {
                idempotencyKey = Guid.NewGuid().ToString(),
                channel = "CHANNEL_WEB",
                complainant = new { name = $"Mina {marker}", email = $"{marker}@example.com", phone = "+821012345678", preferredLanguage = language, timeZone = timeZone ?? "" },
                category,
                subject = $"Charged twice {marker}",
                description = $"My card was charged twice for order {marker}.",
                remedySought = $"Refund of the second charge on order {marker}",
                confidential,
                jurisdiction = "JURISDICTION_UK_FCA",
            }),
        };
        // The caller starts the trace; everything downstream must join it.
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        using var response = await rest.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"submit failed: {(int)response.StatusCode} {body}");
        var json = JsonDocument.Parse(body).RootElement;
        return new Complaint(json.GetProperty("reference").GetString()!, json.GetProperty("trackingToken").GetString()!,
            json.GetProperty("complaintId").GetString()!, marker, traceId.ToHexString());
    }

    public async Task<JsonElement> TrackAsync(HttpClient rest)
    {
        using var response = await rest.PostAsJsonAsync($"/api/v1/complaints/{Reference}/track", new { trackingToken = TrackingToken });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"track failed: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static bool IsAcknowledged(JsonElement view) =>
        view.GetProperty("status").GetString() == "CASE_STATUS_ACKNOWLEDGED"
        && view.TryGetProperty("messages", out var messages)
        && messages.EnumerateArray().Any(m => m.GetProperty("kind").GetString() == "MESSAGE_KIND_ACKNOWLEDGEMENT"
            && m.GetProperty("status").GetString() == "DELIVERY_STATUS_DELIVERED");
}
