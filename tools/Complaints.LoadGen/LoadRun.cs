using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Complaints.Common.V1;
using Complaints.Eventing.V1;
using Complaints.Intake.V1;
using Complaints.Notifications.V1;
using Complaints.Tools;
using Grpc.Core;
using Grpc.Net.Client;

namespace Complaints.LoadGen;

public sealed record LoadResult(LoadOptions Options, int Ok, int Errors, double Seconds, double[] LatenciesMs, double[] AckMs, int Unacknowledged)
{
    public string Summary()
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{Options.Label}: submits={Ok} errors={Errors} concurrency={Options.Concurrency} rate={(Options.Rate > 0 ? Options.Rate.ToString("0", CultureInfo.InvariantCulture) + "/s" : "max")} throughput={Ok / Seconds:0.0}/s " +
            $"p50={Percentile(LatenciesMs, 50):0.0}ms p99={Percentile(LatenciesMs, 99):0.0}ms");
        if (Options.AckFeed is not null)
        {
            line += string.Create(CultureInfo.InvariantCulture,
                $" ack_p50={Percentile(AckMs, 50):0}ms ack_p99={Percentile(AckMs, 99):0}ms acked={AckMs.Length} unacknowledged={Unacknowledged}");
        }
        return line;
    }

    public static double Percentile(double[] values, double p)
    {
        if (values.Length == 0)
        {
            return double.NaN;
        }
        var sorted = values.OrderBy(v => v).ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}

public static class LoadRun
{
    public static async Task<LoadResult> RunAsync(LoadOptions o)
    {
        using var channel = GrpcChannel.ForAddress(o.Target, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        });
        var client = new IntakeService.IntakeServiceClient(channel);
        var runId = Guid.NewGuid().ToString("N")[..8];

        // Warm up connections and JIT on both ends; not measured.
        await SubmitManyAsync(client, $"{runId}-w", o.Warmup, o.Concurrency, 0, (_, _, _) => { });

        var submittedAt = new ConcurrentDictionary<string, long>();
        using var ackCts = new CancellationTokenSource();
        var acks = new ConcurrentDictionary<string, double>();
        Task? ackReader = o.AckFeed is null ? null : ReadAcksAsync(o, submittedAt, acks, ackCts.Token);

        var latencies = new ConcurrentBag<double>();
        var watch = Stopwatch.StartNew();
        var errors = await SubmitManyAsync(client, runId, o.Count, o.Concurrency, o.Rate, (id, started, elapsedMs) =>
        {
            submittedAt[id] = started;
            latencies.Add(elapsedMs);
        });
        var seconds = watch.Elapsed.TotalSeconds;

        var unacknowledged = 0;
        if (ackReader is not null)
        {
            var deadline = Stopwatch.StartNew();
            while (acks.Count < submittedAt.Count && deadline.Elapsed < o.AckTimeout)
            {
                await Task.Delay(100);
            }
            unacknowledged = submittedAt.Count - acks.Count;
            await ackCts.CancelAsync();
            try
            {
                await ackReader;
            }
            catch (Exception ex) when (ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
            {
                // The feed was followed until every complaint of the run was acknowledged (or the timeout).
            }
        }
        return new LoadResult(o, latencies.Count, errors, seconds, [.. latencies], [.. acks.Values], unacknowledged);
    }

    private static async Task<int> SubmitManyAsync(IntakeService.IntakeServiceClient client, string prefix, int count, int concurrency, double rate, Action<string, long, double> done)
    {
        var next = -1;
        var errors = 0;
        var origin = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                if (rate > 0)
                {
                    // Open loop: request i is due at i / rate seconds, however slow the earlier ones were.
                    var wait = TimeSpan.FromSeconds(i / rate) - Stopwatch.GetElapsedTime(origin);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait);
                    }
                }
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var response = await client.SubmitComplaintAsync(Request($"{prefix}-{i}", i), deadline: DateTime.UtcNow.AddSeconds(30));
                    done(response.ComplaintId, started, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (RpcException ex)
                {
                    if (Interlocked.Increment(ref errors) <= 5)
                    {
                        Console.Error.WriteLine($"submit failed: {ex.StatusCode} {ex.Status.Detail}");
                    }
                }
            }
        });
        await Task.WhenAll(workers);
        return errors;
    }

    private static readonly string[] Categories = ["billing", "service", "product", "conduct", "privacy", "other"];
    private static readonly string[] Languages = ["en", "ko", "bg"];

    private static SubmitComplaintRequest Request(string key, int i) => new()
    {
        IdempotencyKey = key,
        // Web through referral; a representative filing needs a representative block, which this load does not model.
        Channel = (Channel)(1 + i % 7),
        Complainant = new Complainant { Name = $"Load Test {i}", Email = $"load{i}@example.com", PreferredLanguage = Languages[i % 3] },
        Category = Categories[i % Categories.Length],
        Subject = "Charged twice for one order",
        // A realistic narrative length (CFPB narratives are about 1,000 characters on average).
        Description = string.Concat(Enumerable.Repeat("My card was charged twice for one order and the second charge was never refunded. ", 12)),
        RemedySought = "Refund of the second charge",
        Jurisdiction = (Jurisdiction)(i % 5),
    };

    /// <summary>Follows Notifications' feed and records, per complaint of this run, the time from submit start to acknowledgement delivered.</summary>
    private static async Task ReadAcksAsync(LoadOptions o, ConcurrentDictionary<string, long> submittedAt, ConcurrentDictionary<string, double> acks, CancellationToken ct)
    {
        var client = o.FeedClient!;
        var token = await ClientCredentials.GetTokenAsync(client.TokenUrl, client.ClientId, client.ClientSecret, scope: null, ct);
        using var channel = GrpcChannel.ForAddress(o.AckFeed!);
        var feed = new EventFeed.EventFeedClient(channel);
        var headers = new Metadata { { "Authorization", "Bearer " + token } };
        // Only events after the current end matter: skip the backlog quickly by reading it first.
        using var call = feed.Subscribe(new SubscribeRequest { AfterSequence = 0 }, headers, cancellationToken: ct);
        await foreach (var envelope in call.ResponseStream.ReadAllAsync(ct))
        {
            if (envelope.Type != NotificationDelivered.Descriptor.FullName)
            {
                continue;
            }
            var delivered = NotificationDelivered.Parser.ParseFrom(envelope.Payload.Value);
            if (delivered.Kind == MessageKind.Acknowledgement && submittedAt.TryGetValue(delivered.ComplaintId, out var started))
            {
                acks.TryAdd(delivered.ComplaintId, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
    }
}
