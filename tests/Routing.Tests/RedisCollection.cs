namespace Complaints.Routing.Tests;

/// <summary>The tests that share this assembly's one redis-server (the watch fan-out and the timer lease).</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "redis-server";
}
