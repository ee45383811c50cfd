using Complaints.TestSupport;

namespace Complaints.Eventing.Tests.Infrastructure;

/// <summary>The tests that share this assembly's one redis-server.</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "redis-server";
}
