using System.Text.Json;
using Complaints.Launcher;
using Complaints.TestSupport;

namespace Complaints.EndToEnd.Tests;

/// <summary>Faults on a platform of its own: a context that is down loses nothing and delays only its part.</summary>
public class FaultTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task SubmitComplaint_RoutingDownThenStarted_TrackSaysWhatIsMissingThenCaseAcknowledged()
    {
        using var data = new TempFolder("complaints-e2e-fault");
        var withoutRouting = await StartAsync(data.Path, ["intake", "notifications", "insights", "identity", "gateway"]);
        await using var _ = withoutRouting;
        using var rest = new HttpClient { BaseAddress = withoutRouting.GatewayRestUrl };

        var complaint = await Complaint.SubmitAsync(rest);
        var early = await complaint.TrackAsync(rest);

        Assert.Equal("CASE_STATUS_RECEIVED", early.GetProperty("status").GetString());
        Assert.Equal(["case"], early.GetProperty("unavailable").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("Complaint received", early.GetProperty("timeline")[0].GetProperty("title").GetString());

        await using var routing = PlatformFixture.Start(data.Path, null, o =>
        {
            o.Layout = withoutRouting.AllComponents;
            o.Components = ["routing"];
        });
        await routing.StartAsync();

        var view = await Eventually.Get(() => complaint.TrackAsync(rest), Complaint.IsAcknowledged, "the acknowledgement after Routing started", TimeSpan.FromSeconds(60));
        Assert.Empty(view.GetProperty("unavailable").EnumerateArray());
        Assert.Single(view.GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task SubmitComplaints_NotificationsKilledMidDeliveryThenRestarted_EachAcknowledgedExactlyOnce()
    {
        using var data = new TempFolder("complaints-e2e-kill");
        var platform = await StartAsync(data.Path, ["intake", "routing", "notifications", "insights", "identity", "gateway"]);
        await using var _ = platform;
        using var rest = new HttpClient { BaseAddress = platform.GatewayRestUrl };

        var complaints = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => Complaint.SubmitAsync(rest)));
        // Killed as soon as the first acknowledgement is out, while the rest are queued or in flight.
        var mailFolder = Path.Combine(data.Path, "mail");
        await Eventually.True(() => Task.FromResult(Directory.Exists(mailFolder) && Directory.EnumerateFiles(mailFolder, "*.eml").Any()),
            "the first acknowledgement email", TimeSpan.FromSeconds(60));
        await platform.KillAsync("notifications");
        output.WriteLine($"emails written before the kill: {(Directory.Exists(mailFolder) ? Directory.EnumerateFiles(mailFolder, "*.eml").Count() : 0)} of {complaints.Length}");

        await using var restarted = PlatformFixture.Start(data.Path, null, o =>
        {
            o.Layout = platform.AllComponents;
            o.Components = ["notifications"];
            o.Environment["Notifications__ClaimFor"] = ShortClaim;
        });
        await restarted.StartAsync();

        foreach (var complaint in complaints)
        {
            var view = await Eventually.Get(() => complaint.TrackAsync(rest), Complaint.IsAcknowledged, $"the acknowledgement of {complaint.Reference}", TimeSpan.FromSeconds(60));
            Assert.Single(view.GetProperty("messages").EnumerateArray());
        }
        // One email per complaint: none lost, none sent twice (file names are message ids).
        var emails = Directory.EnumerateFiles(Path.Combine(data.Path, "mail"), "*.eml").ToList();
        Assert.Equal(complaints.Length, emails.Count);
    }

    [Fact]
    public async Task SubmitComplaint_IdentityKilled_IssuedAndCachedTokensKeepWorkingSignInSaysUnavailableUntilItIsBack()
    {
        using var data = new TempFolder("complaints-e2e-identity-kill");
        var platform = await StartAsync(data.Path, ["intake", "routing", "notifications", "insights", "identity", "gateway"]);
        await using var _ = platform;
        using var rest = new HttpClient { BaseAddress = platform.GatewayRestUrl };
        var tokens = new PlatformTokens(platform);
        var agent = await tokens.StaffAsync("fault-agent", "agent");
        var before = await Complaint.SubmitAsync(rest);
        await Eventually.Get(() => before.TrackAsync(rest), Complaint.IsAcknowledged, "the acknowledgement before the kill", TimeSpan.FromSeconds(60));

        await platform.KillAsync("identity");

        // Services hold their keys and their own tokens: the pipeline and signed-in staff go on.
        var during = await Complaint.SubmitAsync(rest);
        var view = await Eventually.Get(() => during.TrackAsync(rest), Complaint.IsAcknowledged, "the acknowledgement with Identity down", TimeSpan.FromSeconds(60));
        Assert.Single(view.GetProperty("messages").EnumerateArray());
        using var cases = new HttpRequestMessage(HttpMethod.Get, "/api/v1/cases");
        cases.Headers.Authorization = new("Bearer", agent);
        using var listed = await rest.SendAsync(cases);
        Assert.Equal(System.Net.HttpStatusCode.OK, listed.StatusCode);
        // A sign-in cannot happen: the page says so, in the reader's language, instead of an empty error.
        using var signIn = new HttpRequestMessage(HttpMethod.Get, "/account/sign-in");
        signIn.Headers.AcceptLanguage.ParseAdd("bg");
        using var unavailable = await rest.SendAsync(signIn);
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
        Assert.Equal("text/html", unavailable.Content.Headers.ContentType?.MediaType);
        Assert.Contains("lang=\"bg\"", await unavailable.Content.ReadAsStringAsync());
        using (var playwright = await Microsoft.Playwright.Playwright.CreateAsync())
        {
            await using var browser = await Pages.LaunchAsync(playwright);
            foreach (var (locale, heading) in new[] { ("en-GB", "Sign-in is unavailable right now"), ("ko-KR", "지금은 로그인할 수 없습니다"), ("bg-BG", "В момента не можете да влезете") })
            {
                var tab = await (await browser.NewContextAsync(new() { BaseURL = platform.GatewayRestUrl.ToString(), Locale = locale })).NewPageAsync();
                await tab.GotoAsync("/account/sign-in");
                await Microsoft.Playwright.Assertions.Expect(tab.Locator("h1")).ToHaveTextAsync(heading);
                await Pages.CheckAsync(tab, $"sign-in-unavailable-{locale}");
            }
        }

        await using var restarted = PlatformFixture.Start(data.Path, null, o =>
        {
            o.Layout = platform.AllComponents;
            o.Components = ["identity"];
        });
        await restarted.StartAsync();
        using var page = await rest.GetAsync("/account/sign-in");
        Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
        Assert.False(string.IsNullOrEmpty(await tokens.StaffAsync("fault-supervisor", "supervisor")));
    }

    /// <summary>
    /// Messages the killed process had claimed fall due again when the claim expires (2 minutes by default): short here,
    /// so the test waits seconds, not minutes.
    /// </summary>
    private const string ShortClaim = "00:00:03";

    /// <summary>Some components on reserved free ports; the others start later on the same layout (<see cref="PlatformOptions.Layout"/>).</summary>
    private static async Task<PlatformProcesses> StartAsync(string data, string[] components)
    {
        var platform = PlatformFixture.Start(data, null, o =>
        {
            o.Components = components;
            o.Environment["Notifications__ClaimFor"] = ShortClaim;
        });
        // On failure StartAsync has stopped whatever it started.
        await platform.StartAsync();
        return platform;
    }
}
