using System.CommandLine;
using Complaints.Tools;

namespace Complaints.LoadGen;

/// <summary>The load generator's command line; a usage error exits with 2.</summary>
public static class LoadGenCommandLine
{
    public static Task<int> InvokeAsync(IReadOnlyList<string> args, Func<LoadOptions, Task<int>> run, TextWriter output, TextWriter error) =>
        ToolCommandLine.InvokeAsync(Create(run), args, output, error);

    private static RootCommand Create(Func<LoadOptions, Task<int>> run)
    {
        var target = new Option<Uri>("--target")
        {
            Description = "IntakeService address (Intake directly, or the gateway's h2c listener)",
            HelpName = "grpc url",
            Required = true,
            CustomParser = ToolCommandLine.HttpUrl,
        };
        var count = Whole("--count", "measured submits", 2000, min: 1);
        var concurrency = Whole("--concurrency", "calls in flight at once", 16, min: 1);
        var rate = new Option<double>("--rate")
        {
            Description = "submits per second, paced (open loop); 0 = as fast as --concurrency allows",
            HelpName = "per second",
            DefaultValueFactory = _ => 0,
            CustomParser = ToolCommandLine.Number(0, 1_000_000),
        };
        var warmup = Whole("--warmup", "unmeasured submits first (connections, JIT)", 100, min: 0);
        var label = new Option<string>("--label")
        {
            Description = "names the run in the summary line",
            HelpName = "name",
            DefaultValueFactory = _ => "run",
            CustomParser = ToolCommandLine.Text,
        };
        var ackFeed = new Option<Uri?>("--ack-feed")
        {
            Description = "also measure submit -> acknowledgement delivered, from Notifications' event feed (needs --signing-key)",
            HelpName = "notifications grpc url",
            CustomParser = ToolCommandLine.HttpUrl,
        };
        var signingKey = new Option<string?>("--signing-key")
        {
            Description = "the local Auth:SigningKey, to read the internal feed (see .data/local-secrets.json)",
            HelpName = "base64",
            CustomParser = ToolCommandLine.Text,
        };
        var ackTimeout = Whole("--ack-timeout", "seconds to wait for the last acknowledgements", 120, min: 1);

        var root = new RootCommand("Submits complaints over gRPC and prints throughput and latency (p50/p99) on one line.")
        {
            target, count, concurrency, rate, warmup, label, ackFeed, signingKey, ackTimeout,
        };
        // The feed is internal: without the key every read is refused.
        root.AddCheck(r =>
        {
            if (r.GetResult(ackFeed) is not null && r.GetResult(signingKey) is null)
            {
                r.AddError("--ack-feed needs --signing-key.");
            }
        });
        root.SetAction(r => run(new LoadOptions(
            r.GetRequiredValue(target),
            r.GetValue(count),
            r.GetValue(concurrency),
            r.GetValue(warmup),
            r.GetRequiredValue(label),
            r.GetValue(ackFeed),
            r.GetValue(signingKey),
            TimeSpan.FromSeconds(r.GetValue(ackTimeout)),
            r.GetValue(rate))));
        return root;
    }

    private static Option<int> Whole(string name, string description, int defaultValue, int min) => new(name)
    {
        Description = description,
        HelpName = "n",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = ToolCommandLine.WholeNumber(min),
    };
}
