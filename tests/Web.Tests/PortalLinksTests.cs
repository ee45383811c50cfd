using Complaints.ServiceDefaults;
using Microsoft.AspNetCore.Components;

namespace Complaints.Web.Tests;

/// <summary>The links other services put in messages (<see cref="PortalLinks"/>) lead to pages this app serves.</summary>
public sealed class PortalLinksTests
{
    private static readonly HashSet<string> Routes = typeof(FollowTexts).Assembly.GetTypes()
        .SelectMany(t => t.GetCustomAttributes(typeof(RouteAttribute), inherit: false).Cast<RouteAttribute>())
        .Select(r => r.Template)
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

    [Theory]
    [InlineData(PortalLinks.FollowPath)]
    [InlineData(PortalLinks.PreferencesPath)]
    [InlineData(PortalLinks.SuggestionViewPath)]
    [InlineData(PortalLinks.SurveysPath + "/{Token}")]
    public void PortalLinks_Path_IsAPageOfTheWebApp(string path) => Assert.Contains(path, Routes);

    [Fact]
    public void Follow_ReferenceWithReservedCharacters_EscapedAndNoToken()
    {
        var url = PortalLinks.Follow("https://complaints.example.org/", "CMP-2026 &x");

        Assert.Equal("https://complaints.example.org/follow?reference=CMP-2026%20%26x", url);
    }
}
