using System.Net.Http.Headers;
using Complaints.Launcher;
using Complaints.TestSupport;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Complaints.EndToEnd.Tests;

/// <summary>
/// The launcher's <c>sign-in</c> as a staff member uses it: it prints an address, the browser signs in through the
/// gateway and lands on the command's loopback listener, and the command has a token for the staff APIs.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class CliSignInTests(PlatformFixture fixture)
{
    [Fact]
    public async Task SignIn_LoopbackFlowThroughTheGateway_StaffTokenThatOpensStaffApis()
    {
        var subject = "cli-" + Guid.NewGuid().ToString("N")[..8];
        var password = await fixture.Tokens.CreateAccountAsync(subject, "agent");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var shown = new TaskCompletionSource<Uri>();
        var port = fixture.Platform.CliCallbackPort;

        var command = CliSignIn.SignInAsync(fixture.Platform.GatewayRestUrl, port, shown.SetResult, timeout.Token);
        var browser = new StaffSignIn(fixture.Platform.GatewayRestUrl, CliSignIn.ClientId, CliSignIn.RedirectUri(port));
        var back = await browser.SignInToRedirectAsync((await shown.Task).PathAndQuery, subject, password, CliSignIn.RedirectUri(port));
        using var loopback = new HttpClient();
        var landing = await loopback.GetStringAsync(back, timeout.Token);
        var token = await command;

        Assert.StartsWith(fixture.Platform.GatewayRestUrl + "connect/authorize?client_id=complaints-cli", (await shown.Task).ToString());
        Assert.Contains("Signed in.", landing);
        Assert.Equal(subject, new JsonWebToken(token).Subject);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/cases");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var cases = await fixture.Rest.SendAsync(request, timeout.Token);
        Assert.True(cases.IsSuccessStatusCode, $"{(int)cases.StatusCode} {await cases.Content.ReadAsStringAsync()}");
    }
}
