using Complaints.Web.Portal.Feedback;

// In the portal's namespace, so PortalExtensions registers the pages with one line and no using.
namespace Complaints.Web.Portal;

/// <summary>
/// The feedback pages: the follow-up survey (<c>/surveys/{token}</c>), the suggestion box (<c>/suggestions</c>,
/// <c>/suggestions/view</c>) and the message preferences (<c>/preferences</c>). Texts: FeedbackTexts.
/// </summary>
public static class FeedbackEndpoints
{
    public static WebApplicationBuilder AddFeedback(this WebApplicationBuilder builder)
    {
        RestMessagePreferences.Register(builder.Services);
        return builder;
    }

    public static WebApplication MapFeedback(this WebApplication app)
    {
        app.MapSurvey();
        app.MapSuggestions();
        app.MapPreferences();
        return app;
    }
}
