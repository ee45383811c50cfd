using System.CommandLine;
using System.CommandLine.Parsing;
using Complaints.Tools;

namespace Complaints.Import;

/// <summary>The import CLI's command line; a usage error exits with <see cref="ExitCodes.UsageOrConnection"/>.</summary>
public static class ImportCommandLine
{
    /// <param name="environment">Reads an environment variable (the token's default); the process's own when null.</param>
    public static Task<int> InvokeAsync(IReadOnlyList<string> args, Func<ImportOptions, Task<int>> run, TextWriter output, TextWriter error,
        Func<string, string?>? environment = null) =>
        ToolCommandLine.InvokeAsync(Create(run, environment ?? Environment.GetEnvironmentVariable), args, output, error);

    private static RootCommand Create(Func<ImportOptions, Task<int>> run, Func<string, string?> environment)
    {
        string? EnvironmentToken() =>
            WithoutBearer(environment(ImportOptions.TokenVariable)) is { Length: > 0 } jwt ? jwt : null;

        var file = new Option<string>("--file")
        {
            Description = "a CFPB Consumer Complaint Database export (CSV, 18 columns, header line first)",
            HelpName = "cfpb.csv",
            Required = true,
            CustomParser = ToolCommandLine.Text,
        };
        var target = new Option<Uri?>("--target")
        {
            Description = "ImportService address: the gateway's h2c listener (http://127.0.0.1:8081) or Intake's gRPC port",
            HelpName = "grpc url",
            CustomParser = ToolCommandLine.HttpUrl,
        };
        var token = new Option<string?>("--token")
        {
            Description = $"""
                bearer token with role admin, supervisor or partner; default: the {ImportOptions.TokenVariable}
                environment variable (keeps the token out of the process list)
                (a partner client's token with the complaints.import scope, by client credentials: docs/identity.md)
                """,
            HelpName = "jwt",
            CustomParser = Jwt,
        };
        var open = new Option<bool>("--open") { Description = "import every record as an open case (default: only \"In progress\" ones; the rest closed)" };
        var progress = new Option<int>("--batch-progress")
        {
            Description = "print progress to stderr every N rows",
            HelpName = "N",
            DefaultValueFactory = _ => ImportOptions.DefaultProgressEvery,
            CustomParser = ToolCommandLine.WholeNumber(1),
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "map the file and report rows that cannot be sent; contact no server (--target/--token not needed)" };

        var root = new RootCommand("""
            Imports historical complaints from a CFPB Consumer Complaint Database CSV export into Intake.
            exit code: 0 nothing rejected, 1 some rows rejected, 2 usage or connection error
            """)
        {
            file, target, token, open, progress, dryRun,
        };
        root.AddCheck(r =>
        {
            if (r.GetValue(dryRun))
            {
                return;
            }
            if (r.GetResult(target) is null)
            {
                r.AddError("--target is required (or use --dry-run).");
            }
            if (r.GetResult(token) is null && EnvironmentToken() is null)
            {
                r.AddError("--token is required (or use --dry-run).");
            }
        });
        root.SetAction(r => run(new ImportOptions(
            r.GetRequiredValue(file),
            r.GetValue(target),
            r.GetValue(token) ?? EnvironmentToken(),
            r.GetValue(open),
            r.GetValue(progress),
            r.GetValue(dryRun))));
        return root;
    }

    /// <summary>The token without a "Bearer " prefix; like <see cref="ToolCommandLine.Text"/>, not blank and not an option.</summary>
    private static string Jwt(ArgumentResult result)
    {
        if (ToolCommandLine.LastValue(result) is not { } text)
        {
            return "";
        }
        var jwt = WithoutBearer(text);
        if (jwt.Length == 0 || jwt.StartsWith("--", StringComparison.Ordinal))
        {
            result.AddError("--token needs a value.");
        }
        return jwt;
    }

    private static string WithoutBearer(string? token)
    {
        token = token?.Trim() ?? "";
        return token.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? token["Bearer ".Length..].Trim() : token;
    }
}
