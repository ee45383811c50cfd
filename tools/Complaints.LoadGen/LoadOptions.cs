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
    double Rate);
