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

    /// <summary>
    /// As <see cref="CheckAsync"/> for a page of a context with JavaScript off, where axe (a page
    /// script) cannot run: the screenshot is the page's own; axe runs on a twin in a context with JavaScript on, served
    /// the same HTML at the same address with the page's own scripts emptied, so the DOM is the one without script.
    /// (Content inside noscript is not rendered in the twin and so not checked.)
    /// </summary>
    public static async Task CheckWithoutScriptAsync(IPage page, IBrowser browser, string name, string area = "identity")
    {
        Directory.CreateDirectory(Screenshots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, $"{area}-{name}.png"), FullPage = true });
        var html = await page.ContentAsync();
        var address = page.Url;
        await using var context = await browser.NewContextAsync(new() { ViewportSize = page.ViewportSize is { } size ? new() { Width = size.Width, Height = size.Height } : null });
        var twin = await context.NewPageAsync();
        await twin.RouteAsync("**/*.js", route => route.FulfillAsync(new() { Body = string.Empty, ContentType = "text/javascript" }));
        await twin.RouteAsync(address, route => route.FulfillAsync(new() { Body = html, ContentType = "text/html; charset=utf-8" }));
        await twin.GotoAsync(address);
        var axe = await twin.RunAxe(new Deque.AxeCore.Commons.AxeRunOptions
        {
            RunOnly = new Deque.AxeCore.Commons.RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
        });
        Assert.True(axe.Violations.Length == 0, $"{name}: " + string.Join("; ", axe.Violations.Select(v => $"{v.Id}: {v.Help}")));
    }

    /// <summary>Presses Tab until the element has the focus: it is reachable, and reached, with the keyboard alone.</summary>
    public static async Task TabToAsync(IPage page, string selector)
    {
        for (var presses = 0; presses < 80; presses++)
        {
            if (await page.EvaluateAsync<bool>("s => document.activeElement !== null && document.activeElement.matches(s)", selector))
            {
                return;
            }
            await page.Keyboard.PressAsync("Tab");
        }
        Assert.Fail($"{selector} was not reached with the Tab key");
    }
}
