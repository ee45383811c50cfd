using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Complaints.EndToEnd.Tests;

/// <summary>The identity provider as part of the platform, reached through the gateway: discovery, accounts, sign-in page.</summary>
[Collection(PlatformCollection.Name)]
public class IdentityThroughGatewayTests(PlatformFixture fixture)
{
    [Fact]
    public async Task Discovery_ThroughTheGateway_IssuerAndEndpointsAreTheGatewaysAddress()
    {
        using var json = JsonDocument.Parse(await fixture.Rest.GetStringAsync("/.well-known/openid-configuration"));
        var gateway = fixture.Platform.GatewayRestUrl.ToString().TrimEnd('/');

        Assert.Equal(gateway + "/", json.RootElement.GetProperty("issuer").GetString());
        Assert.Equal(gateway + "/connect/token", json.RootElement.GetProperty("token_endpoint").GetString());
        var jwks = await fixture.Rest.GetStringAsync("/.well-known/jwks");
        Assert.Contains("\"RSA\"", jwks);
    }

    [Fact]
    public async Task CreateAccount_AdminThroughTheGatewayRest_OneTimePasswordAndTheSignInPageServed()
    {
        var subject = "e2e-" + Guid.NewGuid().ToString("N")[..8];
        using var request = await fixture.BearerAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/identity/accounts")
        {
            Content = JsonContent.Create(new { subject, email = subject + "@example.com", displayName = "Jun Park", roles = new[] { "agent" } }),
        }, "admin");

        using var created = await fixture.Rest.SendAsync(request);
        var body = await created.Content.ReadAsStringAsync();
        using var page = await fixture.Rest.GetAsync("/account/sign-in");

        Assert.True(created.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(subject, json.RootElement.GetProperty("account").GetProperty("subject").GetString());
        Assert.True(json.RootElement.GetProperty("initialPassword").GetString()!.Length >= 20);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Staff ID", await page.Content.ReadAsStringAsync());
    }
}
