using System.Net.Http.Json;
using System.Text.Json;

namespace Complaints.Tools;

/// <summary>An access token from the platform's identity provider by OAuth 2.0 client credentials (RFC 6749 §4.4).</summary>
public static class ClientCredentials
{
    public static async Task<string> GetTokenAsync(Uri tokenEndpoint, string clientId, string clientSecret, string? scope, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = clientSecret,
        };
        if (scope is { Length: > 0 })
        {
            form["scope"] = scope;
        }
        using var response = await http.PostAsync(tokenEndpoint, new FormUrlEncodedContent(form), cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode || !body.TryGetProperty("access_token", out var token))
        {
            var error = body.TryGetProperty("error_description", out var description) ? description.GetString() : $"HTTP {(int)response.StatusCode}";
            throw new InvalidOperationException($"{tokenEndpoint} refused client {clientId}: {error}");
        }
        return token.GetString()!;
    }
}
