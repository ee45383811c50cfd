using Complaints.Launcher;

namespace Complaints.Tools.Tests;

/// <summary>The launcher's command line as it runs: what reaches the run or token command, and what a bad one prints and returns.</summary>
public class LauncherCommandLineTests
{
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();
    private RunArguments? _run;
    private TokenArguments? _token;

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
        Assert.Null(_token);
    }

    [Fact]
    public async Task InvokeAsync_Token_ParsesIntoTokenArguments()
    {
        var code = await InvokeAsync("token", "--sub", "alice", "--roles", "Agent,supervisor", "--hours", "2", "--data", "/tmp/d");

        Assert.Equal(0, code);
        var token = Assert.IsType<TokenArguments>(_token);
        Assert.Equal("alice", token.Subject);
        Assert.Equal(["agent", "supervisor"], token.Roles);
        Assert.Equal(TimeSpan.FromHours(2), token.Lifetime);
        Assert.Equal("/tmp/d", token.DataDirectory);
        Assert.Null(_run);
    }

    [Fact]
    public async Task InvokeAsync_TokenWithoutHours_LastsEightHours()
    {
        await InvokeAsync("token", "--sub", "alice", "--roles", "agent");

        Assert.Equal(TimeSpan.FromHours(8), Assert.IsType<TokenArguments>(_token).Lifetime);
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
    [InlineData(new[] { "token", "--sub", "a", "--roles", "agent", "--no-build" }, "Unrecognized command or argument '--no-build'.")]
    [InlineData(new[] { "--base-port", "x" }, "--base-port: 'x' is not a whole number from 1 to 65521.")]
    [InlineData(new[] { "--base-port", "65522" }, "--base-port: '65522' is not a whole number from 1 to 65521.")]
    [InlineData(new[] { "--gateway-port", "-1" }, "--gateway-port: '-1' is not a whole number from 1 to 65534.")]
    [InlineData(new[] { "--timeout", "0" }, "--timeout: '0' is not a whole number from 1 to 3600.")]
    [InlineData(new[] { "--timeout" }, "Required argument missing for option: '--timeout'.")]
    [InlineData(new[] { "--timeout", "5", "--timeout" }, "--timeout needs a value.")]
    [InlineData(new[] { "--only", "intake", "gateway" }, "Unrecognized command or argument 'gateway'.")]
    [InlineData(new[] { "--data", "--no-build" }, "--data needs a value.")]
    [InlineData(new[] { "--only", "intake,billing" }, "--only: unknown component(s) billing.")]
    [InlineData(new[] { "token", "--roles", "agent" }, "Option '--sub' is required.")]
    [InlineData(new[] { "token", "--sub", "alice" }, "Option '--roles' is required.")]
    [InlineData(new[] { "token", "--sub", "alice", "--roles", "," }, "--roles needs a value.")]
    [InlineData(new[] { "token", "--sub", "alice", "--roles", "agent,boss" }, "--roles: unknown role(s) boss; known: agent, supervisor, admin, analyst, partner, service.")]
    [InlineData(new[] { "token", "--sub", "alice", "--roles", "agent", "--hours", "721" }, "--hours: '721' is not a whole number from 1 to 720.")]
    [InlineData(new[] { "--data", "/tmp/d", "token", "--sub", "alice", "--roles", "agent" }, "--data is not an option of token; put 'token' first.")]
    public async Task InvokeAsync_BadArguments_UsageErrorNamesProblemAndRunsNothing(string[] args, string message)
    {
        var code = await InvokeAsync(args);

        Assert.Equal(2, code);
        Assert.Null(_run);
        Assert.Null(_token);
        Assert.Contains(message, _err.ToString().Split(Environment.NewLine));
    }

    [Fact]
    public async Task InvokeAsync_TokenUsageError_ExitCode2AndNothingOnStdout()
    {
        // TOKEN=$(... token ...) must capture nothing but a token.
        var code = await InvokeAsync("token", "--sub", "alice", "--roles", "boss");

        Assert.Equal(2, code);
        Assert.Equal("", _out.ToString());
        Assert.Contains("--roles <r1,r2>", _err.ToString());
    }

    [Theory]
    [InlineData(new[] { "--help" }, new[] { "--no-build", "--data <dir>", "--base-port <n>", "--gateway-port <n>", "--only <a,b>", "--timeout <seconds>", "-c, --configuration <c>", "token" })]
    [InlineData(new[] { "-h" }, new[] { "--no-build", "token" })]
    [InlineData(new[] { "token", "--help" }, new[] { "--sub <user>", "--roles <r1,r2>", "--hours <hours>", "--data <dir>", "agent, supervisor, admin, analyst, partner" })]
    public async Task InvokeAsync_Help_ExitCode0ListsOptions(string[] args, string[] expected)
    {
        var code = await InvokeAsync(args);

        Assert.Equal(0, code);
        Assert.Null(_run);
        Assert.Null(_token);
        Assert.All(expected, text => Assert.Contains(text, _out.ToString()));
    }

    private Task<int> InvokeAsync(params string[] args) => LauncherCommandLine.InvokeAsync(
        args,
        run =>
        {
            _run = run;
            return Task.FromResult(0);
        },
        token =>
        {
            _token = token;
            return 0;
        },
        _out,
        _err);
}
