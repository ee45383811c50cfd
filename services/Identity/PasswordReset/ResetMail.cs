using System.Globalization;
using System.Net;
using System.Threading.Channels;
using Complaints.Identity.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Complaints.Identity.PasswordReset;

/// <summary>A reset email to send: the account, the language the request was made in, and the public address links start with.</summary>
public sealed record ResetMail(string Subject, string Language, Uri PublicBase);

/// <summary>
/// Reset emails waiting to go, in memory. The request only queues: the page answers before any SMTP conversation, so a
/// known account's answer takes as long as an unknown one's. A queued email lost to a restart is asked for again.
/// </summary>
public sealed class ResetMailQueue
{
    private readonly Channel<ResetMail> _channel = Channel.CreateBounded<ResetMail>(new BoundedChannelOptions(1000) { SingleReader = true });

    public bool TryEnqueue(ResetMail mail) => _channel.Writer.TryWrite(mail);

    public ChannelReader<ResetMail> Reader => _channel.Reader;
}

/// <summary>
/// Sends the queued reset emails. The token is made at send time (its lifetime starts then) and exists only in the
/// email: Identity stores no link. A failed send is tried again twice (5 s, then 20 s later); then it is logged and
/// dropped, and the staff member can ask again once the interval has passed. Logs carry the account and the message
/// id, never the address or the link.
/// </summary>
public sealed class ResetMailSender(
    ResetMailQueue queue,
    IServiceScopeFactory scopes,
    IStaffMail mail,
    IStringLocalizer<Texts> texts,
    IOptions<PasswordResetOptions> options,
    TimeProvider clock,
    ILogger<ResetMailSender> logger) : BackgroundService
{
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var item in queue.Reader.ReadAllAsync(stoppingToken))
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await SendAsync(item, stoppingToken);
                    break;
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    if (attempt >= RetryDelays.Length)
                    {
                        logger.LogError("Password reset email for {Subject} not sent after {Attempts} attempts: {Error}", item.Subject, attempt + 1, e.GetType().Name);
                        break;
                    }
                    logger.LogWarning("Password reset email for {Subject} failed ({Error}); trying again", item.Subject, e.GetType().Name);
                    await Task.Delay(RetryDelays[attempt], clock, stoppingToken);
                }
            }
        }
    }

    private async Task SendAsync(ResetMail item, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var user = await users.FindByNameAsync(item.Subject);
        if (user is null || user.Disabled || string.IsNullOrEmpty(user.Email))
        {
            return;
        }
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var link = new Uri(item.PublicBase, $"account/reset-password?account={Uri.EscapeDataString(user.UserName!)}&token={token}").AbsoluteUri;
        var message = Render(item, user, link);
        await mail.SendAsync(message, ct);
        logger.LogInformation("Password reset email {MessageId} for {Subject} sent", message.MessageId, item.Subject);
    }

    private StaffMailMessage Render(ResetMail item, StaffUser user, string link)
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(item.Language);
        try
        {
            var minutes = (int)Math.Round(options.Value.LinkLifetime.TotalMinutes);
            string[] paragraphs = [texts["Mail_Reset_Asked", user.UserName!], texts["Mail_Reset_Link", minutes], link, texts["Mail_Reset_NotYou"]];
            var html = $"<!DOCTYPE html><html lang=\"{item.Language}\"><body>"
                + $"<p>{WebUtility.HtmlEncode(paragraphs[0])}</p><p>{WebUtility.HtmlEncode(paragraphs[1])}</p>"
                + $"<p><a href=\"{WebUtility.HtmlEncode(link)}\">{WebUtility.HtmlEncode(texts["Mail_Reset_Button"])}</a></p>"
                + $"<p>{WebUtility.HtmlEncode(paragraphs[3])}</p></body></html>";
            return new StaffMailMessage(Guid.NewGuid(), user.Email!, user.DisplayName, texts["Mail_Reset_Subject"], string.Join("\n\n", paragraphs) + "\n", html);
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}
