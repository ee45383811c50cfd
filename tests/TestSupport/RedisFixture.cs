using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;
using Xunit.Sdk;

namespace Complaints.TestSupport;

/// <summary>
/// One real redis-server per test assembly (share it with a collection fixture), on a free loopback port, no persistence; killed by its pid
/// when the run ends. A missing redis-server is a failure, never a skip.
/// </summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private RedisServer? _server;
    private string? _error;

    public int Port => _server?.Port ?? throw new XunitException(_error ?? "redis-server is not running.");

    public string ConnectionString => $"127.0.0.1:{Port}";

    public async Task InitializeAsync()
    {
        try
        {
            for (var attempt = 1; attempt <= 3 && _server is null; attempt++)
            {
                try
                {
                    _server = await RedisServer.StartAsync(TestKeys.FreePort());
                }
                catch (XunitException ex) when (attempt < 3 && !ex.Message.Contains("not found", StringComparison.Ordinal))
                {
                    // The free port was taken in the meantime: try another.
                }
            }
        }
        catch (XunitException ex)
        {
            _error = ex.Message;
        }
    }

    /// <summary>Call at the start of each test: fails it with the reason when Redis could not be started.</summary>
    public void EnsureRunning()
    {
        if (_server is null)
        {
            throw new XunitException(_error ?? "redis-server is not running.");
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>A redis-server process of the test run's own, stopped by its pid.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;

    private RedisServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public static async Task<RedisServer> StartAsync(int port)
    {
        var executable = FindExecutable() ?? throw new XunitException(
            "redis-server was not found on PATH or at /usr/bin/redis-server. These tests need a real Redis: "
            + "run the repository's test script (./test.sh), which installs it, or install it yourself with "
            + "`apt-get update && apt-get install -y redis-server`.");
        var output = new StringBuilder();
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning" })
        {
            info.ArgumentList.Add(arg);
        }
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Kill(process);

        if (await AnswersPingAsync(process, port, TimeSpan.FromSeconds(10)))
        {
            return new RedisServer(process, port);
        }
        Kill(process);
        string text;
        lock (output)
        {
            text = output.ToString();
        }
        throw new XunitException($"redis-server ({executable}) did not answer PING on 127.0.0.1:{port}. Its output:\n{text}");
    }

    public ValueTask DisposeAsync()
    {
        Kill(_process);
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private static string? FindExecutable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "redis-server"))
            .Append("/usr/bin/redis-server")
            .FirstOrDefault(File.Exists);

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static async Task<bool> AnswersPingAsync(Process process, int port, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                return false;
            }
            try
            {
                using var client = new TcpClient();
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.ConnectAsync(IPAddress.Loopback, port, attempt.Token);
                await using var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray(), attempt.Token);
                var buffer = new byte[16];
                var read = await stream.ReadAsync(buffer, attempt.Token);
                if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return true;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
            {
            }
            await Task.Delay(20); // The poll interval of this wait-until-PONG loop.
        }
        return false;
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }
}
