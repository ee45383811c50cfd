namespace Complaints.Import.Tests;

/// <summary>The command line as the tool parses it: what reaches the run, and what a bad one prints and returns.</summary>
public class ImportCommandLineTests
{
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();
    private ImportOptions? _parsed;

    /// <summary>The environment the parser sees: none of the test process's own (a developer's COMPLAINTS_TOKEN).</summary>
    private readonly Dictionary<string, string> _environment = [];

    [Fact]
    public async Task Parse_AllOptions_ReadsEach()
    {
        var o = await ParseAsync("--file", "a.csv", "--target", "http://127.0.0.1:8081", "--token", "jwt", "--open", "--batch-progress", "25", "--dry-run");

        Assert.Equal(new ImportOptions("a.csv", new Uri("http://127.0.0.1:8081"), "jwt", OpenAll: true, ProgressEvery: 25, DryRun: true), o);
    }

    [Fact]
    public async Task Parse_Minimal_DefaultsClosedProgress100()
    {
        var o = await ParseAsync("--target", "http://127.0.0.1:5101", "--token", "jwt", "--file", "a.csv");

        Assert.False(o.OpenAll);
        Assert.False(o.DryRun);
        Assert.Equal(100, o.ProgressEvery);
    }

    [Fact]
    public async Task Parse_TokenWithBearerPrefix_PrefixDropped()
    {
        Assert.Equal("jwt", (await ParseAsync("--file", "a.csv", "--target", "http://h:1", "--token", "Bearer jwt")).Token);
    }

    [Fact]
    public async Task Parse_FileNameStartingWithAt_TakenAsAFileNameNotAResponseFile()
    {
        Assert.Equal("@export.csv", (await ParseAsync("--file", "@export.csv", "--dry-run")).File);
    }

    [Fact]
    public async Task Parse_TokenInEnvironmentOnly_TakenFromTheEnvironment()
    {
        _environment[ImportOptions.TokenVariable] = "Bearer env-jwt";

        Assert.Equal("env-jwt", (await ParseAsync("--file", "a.csv", "--target", "http://h:1")).Token);
    }

    [Fact]
    public async Task Parse_DryRun_NeedsNoTargetOrToken()
    {
        var o = await ParseAsync("--file", "a.csv", "--dry-run");

        Assert.Null(o.Target);
        Assert.Null(o.Token);
    }

    [Theory]
    [InlineData(new string[0], "Option '--file' is required.")]
    [InlineData(new[] { "--file", "a.csv", "--token", "t" }, "--target is required (or use --dry-run).")]
    [InlineData(new[] { "--file", "a.csv", "--target", "http://h:1" }, "--token is required (or use --dry-run).")]
    [InlineData(new[] { "--file", "a.csv", "--target", "h:1", "--token", "t" }, "--target must be an http:// or https:// URL (got \"h:1\").")]
    [InlineData(new[] { "--file", "a.csv", "--dry-run", "--batch-progress", "0" }, "--batch-progress: '0' is not a whole number of at least 1.")]
    [InlineData(new[] { "--file", "a.csv", "--dry-run", "--batch-progress", "x" }, "--batch-progress: 'x' is not a whole number of at least 1.")]
    [InlineData(new[] { "--file", "a.csv", "--dry-run", "--batch-progress" }, "Required argument missing for option: '--batch-progress'.")]
    [InlineData(new[] { "--file", "--dry-run" }, "--file needs a value.")]
    [InlineData(new[] { "--file", "a.csv", "--dry-run", "--token", " " }, "--token needs a value.")]
    [InlineData(new[] { "--file", "a.csv", "--token", "--batch-progress", "5" }, "--token needs a value.")]
    [InlineData(new[] { "--file", "a.csv", "--dry-run", "--verbose" }, "Unrecognized command or argument '--verbose'.")]
    public async Task InvokeAsync_BadArguments_UsageErrorNamesProblemAndRunsNothing(string[] args, string message)
    {
        var code = await InvokeAsync(args);

        Assert.Equal(ExitCodes.UsageOrConnection, code);
        Assert.Null(_parsed);
        Assert.Contains(message, ErrorLines());
    }

    [Fact]
    public async Task InvokeAsync_UsageError_ExitCode2WithHelpOnStderrOnly()
    {
        var code = await InvokeAsync("--file", "a.csv", "--dry-run", "--batch-progress", "many");

        Assert.Equal(2, code);
        Assert.Equal("", _out.ToString());
        Assert.Contains("--batch-progress <N>", _err.ToString());
    }

    [Fact]
    public async Task InvokeAsync_Help_ExitCode0ListsOptionsAndExitCodes()
    {
        var code = await InvokeAsync("--help");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Null(_parsed);
        var help = _out.ToString();
        Assert.All(["--file", "--target", "--token", "--open", "--batch-progress", "--dry-run"], option => Assert.Contains(option, help));
        Assert.Contains("exit code: 0 nothing rejected, 1 some rows rejected, 2 usage or connection error", help);
    }

    private Task<int> InvokeAsync(params string[] args) =>
        ImportCommandLine.InvokeAsync(args, o =>
        {
            _parsed = o;
            return Task.FromResult(ExitCodes.Ok);
        }, _out, _err, name => _environment.GetValueOrDefault(name));

    private async Task<ImportOptions> ParseAsync(params string[] args)
    {
        Assert.True(await InvokeAsync(args) == ExitCodes.Ok, _err.ToString());
        return Assert.IsType<ImportOptions>(_parsed);
    }

    private string[] ErrorLines() => _err.ToString().Split(Environment.NewLine);
}
