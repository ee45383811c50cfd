using System.Diagnostics;
using Complaints.ServiceDefaults;

namespace Complaints.Insights.Tests;

public sealed class TraceRedactionTests
{
    [Fact]
    public void RedactSecretPath_SurveyToken_RemovedFromPathFullUrlAndName()
    {
        const string token = "s3cr3t-token-value";
        using var activity = new Activity("test");
        activity.DisplayName = $"GET /api/v1/surveys/{token}";
        activity.SetTag("url.path", $"/api/v1/surveys/{token}");
        activity.SetTag("url.full", $"http://127.0.0.1:5104/api/v1/surveys/{token}");

        Telemetry.RedactSecretPath(activity, $"/api/v1/surveys/{token}");

        Assert.Equal("/api/v1/surveys/{token}", activity.GetTagItem("url.path"));
        Assert.Equal("http://127.0.0.1:5104/api/v1/surveys/{token}", activity.GetTagItem("url.full"));
        Assert.DoesNotContain(token, activity.DisplayName);
    }

    [Fact]
    public void RedactSecretPath_PortalSurveyPage_TokenRemoved()
    {
        const string token = "s3cr3t-token-value";
        using var activity = new Activity("test");
        activity.DisplayName = $"GET /surveys/{token}";
        activity.SetTag("url.path", $"/surveys/{token}");
        activity.SetTag("url.full", $"https://complaints.example.org/surveys/{token}");

        Telemetry.RedactSecretPath(activity, $"/surveys/{token}");

        Assert.Equal("/surveys/{token}", activity.GetTagItem("url.path"));
        Assert.Equal("https://complaints.example.org/surveys/{token}", activity.GetTagItem("url.full"));
        Assert.DoesNotContain(token, activity.DisplayName);
    }

    [Fact]
    public void RedactSecretPath_OtherPath_Untouched()
    {
        using var activity = new Activity("test");
        activity.SetTag("url.path", "/api/v1/insights/metrics");

        Telemetry.RedactSecretPath(activity, "/api/v1/insights/metrics");

        Assert.Equal("/api/v1/insights/metrics", activity.GetTagItem("url.path"));
    }
}
