using System.Net;
using System.Net.Sockets;

namespace Complaints.Launcher;

/// <summary>
/// Loopback ports for processes started by tests, safe while other test processes pick ports at the same time.
/// A port-0 listener closed again hands out an ephemeral port, which the kernel may give to any outgoing connection
/// before the child binds it; so ports come from below the ephemeral range, and each is reserved for this process's
/// life by a lock on a file named after it (flock(2), released by the kernel however the process ends), so two
/// processes never take the same one.
/// </summary>
public static class LoopbackPorts
{
    private const int Lowest = 10_000;
    private static readonly Lock Gate = new();
    private static readonly List<FileStream> Held = [];
    private static readonly string Folder = Path.Combine(Path.GetTempPath(), "complaints-loopback-ports");

    /// <summary>A loopback port no other caller of this method, in any process, has been given, and free now.</summary>
    public static int Reserve()
    {
        var (lowest, highest) = Range();
        CreateSharedFolder();
        for (var attempt = 0; attempt < 1_000; attempt++)
        {
            var port = Random.Shared.Next(lowest, highest + 1);
            var reservation = TryLock(port);
            if (reservation is null)
            {
                continue;
            }
            lock (Gate)
            {
                // Kept even when something else listens there, so the port is not tried again.
                Held.Add(reservation);
            }
            if (IsFree(port))
            {
                return port;
            }
        }
        throw new InvalidOperationException($"No free loopback port between {lowest} and {highest} after 1,000 tries.");
    }

    private static FileStream? TryLock(int port)
    {
        try
        {
            return new FileStream(Path.Combine(Folder, port + ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (Complaints.ServiceDefaults.Data.FileLocks.HeldByAnother(ex))
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            // Another user's lock file: theirs.
            return null;
        }
    }

    /// <summary>Nothing listens on the loopback port now.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// Ports the kernel never hands out on its own: below its ephemeral range (Linux: ip_local_port_range; elsewhere
    /// IANA's 49152 and up), or above it when it starts too low to leave room below.
    /// </summary>
    private static (int Lowest, int Highest) Range()
    {
        var (start, end) = (49_152, 65_535);
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            (start, end) = (int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(range[1], System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            // Not Linux: IANA's range.
        }
        return start - Lowest >= 1_000 ? (Lowest, start - 1) : (end + 1, 65_535);
    }

    /// <summary>One folder for every user's test processes (world-writable, sticky like /tmp), so they all coordinate.</summary>
    private static void CreateSharedFolder()
    {
        if (Directory.Exists(Folder))
        {
            return;
        }
        Directory.CreateDirectory(Folder);
        if (!OperatingSystem.IsWindows())
        {
            try
            {
                File.SetUnixFileMode(Folder, (UnixFileMode)0b1_111_111_111);
            }
            catch (UnauthorizedAccessException)
            {
                // Another user made it first.
            }
        }
    }
}
