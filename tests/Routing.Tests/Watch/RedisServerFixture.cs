using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit.Sdk;

namespace Complaints.Routing.Tests.Watch;

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServerFixture>
{
    public const string Name = "routing-watch-redis";
}

/// <summary>
/// A real redis-server for the watch's fan-out tests, on a free loopback port with no persistence, stopped by
/// its pid. Missing redis-server fails the tests that need it, never skips them.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private Process? _process;
    private string? _error;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var executable = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);
        if (executable is null)
        {
            _error = "redis-server was not found: install it with `apt-get update && apt-get install -y redis-server`.";
            return;
        }
        for (var attempt = 0; attempt < 3 && _process is null; attempt++)
        {
            var port = TestKeys.FreePort();
            var info = new ProcessStartInfo(executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning" })
            {
                info.ArgumentList.Add(arg);
            }
            var process = Process.Start(info)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (await AnswersPingAsync(process, port))
            {
                _process = process;
                ConnectionString = $"127.0.0.1:{port}";
                AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(process);
            }
            else
            {
                Stop(process);
                _error = $"redis-server did not answer PING on port {port}.";
            }
        }
    }

    public void EnsureRunning()
    {
        if (_process is null)
        {
            throw new XunitException(_error ?? "redis-server is not running.");
        }
    }

    public Task DisposeAsync()
    {
        if (_process is not null)
        {
            Stop(_process);
            _process.Dispose();
        }
        return Task.CompletedTask;
    }

    private static async Task<bool> AnswersPingAsync(Process process, int port)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10) && !process.HasExited)
        {
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

    private static void Stop(Process process)
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
