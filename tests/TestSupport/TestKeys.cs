using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Complaints.ServiceDefaults.Auth;

namespace Complaints.TestSupport;

public static class TestKeys
{
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>A JWT signed with <paramref name="signingKey"/> as the services validate it locally.</summary>
    public static string Token(string signingKey, string subject, params string[] roles) =>
        new LocalTokenIssuer(new AuthSettings { SigningKey = signingKey }, TimeProvider.System).Issue(subject, roles, TimeSpan.FromHours(1));

    /// <summary>A loopback port that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>An address where nothing listens: a dependency that is down.</summary>
    public static string DeadAddress() => $"http://127.0.0.1:{FreePort()}";
}
