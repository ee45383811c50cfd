using System.Globalization;

namespace Complaints.Import;

/// <summary>A bad command line; the message says what is wrong.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <param name="ProgressEvery">Print "sent N/total" to stderr every this many rows.</param>
public sealed record ImportOptions(string File, Uri? Target, string? Token, bool OpenAll, int ProgressEvery, bool DryRun)
{
    public const int DefaultProgressEvery = 100;

    public const string Usage = """
        usage: Complaints.Import --file <cfpb.csv> --target <grpc url> --token <jwt> [--open] [--batch-progress 100] [--dry-run]
          --file            a CFPB Consumer Complaint Database export (CSV, 18 columns, header line first)
          --target          ImportService address: the gateway's h2c listener (http://127.0.0.1:8081) or Intake's gRPC port
          --token           bearer token with role admin, supervisor or partner; default: the COMPLAINTS_TOKEN
                            environment variable (keeps the token out of the process list)
                            (TOKEN=$(dotnet run --project tools/Complaints.Launcher -- token --sub importer --roles partner))
          --open            import every record as an open case (default: only "In progress" ones; the rest closed)
          --batch-progress  print progress to stderr every N rows (default 100)
          --dry-run         map the file and report rows that cannot be sent; contact no server (--target/--token not needed)
        exit code: 0 nothing rejected, 1 some rows rejected, 2 usage or connection error
        """;

    public static bool IsHelp(IReadOnlyList<string> args) => args.Any(a => a is "-h" or "--help" or "-?");

    /// <summary>Parses the arguments; throws <see cref="UsageException"/> naming the problem.</summary>
    public static ImportOptions Parse(IReadOnlyList<string> args)
    {
        string? file = null, target = null, token = null, progress = null;
        bool open = false, dryRun = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "--open":
                    open = true;
                    break;
                case "--dry-run":
                    dryRun = true;
                    break;
                case "--file":
                    file = Value(args, ref i);
                    break;
                case "--target":
                    target = Value(args, ref i);
                    break;
                case "--token":
                    token = Value(args, ref i);
                    break;
                case "--batch-progress":
                    progress = Value(args, ref i);
                    break;
                default:
                    throw new UsageException($"unknown argument \"{arg}\".");
            }
        }

        if (string.IsNullOrWhiteSpace(file))
        {
            throw new UsageException("--file is required.");
        }
        var every = DefaultProgressEvery;
        if (progress is not null && (!int.TryParse(progress, NumberStyles.None, CultureInfo.InvariantCulture, out every) || every <= 0))
        {
            throw new UsageException($"--batch-progress must be a positive whole number (got \"{progress}\").");
        }

        Uri? uri = null;
        if (target is not null)
        {
            if (!Uri.TryCreate(target, UriKind.Absolute, out uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new UsageException($"--target must be an http:// or https:// URL (got \"{target}\").");
            }
        }
        else if (!dryRun)
        {
            throw new UsageException("--target is required (or use --dry-run).");
        }

        token = (token ?? Environment.GetEnvironmentVariable("COMPLAINTS_TOKEN"))?.Trim();
        if (token is not null && token.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = token["Bearer ".Length..].Trim();
        }
        if (string.IsNullOrEmpty(token) && !dryRun)
        {
            throw new UsageException("--token is required (or use --dry-run).");
        }

        return new ImportOptions(file, uri, string.IsNullOrEmpty(token) ? null : token, open, every, dryRun);
    }

    private static string Value(IReadOnlyList<string> args, ref int i)
    {
        var name = args[i];
        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            throw new UsageException($"{name} needs a value.");
        }
        return args[++i];
    }
}
