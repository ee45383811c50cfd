using Complaints.Web.Components;
using Complaints.Web.Portal.Submit;
using Microsoft.AspNetCore.Http.HttpResults;

// In the portal's namespace, so PortalExtensions registers the journey with one line each and no using.
namespace Complaints.Web.Portal;

/// <summary>The submit journey: the form (GET /submit, a page), its post (POST /submit, here) and the confirmation (GET /submitted, a page).</summary>
public static class SubmitEndpoints
{
    /// <summary>
    /// Where the form posts: the path of the page (so the gateway's submit rate limit, which matches the path, applies)
    /// with a query, so that the address differs from the page's. A POST makes a browser drop its cached copy of the
    /// address it posts to (RFC 9111, 4.4): posted to "/submit" itself, "back" would fetch a new form with a new form id,
    /// and sending it again would make a second complaint.
    /// </summary>
    public const string PostAddress = "/submit?send=1";

    /// <summary>Five files of 10 MiB, and 2 MiB for the fields and the multipart framing.</summary>
    public const long MaxBodyBytes = (5 * 10 + 2) * 1024 * 1024;

    /// <summary>What the submit form's id (<see cref="FormIds"/>) is issued for.</summary>
    public const string FormPurpose = "submit";

    /// <summary>How long a rendered form may wait before it is sent: a day and a night, and the weekend.</summary>
    public static readonly TimeSpan FormLifetime = TimeSpan.FromDays(4);

    /// <summary>
    /// Intake's idempotency key for a form (letters, digits and dashes, as Intake accepts), also the key of its stored
    /// answer (<see cref="SubmittedAnswers"/>): every post of the same form, however often and however changed, is the
    /// same complaint.
    /// </summary>
    public static string IdempotencyKey(string formId) => "web-" + formId;

    public static WebApplicationBuilder AddSubmit(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SubmittedAnswers>();
        builder.Services.AddSingleton<SubmitTaxonomy.Cache>();
        builder.Services.AddScoped<SubmitTaxonomy>();
        builder.Services.AddScoped<IntakeFieldErrors>();
        builder.Services.AddScoped<SubmitUploads>();
        builder.Services.AddScoped<SubmitHandler>();
        return builder;
    }

    public static WebApplication MapSubmit(this WebApplication app)
    {
        // Before the page's own POST endpoint (Razor components take POSTs for their form handling, which would
        // buffer the whole body); antiforgery is checked by the handler from the first multipart field instead.
        app.MapPost("/submit", (HttpContext context, SubmitHandler handler) => handler.HandleAsync(context))
            .DisableAntiforgery()
            .WithOrder(-1);
        return app;
    }

    /// <summary>The submit page again, with the posted values and the errors, at the given status.</summary>
    internal static IResult Page(HttpContext context, SubmitPageState state, int status)
    {
        state.AttachTo(context);
        return new RazorComponentResult<App> { StatusCode = status };
    }
}
