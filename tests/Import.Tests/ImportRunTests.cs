using System.Net;
using System.Net.Sockets;
using Grpc.Core;

namespace Complaints.Import.Tests;

/// <summary>The CLI's run against a stand-in ImportService: what it streams, how it reports, its exit codes.</summary>
public sealed class ImportRunTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();
    private FakeImportServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeImportServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task RunAsync_Sample60_StreamsEveryRowWithBearerTokenAndExitsZero()
    {
        var code = await RunAsync(SampleData.Path, "--batch-progress", "25");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal(["Bearer test-token"], _server.Authorizations);
        Assert.Equal(SampleData.Records.Select(r => CfpbRowMapper.Map(r.Row).Request), _server.Received);
        Assert.Equal("imported 60, skipped as duplicate 0, rejected 0" + Environment.NewLine, _out.ToString());
        Assert.Equal(Lines("sent 25/60", "sent 50/60", "sent 60/60"), _err.ToString());
    }

    [Fact]
    public async Task RunAsync_SameFileTwice_SecondRunCountsDuplicates()
    {
        await RunAsync(SampleData.Path);
        _out.GetStringBuilder().Clear();

        var code = await RunAsync(SampleData.Path);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("imported 0, skipped as duplicate 60, rejected 0" + Environment.NewLine, _out.ToString());
    }

    [Fact]
    public async Task RunAsync_OpenFlag_SendsEveryRecordOpen()
    {
        await RunAsync(SampleData.Path, "--open");

        Assert.Equal(60, _server.Received.Count);
        Assert.All(_server.Received, r => Assert.True(r.Open));
    }

    [Fact]
    public async Task RunAsync_WithoutOpenFlag_OnlyInProgressOpen()
    {
        await RunAsync(SampleData.Path);

        Assert.Equal(["cfpb:19210878"], _server.Received.Where(r => r.Open).Select(r => r.SourceId));
    }

    [Fact]
    public async Task RunAsync_UnmappableAndServerRejectedRows_ReportsBothByFileRowAndExitsOne()
    {
        // Record 0 (Referral) cannot be mapped; the server rejects record 10, which is the 9th in the stream.
        var path = _temp.File("bad.csv", SampleData.Text().Replace(",Referral,", ",Carrier pigeon,", StringComparison.Ordinal));
        var rejected = SampleData.Records[10];
        _server.Reject = r => r.SourceId == "cfpb:" + rejected.Row.ComplaintId ? "category: must be one of ..." : null;

        var code = await RunAsync(path);

        Assert.Equal(ExitCodes.Rejected, code);
        Assert.Equal(59, _server.Received.Count);
        Assert.Equal(Lines(
            "imported 58, skipped as duplicate 0, rejected 2",
            "  rejected row 0 (line 2) cfpb:3790251: Submitted via: \"Carrier pigeon\" is not a known channel (one of Web, Referral, Phone, Postal mail, Fax, Email)",
            $"  rejected row 10 (line {rejected.Line}) cfpb:{rejected.Row.ComplaintId}: category: must be one of ..."), _out.ToString());
    }

    [Fact]
    public async Task RunAsync_DryRun_ReportsMappingErrorsWithoutCallingServer()
    {
        var path = _temp.File("bad.csv", SampleData.Text().Replace(",3790251\r\n", ",\r\n", StringComparison.Ordinal));

        var code = await Run(new ImportOptions(path, null, null, OpenAll: false, ProgressEvery: 100, DryRun: true));

        Assert.Equal(ExitCodes.Rejected, code);
        Assert.Empty(_server.Authorizations);
        Assert.Equal(Lines(
            "dry run: 60 rows read, 59 would be sent, rejected 1",
            "  rejected row 0 (line 2) (no source id): Complaint ID: is required"), _out.ToString());
        Assert.Equal(Lines("mapped 60/60"), _err.ToString());
    }

    [Fact]
    public async Task RunAsync_DryRunCleanFile_ExitsZero()
    {
        var code = await Run(new ImportOptions(SampleData.Path, null, null, OpenAll: false, ProgressEvery: 100, DryRun: true));

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("dry run: 60 rows read, 60 would be sent, rejected 0" + Environment.NewLine, _out.ToString());
    }

    [Theory]
    [InlineData(StatusCode.Unauthenticated)]
    [InlineData(StatusCode.PermissionDenied)]
    public async Task RunAsync_ServerRefusesCall_ExitsTwoNamingStatus(StatusCode status)
    {
        _server.FailWith = status;

        var code = await RunAsync(SampleData.Path);

        Assert.Equal(ExitCodes.UsageOrConnection, code);
        Assert.True(_err.ToString().Contains($"error: the import call failed: {status}: refused by the fake", StringComparison.Ordinal), _err.ToString());
        Assert.Equal("", _out.ToString());
    }

    [Fact]
    public async Task RunAsync_NothingListening_ExitsTwo()
    {
        // Bound but not listening: connections are refused, and no other process can take the port meanwhile.
        using var bound = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        bound.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var code = await Run(new ImportOptions(SampleData.Path, new Uri($"http://127.0.0.1:{((IPEndPoint)bound.LocalEndPoint!).Port}"), "t", false, 100, false));

        Assert.Equal(ExitCodes.UsageOrConnection, code);
        Assert.Contains("error: the import call failed: Unavailable", _err.ToString());
    }

    [Fact]
    public async Task RunAsync_MissingFile_ExitsTwo()
    {
        var code = await RunAsync(Path.Combine(_temp.Path, "nope.csv"));

        Assert.Equal(ExitCodes.UsageOrConnection, code);
        Assert.Contains("no such file", _err.ToString());
        Assert.Empty(_server.Authorizations);
    }

    [Fact]
    public async Task RunAsync_NotACfpbFile_ExitsTwoBeforeCallingServer()
    {
        var path = _temp.File("other.csv", "id,name\n1,x\n");

        var code = await RunAsync(path);

        Assert.Equal(ExitCodes.UsageOrConnection, code);
        Assert.Contains("not a CFPB export", _err.ToString());
        Assert.Empty(_server.Authorizations);
    }

    // Through the command line, as the tool runs.
    private Task<int> RunAsync(string file, params string[] more) =>
        ImportCommandLine.InvokeAsync(["--file", file, "--target", _server.Url.ToString(), "--token", "test-token", .. more], Run, _out, _err);

    private Task<int> Run(ImportOptions options) => ImportRun.RunAsync(options, _out, _err, CancellationToken.None);

    private static string Lines(params string[] lines) => string.Concat(lines.Select(l => l + Environment.NewLine));
}
