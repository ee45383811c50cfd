using Complaints.ServiceDefaults.Clients;
using Microsoft.AspNetCore.Authentication;

namespace Complaints.Web.Console;

/// <summary>
/// gRPC clients the console calls as the signed-in staff member: the same channels as the portal's, each call carrying
/// the staff member's access token from the server-side session, so every context authorises and audits the person,
/// not the web app. The web app has no token of its own and no role.
/// </summary>
public static class StaffClients
{
    public static IHttpClientBuilder AddStaffGrpcClient<TClient>(this IServiceCollection services, string target)
        where TClient : class =>
        services.AddPublicGrpcClient<TClient>(target, "staff:" + typeof(TClient).FullName)
            .AddCallCredentials(async (_, metadata, sp) =>
            {
                var http = sp.GetRequiredService<IHttpContextAccessor>().HttpContext;
                if (http is not null && await http.GetTokenAsync(ConsoleAuthentication.CookieScheme, "access_token") is { Length: > 0 } token)
                {
                    metadata.Add("Authorization", "Bearer " + token);
                }
            });
}

/// <summary>The console's clients, created per use from the factory under their staff names.</summary>
public sealed class StaffGrpc(Grpc.Net.ClientFactory.GrpcClientFactory factory)
{
    public TClient Get<TClient>() where TClient : class => factory.CreateClient<TClient>("staff:" + typeof(TClient).FullName);
}
