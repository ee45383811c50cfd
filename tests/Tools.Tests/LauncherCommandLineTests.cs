using Complaints.Launcher;

namespace Complaints.Tools.Tests;

/// <summary>The launcher's command line as it runs: what reaches the run command, and what a bad one prints and returns.</summary>
public class LauncherCommandLineTests
{
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();
    private RunArguments? _run;
    private SignInArguments? _signIn;

    [Fact]
    public async Task InvokeAsync_NoArguments_RunsWithDocumentedDefaults()
    {
        var code = await InvokeAsync();

        Assert.Equal(0, code);
        var run = Assert.IsType<RunArguments>(_run);
        Assert.False(run.NoBuild);
        Assert.Null(run.DataDirectory);
        Assert.Equal("Release", run.Configuration);
        Assert.Equal(5100, run.BasePort);
        Assert.Equal(8080, run.GatewayPort);
        Assert.Null(run.Only);
        Assert.Equal(TimeSpan.FromSeconds(60), run.ReadyTimeout);
    }

    [Fact]
    public async Task InvokeAsync_EveryRunOption_ParsesIntoRunArguments()
    {
        var code = await InvokeAsync(
            "--no-build", "--data", "/tmp/d", "-c", "Debug", "--base-port", "15100", "--gateway-port", "18080",
            "--only", "Intake, gateway,intake", "--timeout", "120");

        Assert.Equal(0, code);
        var run = Assert.IsType<RunArguments>(_run);
        Assert.Equal(
            new RunArguments(true, "/tmp/d", "Debug", 15100, 18080, run.Only, TimeSpan.FromSeconds(120)),
            run);
        Assert.Equal(["intake", "gateway"], run.Only!);
    }

    [Fact]
    public async Task InvokeAsync_SignIn_DefaultsToTheLocalGatewayAndTheRegisteredCallbackPort()
    {
        var code = await InvokeAsync("sign-in");

        Assert.Equal(0, code);
        Assert.Equal(new SignInArguments(new Uri("http://127.0.0.1:8080/"), CliSignIn.DefaultCallbackPort), _signIn);
        Assert.Null(_run);
    }

    [Fact]
    public async Task InvokeAsync_SignInWithOptions_ParsesIntoSignInArguments()
    {
        var code = await InvokeAsync("sign-in", "--gateway", "https://complaints.example.org/", "--callback-port", "9000");

        Assert.Equal(0, code);
        Assert.Equal(new SignInArguments(new Uri("https://complaints.example.org/"), 9000), _signIn);
    }

    [Fact]
    public async Task InvokeAsync_OptionGivenTwice_LastValueWins()
    {
        var code = await InvokeAsync("--base-port", "15100", "--no-build", "--base-port", "16100", "--only", "intake", "--only", "gateway");

        Assert.Equal(0, code);
        var run = Assert.IsType<RunArguments>(_run);
        Assert.Equal(16100, run.BasePort);
        Assert.Equal(["gateway"], run.Only!);
    }

    [Theory]
    [InlineData(new[] { "--bogus" }, "Unrecognized command or argument '--bogus'.")]
    [InlineData(new[] { "token", "--sub", "alice", "--roles", "admin" }, "Unrecognized command or argument 'token'.")]
    [InlineData(new[] { "sign-in", "--gateway", "ftp://h" }, "--gateway must be an http:// or https:// URL (got \"ftp://h\").")]
    [InlineData(new[] { "sign-in", "--callback-port", "0" }, "--callback-port: '0' is not a whole number from 1 to 65535.")]
    [InlineData(new[] { "--base-port", "x" }, "--base-port: 'x' is not a whole number from 1 to 65521.")]
    [InlineData(new[] { "--base-port", "65522" }, "--base-port: '65522' is not a whole number from 1 to 65521.")]
    [InlineData(new[] { "--gateway-port", "-1" }, "--gateway-port: '-1' is not a whole number from 1 to 65534.")]
    [InlineData(new[] { "--timeout", "0" }, "--timeout: '0' is not a whole number from 1 to 3600.")]
    [InlineData(new[] { "--timeout" }, "Required argument missing for option: '--timeout'.")]
    [InlineData(new[] { "--timeout", "5", "--timeout" }, "--timeout needs a value.")]
    [InlineData(new[] { "--only", "intake", "gateway" }, "Unrecognized command or argument 'gateway'.")]
    [InlineData(new[] { "--data", "--no-build" }, "--data needs a value.")]
    [InlineData(new[] { "--only", "intake,billing" }, "--only: unknown component(s) billing.")]
    public async Task InvokeAsync_BadArguments_UsageErrorNamesProblemAndRunsNothing(string[] args, string message)
    {
        var code = await InvokeAsync(args);

        Assert.Equal(2, code);
        Assert.Null(_run);
        Assert.Null(_signIn);
        Assert.Contains(message, _err.ToString().Split(Environment.NewLine));
    }

    [Theory]
    [InlineData(new[] { "--help" }, new[] { "--no-build", "--data <dir>", "--base-port <n>", "--gateway-port <n>", "--only <a,b>", "--timeout <seconds>", "-c, --configuration <c>" })]
    [InlineData(new[] { "-h" }, new[] { "--no-build" })]
    public async Task InvokeAsync_Help_ExitCode0ListsOptions(string[] args, string[] expected)
    {
        var code = await InvokeAsync(args);

        Assert.Equal(0, code);
        Assert.Null(_run);
        Assert.All(expected, text => Assert.Contains(text, _out.ToString()));
    }

    private Task<int> InvokeAsync(params string[] args) => LauncherCommandLine.InvokeAsync(
        args,
        run =>
        {
            _run = run;
            return Task.FromResult(0);
        },
        signIn =>
        {
            _signIn = signIn;
            return Task.FromResult(0);
        },
        _out,
        _err);
}
