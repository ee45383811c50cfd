using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Complaints.Web.Tests;

/// <summary>
/// The web app on a real Kestrel port with its own data folder and key, pointed at the given service addresses (an
/// unreachable port where a test needs none).
/// </summary>
public sealed class WebHost : WebApplicationFactory<Program>
{
    private readonly TempFolder _data = new("complaints-web");
    private readonly Dictionary<string, string?> _settings;

    public WebHost(IDictionary<string, string?>? settings = null)
    {
        _settings = new Dictionary<string, string?>
        {
            ["DataDir"] = _data.Path,
            ["Web:KeyEncryptionKey"] = TestKeys.NewKey(),
            ["Services:Intake"] = TestKeys.DeadAddress(),
            ["Services:Insights"] = TestKeys.DeadAddress(),
            ["Services:Notifications"] = TestKeys.DeadAddress(),
            // The portal's tests; the console's sign-in is tested against a real identity provider (ConsoleHost).
            ["Console:Enabled"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
        Address = new Uri($"http://127.0.0.1:{TestKeys.FreePort()}/");
        UseKestrel(Address.Port);
        StartServer();
    }

    public Uri Address { get; }

    public string DataDirectory => _data.Path;

    /// <summary>A client over the socket that does not follow redirects and keeps cookies.</summary>
    public HttpClient Browser() => new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = Address };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _data.Dispose();
        }
    }
}
