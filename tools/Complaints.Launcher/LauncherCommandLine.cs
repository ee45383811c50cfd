using System.CommandLine;
using System.CommandLine.Parsing;
using Complaints.Tools;

namespace Complaints.Launcher;

internal sealed record RunArguments(
    bool NoBuild,
    string? DataDirectory,
    string Configuration,
    int BasePort,
    int GatewayPort,
    IReadOnlyCollection<string>? Only,
    TimeSpan ReadyTimeout);

internal sealed record SignInArguments(Uri Provider, int CallbackPort);

/// <summary>The launcher's command line: run the platform (the root command), or <c>sign-in</c> for a staff token.</summary>
internal static class LauncherCommandLine
{
    public static Task<int> InvokeAsync(
        IReadOnlyList<string> args, Func<RunArguments, Task<int>> run, Func<SignInArguments, Task<int>> signIn, TextWriter output, TextWriter error) =>
        ToolCommandLine.InvokeAsync(Create(run, signIn), args, output, error);

    private static RootCommand Create(Func<RunArguments, Task<int>> run, Func<SignInArguments, Task<int>> signIn)
    {
        var noBuild = new Option<bool>("--no-build") { Description = "do not run `dotnet build Complaints.sln -c Release` first" };
        var data = new Option<string?>("--data")
        {
            Description = "data folder: databases, mail sink, logs/, local-secrets.json (default <repo>/.data)",
            HelpName = "dir",
            CustomParser = ToolCommandLine.Text,
        };
        var basePort = new Option<int>("--base-port")
        {
            Description = "service ports: gRPC n+1..n+4, HTTP n+11..n+14",
            HelpName = "n",
            DefaultValueFactory = _ => PlatformComponents.DefaultBasePort,
            CustomParser = ToolCommandLine.WholeNumber(1, 65535 - 14),
        };
        var gatewayPort = new Option<int>("--gateway-port")
        {
            Description = "gateway REST/gRPC-Web port; its gRPC (h2c) port is n+1",
            HelpName = "n",
            DefaultValueFactory = _ => PlatformComponents.DefaultGatewayPort,
            CustomParser = ToolCommandLine.WholeNumber(1, 65534),
        };
        var only = new Option<IReadOnlyList<string>?>("--only")
        {
            Description = $"start only these: {string.Join(", ", PlatformComponents.All)}",
            HelpName = "a,b",
            CustomParser = r => Known(r, PlatformComponents.All, unknown => $"--only: unknown component(s) {unknown}."),
        };
        var timeout = new Option<int>("--timeout")
        {
            Description = "how long the processes get to become ready",
            HelpName = "seconds",
            DefaultValueFactory = _ => 60,
            CustomParser = ToolCommandLine.WholeNumber(1, 3600),
        };
        var configuration = new Option<string>("--configuration", "-c")
        {
            Description = "build configuration to build and run",
            HelpName = "c",
            DefaultValueFactory = _ => "Release",
            CustomParser = ToolCommandLine.Text,
        };

        var root = new RootCommand("""
            Runs the complaint platform locally: builds the solution, starts the four services and the gateway,
            waits until each is ready, and stops them all on Ctrl+C.
            From the repository: dotnet run --project tools/Complaints.Launcher -- [options]
            """)
        {
            noBuild, data, basePort, gatewayPort, only, timeout, configuration, CreateSignIn(signIn),
        };
        root.SetAction(r => run(new RunArguments(
            r.GetValue(noBuild),
            r.GetValue(data),
            r.GetRequiredValue(configuration),
            r.GetValue(basePort),
            r.GetValue(gatewayPort),
            r.GetValue(only),
            TimeSpan.FromSeconds(r.GetValue(timeout)))));
        return root;
    }

    private static Command CreateSignIn(Func<SignInArguments, Task<int>> action)
    {
        var gateway = new Option<Uri>("--gateway")
        {
            Description = "the platform's public address, where the identity provider is reached",
            HelpName = "url",
            DefaultValueFactory = _ => new Uri($"http://127.0.0.1:{PlatformComponents.DefaultGatewayPort}/"),
            CustomParser = ToolCommandLine.HttpUrl,
        };
        var callbackPort = new Option<int>("--callback-port")
        {
            Description = "the loopback port the browser returns to (registered with the provider)",
            HelpName = "n",
            DefaultValueFactory = _ => CliSignIn.DefaultCallbackPort,
            CustomParser = ToolCommandLine.WholeNumber(1, 65535),
        };
        var signIn = new Command("sign-in", """
            Signs a staff member in through their browser (authorization code with PKCE) and prints the access token
            on stdout, for staff APIs: TOKEN=$(dotnet run --project tools/Complaints.Launcher -- sign-in)
            """)
        {
            gateway, callbackPort,
        };
        signIn.SetAction(r => action(new SignInArguments(r.GetRequiredValue(gateway), r.GetValue(callbackPort))));
        return signIn;
    }

    /// <summary>A comma-separated list (lower-cased, without duplicates) of known names.</summary>
    private static IReadOnlyList<string> Known(ArgumentResult result, IReadOnlyCollection<string> known, Func<string, string> unknownMessage)
    {
        if (ToolCommandLine.LastValue(result) is not { } text)
        {
            return [];
        }
        var list = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => s.ToLowerInvariant())
            .Distinct()
            .ToList();
        var unknown = list.Except(known).ToList();
        if (list.Count == 0)
        {
            result.AddError($"{ToolCommandLine.OptionName(result)} needs a value.");
        }
        else if (unknown.Count > 0)
        {
            result.AddError(unknownMessage(string.Join(", ", unknown)));
        }
        return list;
    }
}
