namespace Complaints.ServiceDefaults.Auth;

/// <summary>
/// Calls to the identity provider stay inside the network: its discovery document names public URLs (the issuer's:
/// keys, token endpoint), and when <c>Auth:MetadataAddress</c> is an internal address, a request for the issuer's
/// origin is sent to the metadata address's origin instead (the same provider, without a trip through the ingress).
/// </summary>
public sealed class IdentityBackchannel(Uri publicOrigin, Uri internalOrigin) : DelegatingHandler(new SocketsHttpHandler
{
    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
})
{
    public static HttpMessageHandler Create(AuthSettings settings) =>
        settings.Authority is { Length: > 0 } authority && settings.MetadataUri() is { } metadata
            && Uri.Compare(new Uri(authority), metadata, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0
            ? new IdentityBackchannel(new Uri(authority), metadata)
            : new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } uri
            && Uri.Compare(uri, publicOrigin, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
        {
            request.RequestUri = new UriBuilder(uri) { Scheme = internalOrigin.Scheme, Host = internalOrigin.Host, Port = internalOrigin.Port }.Uri;
        }
        return base.SendAsync(request, cancellationToken);
    }
}
