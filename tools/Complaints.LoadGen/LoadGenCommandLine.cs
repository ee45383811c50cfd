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
            Description = "also measure submit -> acknowledgement delivered, from Notifications' event feed (needs a service client: --token-url, --client-id, --client-secret)",
            HelpName = "notifications grpc url",
            CustomParser = ToolCommandLine.HttpUrl,
        };
        var tokenUrl = new Option<Uri?>("--token-url")
        {
            Description = "the identity provider's token endpoint (e.g. http://127.0.0.1:8080/connect/token)",
            HelpName = "url",
            CustomParser = ToolCommandLine.HttpUrl,
        };
        var clientId = new Option<string?>("--client-id")
        {
            Description = "a service client allowed to read the internal feed (a local run's are in .data/local-secrets.json)",
            HelpName = "id",
            CustomParser = ToolCommandLine.Text,
        };
        var clientSecret = new Option<string?>("--client-secret")
        {
            Description = "that client's secret",
            HelpName = "secret",
            CustomParser = ToolCommandLine.Text,
        };
        var ackTimeout = Whole("--ack-timeout", "seconds to wait for the last acknowledgements", 120, min: 1);

        var root = new RootCommand("Submits complaints over gRPC and prints throughput and latency (p50/p99) on one line.")
        {
            target, count, concurrency, rate, warmup, label, ackFeed, tokenUrl, clientId, clientSecret, ackTimeout,
        };
        // The feed is internal: only a service client's token reads it.
        root.AddCheck(r =>
        {
            if (r.GetResult(ackFeed) is not null && (r.GetResult(tokenUrl) is null || r.GetResult(clientId) is null || r.GetResult(clientSecret) is null))
            {
                r.AddError("--ack-feed needs --token-url, --client-id and --client-secret.");
            }
        });
        root.SetAction(r => run(new LoadOptions(
            r.GetRequiredValue(target),
            r.GetValue(count),
            r.GetValue(concurrency),
            r.GetValue(warmup),
            r.GetRequiredValue(label),
            r.GetValue(ackFeed),
            r.GetValue(tokenUrl) is { } url ? new ServiceClient(url, r.GetRequiredValue(clientId)!, r.GetRequiredValue(clientSecret)!) : null,
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
