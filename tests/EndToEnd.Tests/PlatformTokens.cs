using System.Collections.Concurrent;
using Complaints.Identity.V1;
using Complaints.Launcher;
using Complaints.TestSupport;
using Complaints.Tools;
using Grpc.Core;
using Grpc.Net.Client;

namespace Complaints.EndToEnd.Tests;

/// <summary>
/// Tokens from the platform's own identity provider, got as their holders get them: staff sign in (the local admin
/// creates their accounts first), services use their client credentials. Nothing here can sign a token.
/// </summary>
public sealed class PlatformTokens(PlatformProcesses platform)
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

    /// <summary>A partner client registered by the local admin with these scopes, and a token it got with its secret.</summary>
    public async Task<string> PartnerAsync(string clientId, params string[] scopes)
    {
        using var identity = await AdminChannelAsync();
        var registered = await new PartnerClientService.PartnerClientServiceClient(identity).RegisterPartnerClientAsync(
            new RegisterPartnerClientRequest { ClientId = clientId, DisplayName = clientId, Scopes = { scopes } });
        return await ClientCredentials.GetTokenAsync(new Uri(platform[PlatformComponents.Identity].HttpUrl + "/connect/token"),
            clientId, registered.ClientSecret, string.Join(' ', scopes), CancellationToken.None);
    }

    /// <summary>A new staff account made by the local admin; its one-time password.</summary>
    public async Task<string> CreateAccountAsync(string subject, params string[] roles)
    {
        using var identity = await AdminChannelAsync();
        var created = await new StaffAccountService.StaffAccountServiceClient(identity).CreateAccountAsync(
            new CreateAccountRequest { Subject = subject, Email = subject + "@example.com", DisplayName = subject, Roles = { roles } });
        return created.InitialPassword;
    }

    private async Task<string> SignInNewAsync(string subject, string[] roles) => await SignInAsync(subject, await CreateAccountAsync(subject, roles));

    /// <summary>Identity's gRPC port, as the signed-in local admin.</summary>
    private async Task<GrpcChannel> AdminChannelAsync()
    {
        var token = await AdminAsync();
        return GrpcChannel.ForAddress(platform[PlatformComponents.Identity].GrpcUrl, new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("Authorization", "Bearer " + token);
                return Task.CompletedTask;
            })),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
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
