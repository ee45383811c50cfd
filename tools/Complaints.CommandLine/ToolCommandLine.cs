using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Complaints.Tools;

/// <summary>
/// What the tools add to System.CommandLine: the documented exit code 2 for a bad
/// command line, and value parsers that reject what the earlier hand-written parsers rejected.
/// </summary>
/// <remarks>
/// Values are checked in <c>CustomParser</c>s rather than option validators: System.CommandLine 3.0 runs validators
/// before it converts the value, so one that reads an unparsable value throws instead of reporting it.
/// </remarks>
public static class ToolCommandLine
{
    /// <summary>System.CommandLine's own is 1, which Import and LoadGen use for rejected rows and failed submits.</summary>
    public const int UsageError = 2;

    /// <summary>Parses and runs; a usage error prints the errors and the command's help to <paramref name="error"/> and runs nothing.</summary>
    public static async Task<int> InvokeAsync(RootCommand command, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        LetLastValueWin(command);
        // No response files: an argument starting with @ (a file name, say) is taken as it is.
        var result = command.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        var usageError = result.Action is ParseErrorAction;
        var configuration = new InvocationConfiguration
        {
            // stdout may be captured (TOKEN=$(... token ...)): help after an error goes to stderr.
            Output = usageError ? error : output,
            Error = error,
            // The tools handle Ctrl+C and SIGTERM themselves (the launcher stops its children with a grace period);
            // System.CommandLine's handler would end the process 2 s after the signal.
            ProcessTerminationTimeout = null,
            // A crash stays a crash rather than exit code 1, which means rejected rows or failed submits.
            EnableDefaultExceptionHandler = false,
        };
        var code = await result.InvokeAsync(configuration);
        return usageError ? UsageError : code;
    }

    /// <summary>
    /// Adds a check across options, made only once every required option is given and every given value parses:
    /// System.CommandLine runs command validators before it converts values, and reports nothing else when one fails.
    /// </summary>
    public static void AddCheck(this Command command, Action<CommandResult> check) => command.Validators.Add(result =>
    {
        if (command.Options.Any(o => o.Required && result.GetResult(o) is null))
        {
            return;
        }
        foreach (var option in result.Children.OfType<OptionResult>())
        {
            try
            {
                option.GetValueOrDefault<object?>();
            }
            catch (InvalidOperationException)
            {
                return; // The parser has recorded its own error.
            }
        }
        check(result);
    });

    /// <summary>A value that is not another option: "--data --no-build" is a missing value, not a folder named --no-build.</summary>
    public static string Text(ArgumentResult result)
    {
        var text = LastValue(result);
        if (text is not null && (string.IsNullOrWhiteSpace(text) || text.StartsWith("--", StringComparison.Ordinal)))
        {
            result.AddError($"{OptionName(result)} needs a value.");
        }
        return text ?? "";
    }

    /// <summary>Digits only, from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Func<ArgumentResult, int> WholeNumber(int min, int max = int.MaxValue) => result =>
    {
        if (LastValue(result) is not { } text)
        {
            return default;
        }
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }
        var range = max == int.MaxValue ? $"of at least {min}" : $"from {min} to {max}";
        result.AddError($"{OptionName(result)}: '{text}' is not a whole number {range}.");
        return default;
    };

    /// <summary>Digits with an optional decimal point (no sign, no exponent), from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Func<ArgumentResult, double> Number(double min, double max) => result =>
    {
        if (LastValue(result) is not { } text)
        {
            return default;
        }
        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }
        result.AddError($"{OptionName(result)}: '{text}' is not a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}.");
        return default;
    };

    /// <summary>An absolute http:// or https:// URL (System.CommandLine 3.0 has no Uri converter).</summary>
    public static Uri HttpUrl(ArgumentResult result)
    {
        if (LastValue(result) is not { } text)
        {
            return null!; // Never read after a failed parse.
        }
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }
        result.AddError($"{OptionName(result)} must be an http:// or https:// URL (got \"{text}\").");
        return null!; // Never read after a failed parse.
    }

    public static string OptionName(ArgumentResult result) => result.Parent is OptionResult o ? o.Option.Name : result.Argument.Name;

    /// <summary>The last value given, or null after reporting an occurrence of the option without one ("--count 5 --count").</summary>
    public static string? LastValue(ArgumentResult result)
    {
        if (result.Tokens.Count == 0 || (result.Parent is OptionResult option && result.Tokens.Count < option.IdentifierTokenCount))
        {
            result.AddError($"{OptionName(result)} needs a value.");
            return null;
        }
        return result.Tokens[^1].Value;
    }

    /// <summary>
    /// A repeated option's last value wins, as with the earlier parsers (tools/bench.sh repeats --count): System.CommandLine
    /// rejects a repeat unless the arity allows several values, and still takes one value per occurrence.
    /// </summary>
    private static void LetLastValueWin(Command command)
    {
        foreach (var option in command.Options.Where(o => o.Arity.Equals(ArgumentArity.ExactlyOne)))
        {
            option.Arity = ArgumentArity.OneOrMore;
        }
        foreach (var subcommand in command.Subcommands)
        {
            LetLastValueWin(subcommand);
        }
    }
}
