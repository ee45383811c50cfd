using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Complaints.EndToEnd.Tests;

/// <summary>Pages in real Chromium (Debian's): each checked with axe-core's WCAG 2.2 AA rules, its screenshot kept in artifacts/screenshots.</summary>
public static class Pages
{
    private const string Chromium = "/usr/bin/chromium";

    private static readonly string Screenshots = Path.Combine(Launcher.RepositoryLocator.FindRoot(), "artifacts", "screenshots");

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        Assert.True(File.Exists(Chromium), "Debian's chromium is not installed (./test.sh installs it)");
        return playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    /// <summary>Axe, and the screenshot as <c>{area}-{name}.png</c> (e.g. identity-sign-in.png, portal-follow-ko.png).</summary>
    public static async Task CheckAsync(IPage page, string name, string area = "identity")
    {
        Directory.CreateDirectory(Screenshots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, $"{area}-{name}.png"), FullPage = true });
        var axe = await page.RunAxe(new Deque.AxeCore.Commons.AxeRunOptions
        {
            RunOnly = new Deque.AxeCore.Commons.RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
        });
        Assert.True(axe.Violations.Length == 0, $"{name}: " + string.Join("; ", axe.Violations.Select(v => $"{v.Id}: {v.Help}")));
    }
}
