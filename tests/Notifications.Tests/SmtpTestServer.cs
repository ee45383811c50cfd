using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MimeKit;

namespace Complaints.Notifications.Tests;

/// <summary>
/// A real SMTP server on loopback: Debian's aiosmtpd (python3-aiosmtpd, installed by test.sh) storing every
/// message it accepts in a Maildir. Stop and Start keep the port and the Maildir, to play an outage.
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    private static readonly Lazy<Task<SmtpTestServer>> SharedServer = new(async () =>
    {
        var server = await StartNewAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Kill();
        return server;
    });

    private const string Watchdog = """
        import os, runpy, sys, threading, time
        parent = os.getppid()
        def watch():
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(0)
        threading.Thread(target=watch, daemon=True).start()
        sys.argv = ["aiosmtpd"] + sys.argv[1:]
        runpy.run_module("aiosmtpd", run_name="__main__", alter_sys=True)
        """;

    private readonly TempFolder _maildir = new("smtp-maildir");
    private Process? _process;

    private SmtpTestServer(int port) => Port = port;

    /// <summary>The server shared by the test run (started once); tests tell their mail apart by recipient.</summary>
    public static Task<SmtpTestServer> Shared => SharedServer.Value;

    public int Port { get; }

    /// <summary>Created by the Mailbox handler itself (it refuses a folder that is not yet a Maildir).</summary>
    private string Maildir => Path.Combine(_maildir.Path, "Maildir");

    public static async Task<SmtpTestServer> StartNewAsync()
    {
        var server = new SmtpTestServer(TestKeys.FreePort());
        await server.StartAsync();
        return server;
    }

    public async Task StartAsync()
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python))
        {
            throw new InvalidOperationException("python3-aiosmtpd is not installed: run ./test.sh once, or apt-get install python3-aiosmtpd.");
        }
        var start = new ProcessStartInfo(python)
        {
            // aiosmtpd, plus a watchdog that ends it when the test process goes (the test host may exit without
            // running ProcessExit handlers, and a leaked server would hold its port).
            ArgumentList = { "-c", Watchdog, "-n", "-l", $"127.0.0.1:{Port}", "-c", "aiosmtpd.handlers.Mailbox", Maildir },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("aiosmtpd did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Eventually.True(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"aiosmtpd exited with {_process.ExitCode}.");
            }
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, $"aiosmtpd listening on port {Port}");
    }

    /// <summary>Stops the server (an outage): connections are refused until <see cref="StartAsync()"/>.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
    }

    /// <summary>Every message accepted so far.</summary>
    public IReadOnlyList<MimeMessage> Messages()
    {
        var folders = new[] { "new", "cur" }.Select(f => Path.Combine(Maildir, f)).Where(Directory.Exists);
        return folders.SelectMany(Directory.EnumerateFiles).Select(f => MimeMessage.Load(f)).ToList();
    }

    public IReadOnlyList<MimeMessage> MessagesTo(string address) =>
        Messages().Where(m => m.To.Mailboxes.Any(x => x.Address == address)).ToList();

    private void Kill()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
        }
    }


    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _maildir.Dispose();
    }
}
