using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Complaints.ServiceDefaults;

/// <summary>
/// The client's address from <c>X-Forwarded-For</c> and the scheme it used from <c>X-Forwarded-Proto</c>, only on
/// connections from trusted proxies: <c>ForwardedHeaders:KnownProxies</c> (addresses) and
/// <c>ForwardedHeaders:KnownNetworks</c> (CIDR, e.g. the Ingress controller's pod network). Nothing is trusted by
/// default, not even loopback (ASP.NET Core's own default): without either list the headers are ignored, the client is
/// the connection's address and the scheme the connection's. Only the last entry of each counts (what the trusted proxy
/// saw), never what the client wrote before it. At the gateway the scheme decides HSTS and the <c>X-Forwarded-Proto</c>
/// the processes behind it get; behind the gateway (the web app) it makes cookies Secure.
/// </summary>
public static class ForwardedHeadersExtensions
{
    public const string ProxiesKey = "ForwardedHeaders:KnownProxies";
    public const string NetworksKey = "ForwardedHeaders:KnownNetworks";

    /// <param name="trustLoopback">
    /// Also trust loopback: for a process behind the gateway, which runs beside it on one machine (the local launcher).
    /// </param>
    public static WebApplicationBuilder AddTrustedForwardedHeaders(this WebApplicationBuilder builder, bool trustLoopback = false)
    {
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IConfiguration>((o, configuration) =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = 1;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            if (trustLoopback)
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse("127.0.0.0/8"));
                o.KnownProxies.Add(IPAddress.IPv6Loopback);
            }
            foreach (var (value, i) in Values(configuration, ProxiesKey))
            {
                o.KnownProxies.Add(IPAddress.TryParse(value, out var address)
                    ? address
                    : throw new InvalidOperationException($"{ProxiesKey}:{i}: '{value}' is not an IP address."));
            }
            foreach (var (value, i) in Values(configuration, NetworksKey))
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(value, out var network)
                    ? network
                    : throw new InvalidOperationException($"{NetworksKey}:{i}: '{value}' is not a network in CIDR notation (e.g. 10.0.0.0/8)."));
            }
        });
        return builder;
    }

    /// <summary>Before anything that uses the client's address or scheme (security headers, the rate limiter); a no-op when no proxy is trusted.</summary>
    public static WebApplication UseTrustedForwardedHeaders(this WebApplication app)
    {
        // Read (and validated) now: a bad address stops the gateway at start, naming the key.
        var options = app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
        if (options.KnownProxies.Count > 0 || options.KnownIPNetworks.Count > 0)
        {
            app.UseForwardedHeaders();
        }
        return app;
    }

    private static IEnumerable<(string Value, int Index)> Values(IConfiguration configuration, string key) =>
        (configuration.GetSection(key).Get<string[]>() ?? []).Select((v, i) => (v.Trim(), i));
}
