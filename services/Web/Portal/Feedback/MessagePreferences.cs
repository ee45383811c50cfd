using System.Net;
using System.Net.Http.Json;

namespace Complaints.Web.Portal.Feedback;

/// <summary>A complaint's message preferences as Notifications keeps them.</summary>
public sealed record MessagePreferenceValues(bool Email, bool Sms, bool Push, bool OptedOut);

/// <summary>The link's token is not (or no longer) valid.</summary>
public sealed class InvalidPreferenceLinkException() : Exception("The preference link's token is not valid.");

/// <summary>Notifications could not be reached or did not answer in time.</summary>
public sealed class PreferencesUnavailableException(Exception inner) : Exception("Notifications did not answer.", inner);

/// <summary>
/// Notifications' message preferences of the complaint a link token names: read them, change some (null: unchanged).
/// </summary>
public interface IMessagePreferences
{
    Task<MessagePreferenceValues> GetAsync(string token, CancellationToken ct);

    Task<MessagePreferenceValues> ChangeAsync(string token, bool? email, bool? sms, bool? push, bool? optedOut, CancellationToken ct);
}

/// <summary>
/// Stop-gap until Notifications serves its public preference RPC: its JSON endpoint
/// (<c>PUT /api/v1/notifications/preferences</c>), reached on its h2c listener at <c>Services:Notifications</c> over
/// HTTP/2 with prior knowledge. A read is a change of nothing (every field null).
/// </summary>
public sealed class RestMessagePreferences(HttpClient http) : IMessagePreferences
{
    public const string Path = "/api/v1/notifications/preferences";

    public Task<MessagePreferenceValues> GetAsync(string token, CancellationToken ct) => ChangeAsync(token, null, null, null, null, ct);

    public async Task<MessagePreferenceValues> ChangeAsync(string token, bool? email, bool? sms, bool? push, bool? optedOut, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, Path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = JsonContent.Create(new { token, email, sms, push, optedOut }),
        };
        HttpResponseMessage response;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(FeedbackPages.CallTimeout);
            response = await http.SendAsync(request, timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new PreferencesUnavailableException(e);
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.BadRequest)
            {
                throw new InvalidPreferenceLinkException();
            }
            if (!response.IsSuccessStatusCode)
            {
                throw new PreferencesUnavailableException(new HttpRequestException($"Notifications answered {(int)response.StatusCode}."));
            }
            return await response.Content.ReadFromJsonAsync<MessagePreferenceValues>(ct)
                ?? throw new PreferencesUnavailableException(new InvalidOperationException("An empty answer."));
        }
    }

    /// <summary>Registers the client at <c>Services:Notifications</c>.</summary>
    public static void Register(IServiceCollection services) =>
        services.AddHttpClient<IMessagePreferences, RestMessagePreferences>((sp, client) =>
            client.BaseAddress = new Uri(sp.GetRequiredService<IConfiguration>()["Services:Notifications"]
                ?? throw new InvalidOperationException("Services:Notifications (the Notifications service's address) is not configured.")));
}
