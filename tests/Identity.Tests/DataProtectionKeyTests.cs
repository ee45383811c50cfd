using Complaints.Identity.Data;
using Complaints.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.Identity.Tests;

/// <summary>
/// The keys that protect Identity's sign-in cookies, antiforgery tokens and reset links live in its own database, so
/// every replica reads and writes the same ones (no shared volume), sealed with Identity:EncryptionKey.
/// </summary>
public sealed class DataProtectionKeyTests : IDisposable
{
    private readonly ServiceFactory<Program> _factory = new();

    [Fact]
    public async Task SignInPage_Rendered_KeyStoredInTheDatabaseSealed()
    {
        using var page = await _factory.CreateClient().GetAsync("/account/sign-in");
        page.EnsureSuccessStatusCode();

        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityProviderDbContext>();
        var keys = await db.DataProtectionKeys.AsNoTracking().ToListAsync();

        var key = Assert.Single(keys);
        Assert.Contains("<encryptedSecret", key.Xml, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", key.Xml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignInPage_SecondReplicaOnTheSameDatabase_UsesTheSameKey()
    {
        using var first = await _factory.CreateClient().GetAsync("/account/sign-in");
        using var replica = new ServiceFactory<Program>(new Dictionary<string, string?> { ["DataDir"] = _factory.Data.Path });
        using var second = await replica.CreateClient().GetAsync("/account/sign-in");

        await using var scope = replica.Services.CreateAsyncScope();
        Assert.Single(await scope.ServiceProvider.GetRequiredService<IdentityProviderDbContext>().DataProtectionKeys.AsNoTracking().ToListAsync());
    }

    public void Dispose() => _factory.Dispose();
}
