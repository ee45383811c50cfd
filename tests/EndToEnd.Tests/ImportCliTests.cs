using System.Diagnostics;
using Complaints.Launcher;
using Complaints.TestSupport;

namespace Complaints.EndToEnd.Tests;

/// <summary>The import CLI, as a process, against a real Intake configured with the CFPB taxonomy.</summary>
public class ImportCliTests
{
    private static async Task<(int ExitCode, string Output, string Errors)> RunCliAsync(PlatformProcesses platform, string token)
    {
        var cli = Path.Combine(platform.RepositoryRoot, "tools", "Complaints.Import", "bin", PlatformFixture.BuildConfiguration, "net10.0", "Complaints.Import.dll");
        var csv = Path.Combine(AppContext.BaseDirectory, "Data", "cfpb-sample-60.csv");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { cli, "--file", csv, "--target", platform["intake"].GrpcUrl, "--token", token, "--batch-progress", "20" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await output, await errors);
    }

    [Fact]
    public async Task ImportCli_RealCfpbRowsTwice_ImportsAllThenCreatesNothingNew()
    {
        using var data = new TempFolder("complaints-e2e-import");
        await using var platform = PlatformFixture.Start(data.Path, null, o =>
        {
            o.Components = ["intake", "identity"];
            o.Environment["Intake__Taxonomy"] = "cfpb";
        });
        await platform.StartAsync();
        var token = await new PlatformTokens(platform).PartnerAsync("cfpb-importer", "complaints.import");

        var first = await RunCliAsync(platform, token);
        var second = await RunCliAsync(platform, token);

        Assert.True(first.ExitCode == 0, first.Output + first.Errors);
        Assert.Contains("imported 60, skipped as duplicate 0, rejected 0", first.Output);
        Assert.Contains("sent 60/60", first.Errors);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("imported 0, skipped as duplicate 60, rejected 0", second.Output);
    }
}
