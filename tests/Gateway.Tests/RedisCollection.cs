namespace Complaints.Gateway.Tests;

/// <summary>The tests that share this assembly's one redis-server (the rate limits shared across replicas).</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "redis-server";
}
