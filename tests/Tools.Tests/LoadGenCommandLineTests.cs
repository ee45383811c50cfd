using Complaints.LoadGen;

namespace Complaints.Tools.Tests;

/// <summary>The load generator's command line as it runs: what reaches the run, and what a bad one prints and returns.</summary>
public class LoadGenCommandLineTests
{
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();
    private LoadOptions? _parsed;

    [Fact]
    public async Task InvokeAsync_TargetOnly_DocumentedDefaults()
    {
        var code = await InvokeAsync("--target", "http://127.0.0.1:5101");

        Assert.Equal(0, code);
        Assert.Equal(new LoadOptions(new Uri("http://127.0.0.1:5101"), 2000, 16, 100, "run", null, null, TimeSpan.FromSeconds(120), 0), _parsed);
    }

    [Fact]
    public async Task InvokeAsync_BenchScriptArguments_ParseIntoLoadOptions()
    {
        // As tools/bench.sh passes them for the steady run.
        var code = await InvokeAsync(
            "--count", "600", "--concurrency", "16", "--token-url", "http://127.0.0.1:18080/connect/token", "--client-id", "insights",
            "--client-secret", "s3cret", "--warmup", "1000", "--ack-feed", "http://127.0.0.1:15103",
            "--label", "steady-via-gateway", "--target", "http://127.0.0.1:18081", "--count", "600", "--rate", "20", "--warmup", "0", "--ack-timeout", "30");

        Assert.True(code == 0, _err.ToString());
        Assert.Equal(
            new LoadOptions(new Uri("http://127.0.0.1:18081"), 600, 16, 0, "steady-via-gateway", new Uri("http://127.0.0.1:15103"),
                new ServiceClient(new Uri("http://127.0.0.1:18080/connect/token"), "insights", "s3cret"), TimeSpan.FromSeconds(30), 20),
            _parsed);
    }

    [Theory]
    [InlineData(new string[0], "Option '--target' is required.")]
    [InlineData(new[] { "--target", "http://h:1", "--verbose" }, "Unrecognized command or argument '--verbose'.")]
    [InlineData(new[] { "--target", "h:1" }, "--target must be an http:// or https:// URL (got \"h:1\").")]
    [InlineData(new[] { "--target", "http://h:1", "--count", "many" }, "--count: 'many' is not a whole number of at least 1.")]
    [InlineData(new[] { "--target", "http://h:1", "--concurrency", "0" }, "--concurrency: '0' is not a whole number of at least 1.")]
    [InlineData(new[] { "--target", "http://h:1", "--warmup", "-1" }, "--warmup: '-1' is not a whole number of at least 0.")]
    [InlineData(new[] { "--target", "http://h:1", "--rate", "fast" }, "--rate: 'fast' is not a number from 0 to 1000000.")]
    [InlineData(new[] { "--target", "http://h:1", "--label", "--count", "5" }, "--label needs a value.")]
    [InlineData(new[] { "--target", "http://h:1", "--ack-feed", "http://h:2" }, "--ack-feed needs --token-url, --client-id and --client-secret.")]
    [InlineData(new[] { "--target", "http://h:1", "--ack-feed", "http://h:2", "--token-url", "http://h:3/connect/token", "--client-id", "insights" },
        "--ack-feed needs --token-url, --client-id and --client-secret.")]
    public async Task InvokeAsync_BadArguments_UsageErrorNamesProblemAndRunsNothing(string[] args, string message)
    {
        var code = await InvokeAsync(args);

        Assert.Equal(2, code);
        Assert.Null(_parsed);
        Assert.Contains(message, _err.ToString().Split(Environment.NewLine));
    }

    [Fact]
    public async Task InvokeAsync_FractionalRate_Accepted()
    {
        await InvokeAsync("--target", "http://h:1", "--rate", "2.5");

        Assert.Equal(2.5, Assert.IsType<LoadOptions>(_parsed).Rate);
    }

    [Fact]
    public async Task InvokeAsync_Help_ExitCode0ListsOptions()
    {
        var code = await InvokeAsync("--help");

        Assert.Equal(0, code);
        Assert.Null(_parsed);
        Assert.All(
            ["--target", "--count", "--concurrency", "--rate", "--warmup", "--label", "--ack-feed", "--token-url", "--client-id", "--client-secret", "--ack-timeout"],
            option => Assert.Contains(option, _out.ToString()));
    }

    private Task<int> InvokeAsync(params string[] args) => LoadGenCommandLine.InvokeAsync(
        args,
        options =>
        {
            _parsed = options;
            return Task.FromResult(0);
        },
        _out,
        _err);
}
