using System.Net;
using System.Security.Cryptography;
using System.Text;
using Complaints.Tools;

namespace Complaints.Launcher;

/// <summary>
/// A staff member's sign-in from the command line, as native apps do it (RFC 8252): the authorization code flow with
/// PKCE in their own browser, the code caught by a listener on a loopback port, redeemed for an access token. The
/// identity provider knows the public client <see cref="ClientId"/> with that loopback redirect (the launcher registers
/// it on local runs); no password passes through this program.
/// </summary>
public static class CliSignIn
{
    public const string ClientId = "complaints-cli";
    public const int DefaultCallbackPort = 8765;

    public static string RedirectUri(int callbackPort) => $"http://127.0.0.1:{callbackPort}/callback/";

    /// <param name="provider">The identity provider's public address (the gateway's), e.g. http://127.0.0.1:8080/.</param>
    /// <param name="show">Shows the address to open in a browser.</param>
    public static async Task<string> SignInAsync(Uri provider, int callbackPort, Action<Uri> show, CancellationToken cancellationToken)
    {
        var redirect = RedirectUri(callbackPort);
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var state = Base64Url(RandomNumberGenerator.GetBytes(16));
        using var listener = new HttpListener();
        listener.Prefixes.Add(redirect);
        listener.Start();
        show(new Uri(provider, $"connect/authorize?client_id={ClientId}&response_type=code&redirect_uri={Uri.EscapeDataString(redirect)}"
            + $"&scope={Uri.EscapeDataString("openid roles")}&state={state}&code_challenge_method=S256"
            + $"&code_challenge={Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)))}"));

        while (true)
        {
            var context = await listener.GetContextAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            var query = context.Request.QueryString;
            if (query["state"] != state)
            {
                // Not our answer (a stray request, or a forged one): ignore it and keep waiting.
                await RespondAsync(context, HttpStatusCode.BadRequest, "This is not the sign-in this program started.").ConfigureAwait(false);
                continue;
            }
            if (query["error"] is { } error)
            {
                await RespondAsync(context, HttpStatusCode.OK, "The sign-in did not complete. You can close this tab.").ConfigureAwait(false);
                throw new InvalidOperationException($"The identity provider refused the sign-in: {error} {query["error_description"]}");
            }
            await RespondAsync(context, HttpStatusCode.OK, "Signed in. You can close this tab and go back to the terminal.").ConfigureAwait(false);
            return await ClientCredentials.RedeemCodeAsync(new Uri(provider, "connect/token"), ClientId, query["code"] ?? "", redirect, verifier, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    private static async Task RespondAsync(HttpListenerContext context, HttpStatusCode status, string message)
    {
        var body = Encoding.UTF8.GetBytes($"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Complaints platform sign-in</title></head><body><main><p>{WebUtility.HtmlEncode(message)}</p></main></body></html>");
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.ContentLength64 = body.Length;
        await context.Response.OutputStream.WriteAsync(body).ConfigureAwait(false);
        context.Response.Close();
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
