using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Complaints.Launcher;
using Complaints.TestSupport;
using Complaints.Tools;

namespace Complaints.EndToEnd.Tests;

/// <summary>
/// Tokens from the platform's own identity provider, got as their holders get them: staff sign in (the local admin
/// creates their accounts first), services use their client credentials. Nothing here can sign a token.
/// </summary>
public sealed class PlatformTokens(PlatformProcesses platform, HttpClient gateway)
{
    public const string WebClient = "e2e-tests";
    public const string RedirectUri = "http://127.0.0.1/e2e/signed-in";

    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _staff = new();
    private readonly StaffSignIn _browser = new(new Uri(platform[PlatformComponents.Identity].HttpUrl + "/"), WebClient, RedirectUri);
    private readonly SemaphoreSlim _signIns = new(1, 1);

    /// <summary>The identity provider's settings for the tests' browser client (given to every component; only Identity reads them).</summary>
    public static void Register(PlatformOptions options) =>
        options.Environment[$"Identity__WebClients__{WebClient}__RedirectUris__0"] = RedirectUri;

    /// <summary>A signed-in staff member's access token; the account is made with these roles on first use.</summary>
    public Task<string> StaffAsync(string subject, params string[] roles) =>
        _staff.GetOrAdd(subject + "|" + string.Join(',', roles), _ => new Lazy<Task<string>>(() => SignInNewAsync(subject, roles))).Value;

    public Task<string> ServiceAsync(string service) =>
        ClientCredentials.GetTokenAsync(new Uri(platform[PlatformComponents.Identity].HttpUrl + "/connect/token"),
            service, platform.Secrets.ServiceClientSecret(service), scope: null, CancellationToken.None);

    private async Task<string> SignInNewAsync(string subject, string[] roles)
    {
        var admin = await AdminAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/identity/accounts")
        {
            Content = JsonContent.Create(new { subject, email = subject + "@example.com", displayName = subject, roles }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        using var created = await gateway.SendAsync(request);
        var body = await created.Content.ReadAsStringAsync();
        if (!created.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The account {subject} was not created: {(int)created.StatusCode} {body}");
        }
        using var json = JsonDocument.Parse(body);
        return await SignInAsync(subject, json.RootElement.GetProperty("initialPassword").GetString()!);
    }

    private Task<string> AdminAsync()
    {
        var admin = platform.LocalAdmin ?? throw new InvalidOperationException("The platform made no local admin.");
        return _staff.GetOrAdd(admin.Subject, _ => new Lazy<Task<string>>(() => SignInAsync(admin.Subject, admin.Password))).Value;
    }

    /// <summary>One at a time: an authenticator code is accepted once.</summary>
    private async Task<string> SignInAsync(string subject, string password)
    {
        await _signIns.WaitAsync();
        try
        {
            return await _browser.AccessTokenAsync(subject, password);
        }
        finally
        {
            _signIns.Release();
        }
    }
}
