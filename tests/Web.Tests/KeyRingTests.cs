using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Complaints.Web.Tests;

/// <summary>Sessions and antiforgery tokens must survive restarts and work on any replica behind a load balancer.</summary>
[Collection(RedisCollection.Name)]
public sealed class KeyRingTests(RedisFixture redis)
{
    private const string Purpose = "key-ring-test";

    [Fact]
    public void Protect_TwoReplicasSharingRedis_EachReadsTheOthers()
    {
        var key = TestKeys.NewKey();
        using var a = new WebHost(Replica(key));
        using var b = new WebHost(Replica(key));

        var fromA = Protector(a).Protect("follow me");

        Assert.Equal("follow me", Protector(b).Unprotect(fromA));
    }

    [Fact]
    public async Task Protect_KeysInRedis_AreSealedNotPlain()
    {
        var key = TestKeys.NewKey();
        using var web = new WebHost(Replica(key));
        Protector(web).Protect("x");

        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var stored = await connection.GetDatabase().ListRangeAsync("complaints-web:data-protection-keys");

        Assert.NotEmpty(stored);
        Assert.All(stored, value =>
        {
            Assert.Contains("<sealed", value.ToString());
            Assert.DoesNotContain("<masterKey", value.ToString());
        });
    }

    [Fact]
    public void Protect_RestartWithTheSameFolderAndKey_StillReads()
    {
        var key = TestKeys.NewKey();
        using var folder = new TempFolder("complaints-web-keys");
        string protectedText;
        using (var first = new WebHost(new Dictionary<string, string?> { ["DataDir"] = folder.Path, ["Web:KeyEncryptionKey"] = key }))
        {
            protectedText = Protector(first).Protect("still here");
        }
        using var second = new WebHost(new Dictionary<string, string?> { ["DataDir"] = folder.Path, ["Web:KeyEncryptionKey"] = key });

        Assert.Equal("still here", Protector(second).Unprotect(protectedText));
    }

    [Fact]
    public void Protect_RestartWithAnotherKeyEncryptionKey_CannotReadTheOldKeys()
    {
        using var folder = new TempFolder("complaints-web-keys");
        string protectedText;
        using (var first = new WebHost(new Dictionary<string, string?> { ["DataDir"] = folder.Path, ["Web:KeyEncryptionKey"] = TestKeys.NewKey() }))
        {
            protectedText = Protector(first).Protect("sealed");
        }
        using var second = new WebHost(new Dictionary<string, string?> { ["DataDir"] = folder.Path, ["Web:KeyEncryptionKey"] = TestKeys.NewKey() });

        Assert.ThrowsAny<CryptographicException>(() => Protector(second).Unprotect(protectedText));
    }

    [Fact]
    public void Start_NoKeyEncryptionKey_FailsNamingTheSetting()
    {
        var error = Assert.ThrowsAny<Exception>(() => new WebHost(new Dictionary<string, string?> { ["Web:KeyEncryptionKey"] = "" }).Dispose());

        Assert.Contains("Web:KeyEncryptionKey", error.ToString());
    }

    private Dictionary<string, string?> Replica(string key) => new()
    {
        ["ConnectionStrings:Redis"] = redis.ConnectionString,
        ["Web:KeyEncryptionKey"] = key,
    };

    private static IDataProtector Protector(WebHost web) =>
        web.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);
}
