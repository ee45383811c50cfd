namespace Complaints.Web.Console;

/// <summary>
/// The staff console's client at the platform's identity provider (section <c>Console</c>). The provider itself is
/// <c>Auth:Authority</c> (its public issuer) and <c>Auth:MetadataAddress</c> (its discovery document inside the network),
/// as for every service.
/// </summary>
public sealed class ConsoleSettings
{
    public const string Section = "Console";

    /// <summary>Registered at the provider under <c>Identity:WebClients:{ClientId}</c>.</summary>
    public string ClientId { get; set; } = "complaints-console";

    /// <summary>A confidential client's secret: from a secret store, never from the repository.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>How long before its expiry an access token is renewed with the refresh token.</summary>
    public TimeSpan RefreshBefore { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The console session's idle limit; the refresh token's own lifetime (10 hours) bounds it too.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromHours(1);
}
