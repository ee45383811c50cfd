using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Complaints.Identity.V1;
using Complaints.Insights.V1;
using Complaints.Intake.V1;
using Complaints.Launcher;
using Complaints.Notifications.V1;
using Complaints.Routing.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Complaints.EndToEnd.Tests;

/// <summary>
/// Every service, on both its listeners (gRPC over h2c, and gRPC-Web over HTTP/1.1 on the HTTP port), refuses a token
/// that its identity provider did not sign for it. Each forgery differs from a token the services accept (the control,
/// signed here with the local run's provider key read from the data folder) in one thing only.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ForgedTokenTests(PlatformFixture fixture)
{
    public static readonly TheoryData<string, string> Refused = Cases(
        ["intake", "routing", "notifications", "insights", "identity"],
        ["grpc", "http"]);

    public static TheoryData<string, string> Cases(string[] services, string[] listeners)
    {
        var data = new TheoryData<string, string>();
        foreach (var service in services)
        {
            foreach (var listener in listeners)
            {
                data.Add(service, listener);
            }
        }
        return data;
    }

    private string Issuer => fixture.Platform.GatewayRestUrl.ToString();

    private RsaSecurityKey ProviderKey()
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(LocalSecrets.IdentitySigningKeyFile(fixture.DataDirectory)));
        return new RsaSecurityKey(rsa) { KeyId = Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo())) };
    }

    private string Signed(SecurityKey key, string algorithm, string? issuer = null, string audience = "complaints") =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", "notifications"), new Claim("role", "service"), new Claim("role", "admin")]),
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(key, algorithm),
        });

    /// <summary>An unsigned token (alg none) with the control's claims.</summary>
    private string Unsigned()
    {
        var control = new JsonWebToken(Signed(ProviderKey(), SecurityAlgorithms.RsaSha256));
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        return $"{header}.{control.EncodedPayload}.";
    }

    /// <summary>HS256 with the provider's published public key as the HMAC secret (the RS/HS confusion attack).</summary>
    private async Task<string> PublicKeyAsHmacAsync()
    {
        using var jwks = JsonDocument.Parse(await fixture.Rest.GetStringAsync("/.well-known/jwks"));
        var published = jwks.RootElement.GetProperty("keys")[0];
        using var rsa = RSA.Create(new RSAParameters
        {
            Modulus = Base64UrlEncoder.DecodeBytes(published.GetProperty("n").GetString()!),
            Exponent = Base64UrlEncoder.DecodeBytes(published.GetProperty("e").GetString()!),
        });
        var secret = new SymmetricSecurityKey(Encoding.ASCII.GetBytes(rsa.ExportSubjectPublicKeyInfoPem())) { KeyId = published.GetProperty("kid").GetString() };
        return Signed(secret, SecurityAlgorithms.HmacSha256);
    }

    private async Task<StatusCode> CallAsync(string service, string listener, string token)
    {
        var component = fixture.Platform[service];
        using var channel = listener == "grpc"
            ? GrpcChannel.ForAddress(component.GrpcUrl)
            : GrpcChannel.ForAddress(component.HttpUrl, new GrpcChannelOptions { HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWeb, new HttpClientHandler()), HttpVersion = System.Net.HttpVersion.Version11 });
        var options = new CallOptions(new Metadata { { "Authorization", "Bearer " + token } }, DateTime.UtcNow.AddSeconds(30));
        try
        {
            _ = service switch
            {
                "intake" => (object)await new ContactService.ContactServiceClient(channel)
                    .GetContactForDeliveryAsync(new GetContactForDeliveryRequest { ComplaintId = Guid.NewGuid().ToString() }, options),
                "routing" => await new CaseService.CaseServiceClient(channel).GetCaseAsync(new GetCaseRequest { Reference = "CMP-0000-0000" }, options),
                "notifications" => await new DeadLetterService.DeadLetterServiceClient(channel).ListDeadLettersAsync(new ListDeadLettersRequest(), options),
                "insights" => await new InsightsService.InsightsServiceClient(channel).GetComplaintCountsAsync(new GetComplaintCountsRequest(), options),
                _ => await new StaffAccountService.StaffAccountServiceClient(channel).ListAccountsAsync(new ListAccountsRequest(), options),
            };
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Call_ProviderSignedControl_Authenticated(string service, string listener)
    {
        var status = await CallAsync(service, listener, Signed(ProviderKey(), SecurityAlgorithms.RsaSha256));

        // Past authentication: the service answers for the call's own reasons (unknown complaint or case, or not this
        // caller's role), or answers outright.
        Assert.Contains(status, new[] { StatusCode.OK, StatusCode.NotFound, StatusCode.PermissionDenied });
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Call_ForgedTokens_EachUnauthenticated(string service, string listener)
    {
        var forgeries = new Dictionary<string, string>
        {
            ["HS256 with a shared key"] = Signed(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)), SecurityAlgorithms.HmacSha256),
            ["HS256 with the provider's public key"] = await PublicKeyAsHmacAsync(),
            ["alg none"] = Unsigned(),
            ["a wrong issuer"] = Signed(ProviderKey(), SecurityAlgorithms.RsaSha256, issuer: "https://evil.example/"),
            ["a wrong audience"] = Signed(ProviderKey(), SecurityAlgorithms.RsaSha256, audience: "other-platform"),
            ["a key not in JWKS"] = Signed(new RsaSecurityKey(RSA.Create(2048)) { KeyId = "unknown-key" }, SecurityAlgorithms.RsaSha256),
        };

        var accepted = new List<string>();
        foreach (var (name, token) in forgeries)
        {
            if (await CallAsync(service, listener, token) is var status && status != StatusCode.Unauthenticated)
            {
                accepted.Add($"{name} ({status})");
            }
        }

        Assert.True(accepted.Count == 0, $"{service} on its {listener} listener did not refuse: {string.Join(", ", accepted)}");
    }
}
