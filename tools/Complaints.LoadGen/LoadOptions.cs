namespace Complaints.LoadGen;

public sealed record LoadOptions(
    Uri Target,
    int Count,
    int Concurrency,
    int Warmup,
    string Label,
    Uri? AckFeed,
    ServiceClient? FeedClient,
    TimeSpan AckTimeout,
    double Rate);

/// <summary>The client credentials that read the internal feed.</summary>
public sealed record ServiceClient(Uri TokenUrl, string ClientId, string ClientSecret);
