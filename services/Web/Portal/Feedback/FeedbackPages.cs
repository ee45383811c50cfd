using System.Globalization;
using Complaints.Web.Components;
using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Localization;

namespace Complaints.Web.Portal.Feedback;

/// <summary>
/// How the feedback endpoints answer: the routed page rendered again for the request's path, with its state and a
/// status, in a chosen language; the language a document (a survey) asks for unless the reader switched; and what a
/// gRPC refusal says (google.rpc.ErrorInfo, BadRequest).
/// </summary>
public static class FeedbackPages
{
    /// <summary>Every call from a page waits at most this long: a page that hangs helps no one.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    public static DateTime Deadline => DateTime.UtcNow.Add(CallTimeout);

    /// <summary>The page at the request's path (App routes it), with <paramref name="state"/>, in <paramref name="language"/>.</summary>
    public static IResult Render(HttpContext context, FeedbackForm state, int status = StatusCodes.Status200OK, string? language = null)
    {
        state.AttachTo(context);
        IResult page = new RazorComponentResult<App> { StatusCode = status };
        return language is null ? page : new InLanguage(language, page);
    }

    /// <summary>
    /// The page's language for a document written for someone (a survey in the complainant's language): the reader's
    /// own choice (the language switch's cookie) first, then the document's language when the portal has it, else the
    /// browser's (Accept-Language), as on every page.
    /// </summary>
    public static string Language(HttpContext context, string? documentLanguage)
    {
        if (context.Features.Get<IRequestCultureFeature>()?.Provider is CookieRequestCultureProvider)
        {
            return PortalCultures.Current;
        }
        var primary = (documentLanguage ?? string.Empty).Split('-', '_')[0].ToLowerInvariant();
        return PortalCultures.Supported.Contains(primary) ? primary : PortalCultures.Current;
    }

    /// <summary>
    /// Whether the posted form carries this browser's antiforgery token. The feedback posts check it themselves
    /// (their endpoints opt out of the middleware's check) so that a stale form (a page left open past its token, keys
    /// rotated) gets the page again with what was typed and a "send it again", not an error page.
    /// </summary>
    public static Task<bool> AntiforgeryValidAsync(HttpContext context) =>
        context.RequestServices.GetRequiredService<Microsoft.AspNetCore.Antiforgery.IAntiforgery>().IsRequestValidAsync(context);

    /// <summary>The machine-readable reason of a refusal, if the service gave one.</summary>
    public static ErrorInfo? Info(RpcException error) => error.GetRpcStatus()?.GetDetail<ErrorInfo>();

    /// <summary>The service's field violations (proto JSON paths), if any.</summary>
    public static IReadOnlyList<Google.Rpc.BadRequest.Types.FieldViolation> Violations(RpcException error) =>
        error.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>()?.FieldViolations is { } violations ? [.. violations] : [];

    /// <summary>The service could not be reached or did not answer in time: "try again later", not "wrong input".</summary>
    public static bool IsUnavailable(RpcException error) =>
        error.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unknown
            or StatusCode.ResourceExhausted or StatusCode.Cancelled or StatusCode.Aborted;

    /// <summary>Runs the inner result with the page's culture set, so the layout and the page render in that language.</summary>
    private sealed class InLanguage(string language, IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var culture = CultureInfo.GetCultureInfo(language);
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = culture;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
