using Complaints.TestSupport;
using Microsoft.AspNetCore.Hosting;

namespace Complaints.Intake.Tests;

/// <summary>A service refuses to start on unsafe token trust, naming the setting (Intake stands for every service: one AddPlatformAuth).</summary>
public sealed class TokenTrustStartTests
{
    private static Exception StartFails(Dictionary<string, string?> settings, bool testIssuer, string environment)
    {
        using var factory = new ServiceFactory<Program>(settings, testIssuer).WithWebHostBuilder(b => b.UseEnvironment(environment));
        return Assert.ThrowsAny<Exception>(() => factory.CreateClient());
    }

    [Fact]
    public void Start_RetiredSharedSigningKey_FailsNamingIt()
    {
        var error = StartFails(new() { ["Auth:SigningKey"] = TestKeys.NewKey() }, testIssuer: true, "Testing");

        Assert.Contains("Auth:SigningKey is no longer used", error.ToString());
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public void Start_TestIssuerOutsideTestingAndDevelopment_Fails(string environment)
    {
        var error = StartFails(new() { ["Auth:Authority"] = "https://complaints.example.org/" }, testIssuer: true, environment);

        Assert.Contains("Auth:TestIssuer is for tests only", error.ToString());
    }

    [Fact]
    public void Start_ProductionWithoutAuthority_FailsNamingIt()
    {
        var error = StartFails([], testIssuer: false, "Production");

        Assert.Contains("Auth:Authority", error.ToString());
    }

    [Fact]
    public async Task Start_ProductionWithAuthority_StartsAndAnswers()
    {
        using var factory = new ServiceFactory<Program>(new Dictionary<string, string?>
        {
            ["Auth:Authority"] = "https://complaints.example.org/",
            ["Auth:MetadataAddress"] = TestKeys.DeadAddress() + "/.well-known/openid-configuration",
        }, testIssuer: false).WithWebHostBuilder(b => b.UseEnvironment("Production"));

        using var client = factory.CreateClient();
        using var live = await client.GetAsync("/health/live");

        Assert.Equal(System.Net.HttpStatusCode.OK, live.StatusCode);
    }
}
