using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Complaints.Launcher;

/// <summary>One running child: its process, its output (console, log file, a tail kept in memory) and how to stop it.</summary>
internal sealed class PlatformChild : IDisposable
{
    private const int TailCapacity = 200;
    private const int NotExited = int.MinValue;
    private static readonly TimeSpan OutputDrainLimit = TimeSpan.FromSeconds(5);
    private int _openStreams = 2;
    private int _exitCode = NotExited;
    private static readonly Lock ConsoleGate = new();
    private static readonly ConsoleColor[] Colors =
        [ConsoleColor.Cyan, ConsoleColor.Green, ConsoleColor.Yellow, ConsoleColor.Magenta, ConsoleColor.Blue, ConsoleColor.DarkCyan];

    private readonly Lock _gate = new();
    private readonly Queue<string> _tail = new();
    private readonly StreamWriter _log;
    private readonly PlatformOptions _options;
    private readonly string _prefix;
    private readonly ConsoleColor _color;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _logClosed;

    private PlatformChild(PlatformComponent component, Process process, StreamWriter log, PlatformOptions options, int index)
    {
        Component = component;
        Process = process;
        _log = log;
        _options = options;
        _prefix = component.Name.PadRight(PlatformComponents.All.Max(n => n.Length));
        _color = Colors[index % Colors.Length];
    }

    public PlatformComponent Component { get; }

    public Process Process { get; }

    /// <summary>Completes with the exit code when the process ends.</summary>
    public Task<int> Exited => _exited.Task;

    public bool Stopping { get; private set; }

    /// <summary>Answered 200 on /health/ready.</summary>
    public bool Ready { get; set; }

    public static PlatformChild Start(PlatformComponent component, ProcessStartInfo startInfo, string logPath, PlatformOptions options, int index)
    {
        var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        log.WriteLine($"---- {DateTimeOffset.Now:O} starting {startInfo.FileName} {string.Join(' ', startInfo.ArgumentList)}");
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var child = new PlatformChild(component, process, log, options, index);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        process.Exited += (_, _) => child.OnExited();
        try
        {
            process.Start();
        }
        catch
        {
            log.Dispose();
            process.Dispose();
            throw;
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    public IReadOnlyList<string> Tail(int lines)
    {
        lock (_gate)
        {
            return _tail.Skip(Math.Max(0, _tail.Count - lines)).ToArray();
        }
    }

    /// <summary>SIGTERM first (graceful: flushes telemetry, closes databases), then the whole tree is killed.</summary>
    public async Task StopAsync(TimeSpan graceful)
    {
        Stopping = true;
        if (!Exited.IsCompleted && graceful > TimeSpan.Zero && !OperatingSystem.IsWindows())
        {
            try
            {
                _ = SysKill(Process.Id, SigTerm);
            }
            catch (Exception) when (!Exited.IsCompleted)
            {
                // No libc kill: fall through to Kill below.
            }
            await Task.WhenAny(Exited, Task.Delay(graceful)).ConfigureAwait(false);
        }
        KillTree();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            // Also waits for the redirected output to be read to its end.
            await Process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Write($"did not exit after kill (pid {Process.Id})");
        }
    }

    /// <summary>Synchronous last resort (process exit handler): kill the whole tree now.</summary>
    public void KillTree()
    {
        Stopping = true;
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Already gone, or not ours to kill.
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _logClosed = true;
            _log.Dispose();
        }
        Process.Dispose();
    }

    /// <summary>
    /// The process is gone; <see cref="Exited"/> completes once its last lines are read too (both streams at their end),
    /// so a failed start's tail holds its reason. A grandchild could keep the pipes open: then after a few seconds anyway.
    /// </summary>
    private void OnExited()
    {
        int code;
        try
        {
            code = Process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            code = -1;
        }
        Volatile.Write(ref _exitCode, code);
        CompleteWhenDrained();
        _ = Task.Delay(OutputDrainLimit).ContinueWith(_ => _exited.TrySetResult(code), TaskScheduler.Default);
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            // One of the two streams has ended.
            Interlocked.Decrement(ref _openStreams);
            CompleteWhenDrained();
            return;
        }
        Write(line);
    }

    private void CompleteWhenDrained()
    {
        if (Volatile.Read(ref _openStreams) == 0 && Volatile.Read(ref _exitCode) is int code and not NotExited)
        {
            _exited.TrySetResult(code);
        }
    }

    private void Write(string line)
    {
        lock (_gate)
        {
            if (_tail.Count == TailCapacity)
            {
                _tail.Dequeue();
            }
            _tail.Enqueue(line);
            if (!_logClosed)
            {
                _log.WriteLine(line);
            }
        }
        if (_options.EchoToConsole)
        {
            lock (ConsoleGate)
            {
                if (Console.IsOutputRedirected)
                {
                    Console.Out.WriteLine($"{_prefix} | {line}");
                }
                else
                {
                    Console.ForegroundColor = _color;
                    Console.Out.Write(_prefix);
                    Console.ResetColor();
                    Console.Out.WriteLine($" | {line}");
                }
            }
        }
        try
        {
            _options.OutputLine?.Invoke(Component, line);
        }
        catch (InvalidOperationException)
        {
            // A test's output helper refuses lines once its test has finished.
        }
    }

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);
}
