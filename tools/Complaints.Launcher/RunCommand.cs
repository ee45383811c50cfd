using System.Runtime.InteropServices;

namespace Complaints.Launcher;

/// <summary>The default command: build, start everything, print the URLs, stop everything on Ctrl+C or SIGTERM.</summary>
internal static class RunCommand
{
    public static async Task<int> RunAsync(RunArguments args)
    {
        var root = RepositoryLocator.FindRoot();
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            Cancel(stop);
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            Cancel(stop);
        });
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c =>
        {
            c.Cancel = true;
            Cancel(stop);
        });

        try
        {
            if (!args.NoBuild)
            {
                Info($"Building {RepositoryLocator.SolutionFile} ({args.Configuration})...");
                var code = await PlatformProcesses.BuildSolutionAsync(root, args.Configuration, stop.Token);
                if (code != 0)
                {
                    Error($"The build failed (exit code {code}).");
                    return code;
                }
            }

            await using var platform = new PlatformProcesses(new PlatformOptions
            {
                RepositoryRoot = root,
                DataDirectory = args.DataDirectory,
                Configuration = args.Configuration,
                BasePort = args.BasePort,
                GatewayPort = args.GatewayPort,
                Components = args.Only,
                ReadyTimeout = args.ReadyTimeout,
            });
            try
            {
                Info($"Starting {string.Join(", ", platform.Components.Select(c => c.Name))} (logs in {platform.LogDirectory})...");
                await platform.StartAsync(stop.Token);
            }
            catch (PlatformStartException e)
            {
                Error(e.Message);
                Error("Stopped everything.");
                return 1;
            }

            PrintReady(platform, args);
            var stopped = Task.Delay(Timeout.Infinite, stop.Token);
            var first = await Task.WhenAny(stopped, platform.UnexpectedExit);
            var exitCode = 0;
            if (first == platform.UnexpectedExit)
            {
                var component = await platform.UnexpectedExit;
                Error($"{component.Name} exited unexpectedly; stopping everything. Last lines:");
                foreach (var line in platform.LogTail(component.Name, 30))
                {
                    Error("  " + line);
                }
                exitCode = 1;
            }
            Info("Stopping...");
            await platform.StopAsync();
            Info("Stopped.");
            return exitCode;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Info("Cancelled; stopped everything.");
            return 130;
        }
    }

    private static void Cancel(CancellationTokenSource stop)
    {
        try
        {
            stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }
    }

    private static void PrintReady(PlatformProcesses platform, RunArguments args)
    {
        var started = platform.Components.Select(c => c.Name).ToHashSet();
        Console.WriteLine();
        Info("The complaint platform is ready.");
        if (started.Contains(PlatformComponents.Gateway))
        {
            Console.WriteLine($"  Complainant portal            {platform.Gateway.HttpUrl}/");
            Console.WriteLine($"  Gateway REST, gRPC-Web        {platform.Gateway.HttpUrl}");
            Console.WriteLine($"  Gateway gRPC (h2c)            {platform.Gateway.GrpcUrl}");
        }
        foreach (var c in platform.Components.Where(c => !c.IsGateway))
        {
            Console.WriteLine(c.IsWeb ? $"  {c.Name,-14} HTTP {c.HttpUrl}" : $"  {c.Name,-14} gRPC {c.GrpcUrl}  HTTP {c.HttpUrl}");
        }
        Console.WriteLine($"  Data folder: {platform.DataDirectory}");
        Console.WriteLine($"  Logs:        {platform.LogDirectory}");
        Console.WriteLine();
        if (platform.LocalAdmin is { } admin && started.Contains(PlatformComponents.Gateway))
        {
            Console.WriteLine($"Staff sign-in: {platform.Gateway.HttpUrl}/account/sign-in");
            Console.WriteLine($"  the local admin: staff ID {admin.Subject}, password {admin.Password}");
            Console.WriteLine($"  (kept in {Path.Combine(platform.DataDirectory, LocalAdmin.FileName)}; an authenticator app is set up at the first sign-in)");
        }
        Console.WriteLine("Press Ctrl+C to stop.");
        Console.WriteLine();
    }

    private static void Info(string message) => Console.WriteLine($"launcher | {message}");

    private static void Error(string message) => Console.Error.WriteLine($"launcher | {message}");
}
