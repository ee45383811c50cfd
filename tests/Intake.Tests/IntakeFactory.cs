using Complaints.Intake.Data;
using Complaints.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.Intake.Tests;

/// <summary>
/// Intake in-process, with Routing and Notifications down unless addresses are given; <paramref name="services"/>
/// replaces services after the app's own registrations (e.g. test doubles of Routing's clients).
/// </summary>
public sealed class IntakeFactory(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) : ServiceFactory<Program>(settings)
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }

    public V1.IntakeService.IntakeServiceClient Public() => new(Channel());

    /// <summary>A partner CRM's token (role partner, sub = its client id) granting <paramref name="scopes"/> in one space-separated "scope" claim.</summary>
    public static string PartnerToken(string partner, params string[] scopes) => TestIssuer.Shared.Token(partner, [ServiceDefaults.Auth.Roles.Partner],
        claims: scopes.Length == 0 ? null : new Dictionary<string, object> { ["scope"] = string.Join(' ', scopes) });

    /// <summary>Intake's front door as a partner holding <paramref name="scopes"/>.</summary>
    public V1.IntakeService.IntakeServiceClient Partner(string partner, params string[] scopes) => new(Channel(PartnerToken(partner, scopes)));

    public async Task<T> WithDb<T>(Func<IntakeDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<IntakeDbContext>());
    }

    /// <summary>The raw bytes of the SQLite file and its WAL, to prove what is (not) stored in clear.</summary>
    public byte[] RawDatabaseBytes()
    {
        SqliteConnection.ClearAllPools();
        return Directory.EnumerateFiles(Data.Path, "intake.db*").SelectMany(File.ReadAllBytes).ToArray();
    }
}

/// <summary>One Intake per test class; tests use their own idempotency keys and references.</summary>
public sealed class IntakeFixture : IDisposable
{
    public IntakeFactory Factory { get; } = new();

    public void Dispose() => Factory.Dispose();
}
