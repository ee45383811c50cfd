using System.Net.Http.Json;
using System.Text.Json;

namespace Complaints.Tools;

/// <summary>Access tokens from the platform's identity provider's token endpoint (RFC 6749).</summary>
public static class ClientCredentials
{
    /// <summary>By client credentials (§4.4).</summary>
    public static Task<string> GetTokenAsync(Uri tokenEndpoint, string clientId, string clientSecret, string? scope, CancellationToken cancellationToken)
    {
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
        return RequestAsync(tokenEndpoint, clientId, form, cancellationToken);
    }

    /// <summary>By an authorization code with its PKCE verifier, for a public client (§4.1.3, RFC 7636).</summary>
    public static Task<string> RedeemCodeAsync(Uri tokenEndpoint, string clientId, string code, string redirectUri, string verifier, CancellationToken cancellationToken) =>
        RequestAsync(tokenEndpoint, clientId, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = clientId,
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["code_verifier"] = verifier,
        }, cancellationToken);

    private static async Task<string> RequestAsync(Uri tokenEndpoint, string clientId, Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
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
