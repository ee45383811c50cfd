using System.Security.Cryptography;
using Complaints.Launcher;

namespace Complaints.TestSupport;

public static class TestKeys
{
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>A free loopback port reserved for this test process (<see cref="LoopbackPorts"/>).</summary>
    public static int FreePort() => LoopbackPorts.Reserve();

    /// <summary>An address where nothing listens: a dependency that is down. One reserved port serves the whole test process.</summary>
    public static string DeadAddress() => $"http://127.0.0.1:{DeadPort.Value}";

    private static readonly Lazy<int> DeadPort = new(LoopbackPorts.Reserve);
}
