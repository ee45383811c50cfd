using System.Security.Claims;
using Complaints.Identity.V1;
using Complaints.Insights.V1;
using Complaints.Intake.V1;
using Complaints.Notifications.V1;
using Complaints.Routing.V1;
using Complaints.Web.Portal;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;

namespace Complaints.Web.Console;

/// <summary>
/// The staff console and the analyst dashboard at /console: server-rendered pages behind the staff sign-in, calling the
/// contexts as the signed-in staff member (<see cref="StaffClients"/>). The contexts decide who may do what (the one
/// authorisation table); the console only hides what a role cannot use and shows their refusals in place.
/// </summary>
public static class ConsoleExtensions
{
    public static WebApplicationBuilder AddConsole(this WebApplicationBuilder builder)
    {
        builder.AddConsoleAuthentication();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<StaffGrpc>();
        builder.Services.AddScoped<ConsoleCalls>();
        builder.Services.AddScoped<ConsoleWords>();
        builder.Services.AddStaffGrpcClient<CaseWorkService.CaseWorkServiceClient>("Routing");
        builder.Services.AddStaffGrpcClient<CaseService.CaseServiceClient>("Routing");
        builder.Services.AddStaffGrpcClient<DirectoryService.DirectoryServiceClient>("Routing");
        builder.Services.AddStaffGrpcClient<StaffIntakeService.StaffIntakeServiceClient>("Intake");
        builder.Services.AddStaffGrpcClient<AttachmentService.AttachmentServiceClient>("Intake");
        builder.Services.AddStaffGrpcClient<InsightsService.InsightsServiceClient>("Insights");
        builder.Services.AddStaffGrpcClient<DeadLetterService.DeadLetterServiceClient>("Notifications");
        builder.Services.AddStaffGrpcClient<StaffAccountService.StaffAccountServiceClient>("Identity");
        builder.Services.AddStaffGrpcClient<StaffProfileService.StaffProfileServiceClient>("Identity");
        builder.Services.AddStaffGrpcClient<PartnerClientService.PartnerClientServiceClient>("Identity");
        return builder;
    }

    /// <summary>Before the portal's pipeline: the antiforgery middleware must follow authentication.</summary>
    public static WebApplication UseConsole(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    public static WebApplication MapConsole(this WebApplication app)
    {
        app.MapGet(ConsoleAuthentication.BasePath, () => Results.Redirect(ConsolePaths.Queue)).RequireAuthorization(ConsoleAuthentication.StaffPolicy);
        app.MapPost(ConsolePaths.SignOut, async (HttpContext context, IAntiforgery antiforgery) =>
            await antiforgery.IsRequestValidAsync(context) ? ConsoleAuthentication.SignOut() : Results.Redirect(ConsolePaths.Queue))
            .DisableAntiforgery().WithOrder(-1);
        app.MapGet("/console/language/{culture}", SwitchLanguageAsync).RequireAuthorization(ConsoleAuthentication.StaffPolicy);
        app.MapGet(ConsolePaths.QueueEvents, QueueEvents.StreamAsync).RequireAuthorization(ConsoleAuthentication.StaffPolicy);
        app.MapPost("/console/cases/{reference}/documents", ConsoleDocuments.DownloadAsync)
            .RequireAuthorization(ConsoleAuthentication.StaffPolicy).DisableAntiforgery().WithOrder(-1);
        return app;
    }

    /// <summary>
    /// The console's language switch: saved in the staff member's profile at the identity provider (so every browser
    /// they sign in with follows it), in this session at once, and in the portal's language cookie.
    /// </summary>
    private static async Task<IResult> SwitchLanguageAsync(string culture, string? returnUrl, HttpContext context, ConsoleCalls calls)
    {
        if (!PortalCultures.Supported.Contains(culture))
        {
            return Results.NotFound();
        }
        await calls.RunAsync(o => calls.Client<StaffProfileService.StaffProfileServiceClient>().SetMyLanguageAsync(new SetMyLanguageRequest { Language = culture }, o),
            context.RequestAborted);
        if (await context.AuthenticateAsync(ConsoleAuthentication.CookieScheme) is { Succeeded: true } session)
        {
            var identity = (ClaimsIdentity)session.Principal!.Identity!;
            foreach (var old in identity.FindAll("locale").ToList())
            {
                identity.RemoveClaim(old);
            }
            identity.AddClaim(new Claim("locale", culture));
            await context.SignInAsync(ConsoleAuthentication.CookieScheme, session.Principal, session.Properties);
        }
        PortalCultures.Remember(context, culture);
        var target = PortalCultures.SafeReturnUrl(returnUrl);
        return Results.Redirect(target.StartsWith(ConsoleAuthentication.BasePath, StringComparison.Ordinal) ? target : ConsolePaths.Queue);
    }
}

/// <summary>The console's addresses.</summary>
public static class ConsolePaths
{
    public const string Queue = "/console/queue";
    public const string SignOut = "/console/sign-out";
    public const string QueueEvents = "/console/queue/events";

    public static string Case(string reference) => "/console/cases/" + Uri.EscapeDataString(reference);

    public static string Documents(string reference) => Case(reference) + "/documents";

    public static string AccessAudit(string reference) => Case(reference) + "/access";
}
