using System.Globalization;

namespace Complaints.Launcher;

/// <summary>The launcher's arguments: run the platform (default) or <c>token</c>.</summary>
internal abstract record LauncherCommand;

internal sealed record HelpCommand : LauncherCommand;

internal sealed record RunArguments(
    bool NoBuild,
    string? DataDirectory,
    string Configuration,
    int BasePort,
    int GatewayPort,
    IReadOnlyCollection<string>? Only,
    TimeSpan ReadyTimeout) : LauncherCommand;

internal sealed record TokenArguments(string Subject, IReadOnlyList<string> Roles, TimeSpan Lifetime, string? DataDirectory) : LauncherCommand;

internal sealed class UsageException(string message) : Exception(message);

internal static class CommandLine
{
    public const string Usage = """
        Runs the complaint platform locally: builds the solution, starts the four services and the gateway,
        waits until each is ready, and stops them all on Ctrl+C.

        Usage:
          dotnet run --project tools/Complaints.Launcher -- [options]
          dotnet run --project tools/Complaints.Launcher -- token --sub <user> --roles <r1,r2> [--hours 8] [--data <dir>]

        Options:
          --no-build               do not run `dotnet build Complaints.sln -c Release` first
          --data <dir>             data folder: databases, mail sink, logs/, local-secrets.json (default <repo>/.data)
          --base-port <n>          service ports: gRPC n+1..n+4, HTTP n+11..n+14 (default 5100: 5101.., 5111..)
          --gateway-port <n>       gateway REST/gRPC-Web port; its gRPC (h2c) port is n+1 (default 8080)
          --only <a,b>             start only these: intake, routing, notifications, insights, gateway
          --timeout <seconds>      how long the processes get to become ready (default 60)
          -c, --configuration <c>  build configuration to build and run (default Release)
          -h, --help               this text

        token: prints a JWT signed with the local SigningKey of <data>/local-secrets.json, for staff APIs.
          roles: agent, supervisor, admin, analyst, partner
        """;

    public static LauncherCommand Parse(IReadOnlyList<string> args)
    {
        var reader = new ArgumentReader(args);
        if (reader.Peek() == "token")
        {
            reader.Next();
            return ParseToken(reader);
        }
        return ParseRun(reader);
    }

    private static LauncherCommand ParseRun(ArgumentReader reader)
    {
        var noBuild = false;
        string? data = null;
        var configuration = "Release";
        var basePort = PlatformComponents.DefaultBasePort;
        var gatewayPort = PlatformComponents.DefaultGatewayPort;
        IReadOnlyCollection<string>? only = null;
        var timeout = TimeSpan.FromSeconds(60);

        while (reader.Next() is { } arg)
        {
            switch (arg)
            {
                case "-h" or "--help" or "-?":
                    return new HelpCommand();
                case "--no-build":
                    noBuild = true;
                    break;
                case "--data":
                    data = reader.Value(arg);
                    break;
                case "-c" or "--configuration":
                    configuration = reader.Value(arg);
                    break;
                case "--base-port":
                    basePort = reader.Int(arg, 1, 65535 - 14);
                    break;
                case "--gateway-port":
                    gatewayPort = reader.Int(arg, 1, 65534);
                    break;
                case "--only":
                    only = reader.List(arg);
                    var unknown = only.Except(PlatformComponents.All).ToList();
                    if (unknown.Count > 0)
                    {
                        throw new UsageException($"--only: unknown component(s) {string.Join(", ", unknown)}.");
                    }
                    break;
                case "--timeout":
                    timeout = TimeSpan.FromSeconds(reader.Int(arg, 1, 3600));
                    break;
                default:
                    throw new UsageException($"Unknown argument '{arg}'.");
            }
        }
        return new RunArguments(noBuild, data, configuration, basePort, gatewayPort, only, timeout);
    }

    private static LauncherCommand ParseToken(ArgumentReader reader)
    {
        string? subject = null;
        IReadOnlyList<string>? roles = null;
        var hours = 8;
        string? data = null;
        while (reader.Next() is { } arg)
        {
            switch (arg)
            {
                case "-h" or "--help" or "-?":
                    return new HelpCommand();
                case "--sub":
                    subject = reader.Value(arg);
                    break;
                case "--roles":
                    roles = reader.List(arg);
                    break;
                case "--hours":
                    hours = reader.Int(arg, 1, 24 * 30);
                    break;
                case "--data":
                    data = reader.Value(arg);
                    break;
                default:
                    throw new UsageException($"Unknown argument '{arg}' for token.");
            }
        }
        if (string.IsNullOrWhiteSpace(subject))
        {
            throw new UsageException("token needs --sub <user>.");
        }
        if (roles is null || roles.Count == 0)
        {
            throw new UsageException("token needs --roles <r1,r2>, e.g. --roles agent,supervisor.");
        }
        var unknown = roles.Except(ServiceDefaults.Auth.Roles.All).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"Unknown role(s) {string.Join(", ", unknown)}; known: {string.Join(", ", ServiceDefaults.Auth.Roles.All)}.");
        }
        return new TokenArguments(subject, roles, TimeSpan.FromHours(hours), data);
    }

    private sealed class ArgumentReader(IReadOnlyList<string> args)
    {
        private int _index;

        public string? Peek() => _index < args.Count ? args[_index] : null;

        public string? Next() => _index < args.Count ? args[_index++] : null;

        public string Value(string option) =>
            Next() is { Length: > 0 } value && !value.StartsWith("--", StringComparison.Ordinal)
                ? value
                : throw new UsageException($"{option} needs a value.");

        public int Int(string option, int min, int max)
        {
            var text = Value(option);
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                ? n
                : throw new UsageException($"{option}: '{text}' is not a number from {min} to {max}.");
        }

        public IReadOnlyList<string> List(string option) =>
            Value(option).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => s.ToLowerInvariant())
                .Distinct()
                .ToList();
    }
}
