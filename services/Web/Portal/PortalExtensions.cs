using System.Text.Encodings.Web;
using System.Text.Unicode;
using Complaints.Insights.V1;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Clients;
using Complaints.Web.Components;

namespace Complaints.Web.Portal;

/// <summary>
/// The complainant portal: server-rendered Razor components (no interactive render mode, no WebAssembly), forms that
/// work without JavaScript, and the public gRPC clients it calls on the complainant's behalf. It owns no complaint data.
/// </summary>
public static class PortalExtensions
{
    public static WebApplicationBuilder AddPortal(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents();
        builder.Services.AddLocalization(o => o.ResourcesPath = "Resources");
        // Korean and Cyrillic as characters, not numeric entities: a third of the bytes on the wire.
        builder.Services.AddWebEncoders(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "portal_antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });

        // Static files only: pages carry tokens (antiforgery, the tracking code), and compressing secrets beside
        // reflected input is what BREACH exploits. Pages are small; the stylesheet is most of a first visit.
        builder.Services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.MimeTypes = ["text/css", "text/javascript", "application/javascript", "application/manifest+json", "image/svg+xml"];
        });
        builder.Services.AddSingleton<FollowSession>();
        builder.Services.AddScoped<PortalDates>();
        builder.AddFollow();

        // The complainant has no token: the web app calls the public operations as the anonymous public does.
        builder.Services.AddPublicGrpcClient<IntakeService.IntakeServiceClient>("Intake");
        builder.Services.AddPublicGrpcClient<AttachmentService.AttachmentServiceClient>("Intake");
        builder.Services.AddPublicGrpcClient<SurveyService.SurveyServiceClient>("Insights");
        builder.Services.AddPublicGrpcClient<SuggestionService.SuggestionServiceClient>("Insights");
        builder.AddSubmit();
        builder.AddFeedback();
        return builder;
    }

    public static WebApplication MapPortal(this WebApplication app)
    {
        app.UseRequestLocalization(PortalCultures.Options());
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseResponseCompression();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "public, max-age=3600",
        });
        app.UseAntiforgery();

        app.MapLanguageSwitch();
        app.MapFollow();
        app.MapRazorComponents<App>();
        app.MapSubmit();
        app.MapFeedback();
        return app;
    }
}
