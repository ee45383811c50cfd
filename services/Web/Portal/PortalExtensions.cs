using System.Text.Encodings.Web;
using System.Text.Unicode;
using Complaints.Insights.V1;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Clients;
using Complaints.Web.Components;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;

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
        builder.Services.AddSingleton<FormIds>();
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
        app.UseStatusCodePages(RenderStatusPageAsync);
        app.UseResponseCompression();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "public, max-age=3600",
        });
        app.UseAntiforgery();
        app.UseFormNotAcceptedPage();

        app.MapLanguageSwitch();
        app.MapFollow();
        app.MapRazorComponents<App>();
        app.MapSubmit();
        app.MapFeedback();
        return app;
    }

    /// <summary>Where a form post that was refused with no page of its own (a missing or stale antiforgery token) is answered.</summary>
    public const string FormNotAcceptedPath = "/form-not-accepted";

    /// <summary>
    /// A post to a page's own form handling whose antiforgery token the middleware refused gets a page that says so, at
    /// 400, instead of an empty 400. (The portal's own form endpoints check the token themselves and answer with their
    /// form and its error.)
    /// </summary>
    private static void UseFormNotAcceptedPage(this WebApplication app) => app.Use((context, next) =>
        context.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false }
        && context.GetEndpoint()?.Metadata.GetMetadata<IAntiforgeryMetadata>() is { RequiresValidation: true }
            ? RenderPageAsync(context, FormNotAcceptedPath, StatusCodes.Status400BadRequest)
            : next(context));

    /// <summary>
    /// A status with no body gets a page in the reader's language: "not found", or, for a refused form post (400 on
    /// anything but GET or HEAD), "this form could not be accepted". Rendered as a GET of that page: re-executing the
    /// POST itself would run the page's form handling and its antiforgery check again, which fails a second time.
    /// </summary>
    private static Task RenderStatusPageAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        if (http.Request.Path.StartsWithSegments(Console.ConsoleAuthentication.BasePath, StringComparison.Ordinal))
        {
            // The console's pages say what went wrong themselves (not found, refused, unavailable) at their status.
            return Task.CompletedTask;
        }
        var isRead = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method);
        var status = http.Response.StatusCode;
        return RenderPageAsync(http, status == StatusCodes.Status400BadRequest && !isRead ? FormNotAcceptedPath : "/not-found", status);
    }

    /// <summary>The page at <paramref name="page"/>, rendered as for a GET in a scope of its own, with <paramref name="status"/>.</summary>
    private static async Task RenderPageAsync(HttpContext http, string page, int status)
    {
        var request = http.Request;
        var (path, query, method, services) = (request.Path, request.QueryString, request.Method, http.RequestServices);
        request.Path = page;
        request.QueryString = QueryString.Empty;
        request.Method = HttpMethods.IsHead(method) ? method : HttpMethods.Get;
        await using var scope = services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        http.RequestServices = scope.ServiceProvider;
        try
        {
            await new RazorComponentResult<App> { StatusCode = status }.ExecuteAsync(http);
        }
        finally
        {
            http.RequestServices = services;
            request.Path = path;
            request.QueryString = query;
            request.Method = method;
        }
    }
}
