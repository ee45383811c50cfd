extern alias notifications;

using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using LinkTokens = notifications::Complaints.Notifications.Domain.LinkTokens;
using NotificationsDb = notifications::Complaints.Notifications.Data.NotificationsDbContext;

namespace Complaints.Web.Tests;

/// <summary>The message preference page in front of the real Notifications: the link's token, GET reads, POSTs change.</summary>
public sealed class PreferencePageTests : IClassFixture<PreferencePageTests.Host>
{
    private readonly Host _host;

    public PreferencePageTests(Host host) => _host = host;

    public sealed class Host : IDisposable
    {
        public Host()
        {
            Notifications = new ServiceOnKestrel<notifications::Program>(new Dictionary<string, string?> { ["Notifications:LinkKey"] = TestKeys.NewKey() });
            Web = new WebHost(new Dictionary<string, string?> { ["Services:Notifications"] = Notifications.GrpcAddress });
        }

        public ServiceOnKestrel<notifications::Program> Notifications { get; }

        public WebHost Web { get; }

        /// <summary>The token of a message's link for a complaint, as Notifications writes it into the message.</summary>
        public string Token(Guid complaintId) => Notifications.Services.GetRequiredService<LinkTokens>().For(complaintId);

        public async Task<notifications::Complaints.Notifications.Data.ChannelPreference?> StoredAsync(Guid complaintId)
        {
            await using var scope = Notifications.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<NotificationsDb>().Preferences.AsNoTracking().FirstOrDefaultAsync(p => p.ComplaintId == complaintId);
        }

        public void Dispose()
        {
            Web.Dispose();
            Notifications.Dispose();
        }
    }

    [Fact]
    public async Task GetPreferences_LinkToken_ChoicesShownNothingChanged()
    {
        var complaint = Guid.NewGuid();
        using var browser = new FeedbackBrowser(_host.Web, "ko");

        var (status, html) = await browser.GetAsync("/preferences?token=" + _host.Token(complaint));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<html lang=\"ko\">", html);
        Assert.Contains("이 민원 소식 받지 않기", html);
        Assert.Matches("id=\"f-email\"[^>]*checked", html);
        Assert.DoesNotMatch("id=\"f-sms\"[^>]*checked", html);
        var stored = await _host.StoredAsync(complaint);
        Assert.False(stored?.OptedOut ?? false);
    }

    [Fact]
    public async Task PostPreferences_Unsubscribe_StoppedAtNotificationsAndSaidOnThePage()
    {
        var complaint = Guid.NewGuid();
        using var browser = new FeedbackBrowser(_host.Web, "bg");
        var (_, page) = await browser.GetAsync("/preferences?token=" + _host.Token(complaint));

        var form = page[..page.IndexOf("</form>", StringComparison.Ordinal)];

        using var posted = await browser.PostAsync("/preferences", form, new Dictionary<string, string> { ["change"] = "unsubscribe" });
        var html = await posted.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Contains("Вече няма да получавате новини за това оплакване.", html);
        Assert.Contains("Включете новините отново", html);
        Assert.True((await _host.StoredAsync(complaint))!.OptedOut);
    }

    [Fact]
    public async Task PostPreferences_Channels_SmsOnEmailOffStored()
    {
        var complaint = Guid.NewGuid();
        using var browser = new FeedbackBrowser(_host.Web, "en");
        var (_, page) = await browser.GetAsync("/preferences?token=" + _host.Token(complaint));
        var form = page[page.IndexOf("id=\"channels-heading\"", StringComparison.Ordinal)..];

        // Unticked boxes are not posted.
        using var posted = await browser.PostAsync("/preferences", form, new Dictionary<string, string> { ["change"] = "channels", ["sms"] = "on" });
        var html = await posted.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Contains("Your choices are saved.", html);
        var stored = await _host.StoredAsync(complaint);
        Assert.Equal((false, true, false, false), (stored!.Email, stored.Sms, stored.Push, stored.OptedOut));
        Assert.Matches("id=\"f-sms\"[^>]*checked", html);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?token=not-a-token")]
    public async Task GetPreferences_NoOrForgedToken_400SayingTheLinkDoesNotWork(string query)
    {
        using var browser = new FeedbackBrowser(_host.Web, "en");

        var (status, html) = await browser.GetAsync("/preferences" + query);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("This link does not work", html);
    }

    [Fact]
    public async Task PostPreferences_WithoutAntiforgeryToken_NothingChanged()
    {
        var complaint = Guid.NewGuid();
        using var browser = new FeedbackBrowser(_host.Web, "en");

        using var posted = await browser.PostAsync("/preferences", "", new Dictionary<string, string> { ["token"] = _host.Token(complaint), ["change"] = "unsubscribe" });

        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Contains("We could not accept this form", await posted.Content.ReadAsStringAsync());
        Assert.False((await _host.StoredAsync(complaint))?.OptedOut ?? false);
    }
}
