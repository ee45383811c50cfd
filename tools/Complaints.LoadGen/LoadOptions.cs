namespace Complaints.LoadGen;

public sealed record LoadOptions(
    Uri Target,
    int Count,
    int Concurrency,
    int Warmup,
    string Label,
    Uri? AckFeed,
    string? SigningKey,
    TimeSpan AckTimeout,
    double Rate)
{
    public const string Usage = """
        usage: Complaints.LoadGen --target <grpc url> [--count 2000] [--concurrency 16] [--rate 0] [--warmup 100] [--label name]
                                  [--ack-feed <notifications grpc url> --signing-key <base64>] [--ack-timeout 120]
          --rate         submits per second, paced (open loop); 0 = as fast as --concurrency allows
          --target       IntakeService address (Intake directly, or the gateway's h2c listener)
          --ack-feed     also measure submit -> acknowledgement delivered, from Notifications' event feed
          --signing-key  the local Auth:SigningKey, to read the internal feed (see .data/local-secrets.json)
        """;

    public static LoadOptions? Parse(string[] args)
    {
        var map = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                return null;
            }
            map[args[i][2..]] = args[i + 1];
        }
        if (!map.TryGetValue("target", out var target))
        {
            return null;
        }
        int Int(string key, int fallback) => map.TryGetValue(key, out var v) ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;
        return new LoadOptions(
            new Uri(target),
            Int("count", 2000),
            Int("concurrency", 16),
            Int("warmup", 100),
            map.GetValueOrDefault("label", "run"),
            map.TryGetValue("ack-feed", out var feed) ? new Uri(feed) : null,
            map.GetValueOrDefault("signing-key"),
            TimeSpan.FromSeconds(Int("ack-timeout", 120)),
            map.TryGetValue("rate", out var rate) ? double.Parse(rate, System.Globalization.CultureInfo.InvariantCulture) : 0);
    }
}
