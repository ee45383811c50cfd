using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Complaints.Identity.PasswordReset;

/// <param name="Address">The staff member's email address: used to send, never logged.</param>
public sealed record StaffMailMessage(Guid MessageId, string Address, string? Name, string Subject, string Text, string Html);

/// <summary>How Identity's own email (password reset links) leaves. Implementations throw on failure.</summary>
public interface IStaffMail
{
    Task SendAsync(StaffMailMessage message, CancellationToken ct);
}

/// <summary>
/// <c>Identity:Smtp</c>, the shape of <c>Notifications:Smtp</c>: set <c>Host</c> to send over SMTP; empty keeps the
/// <c>.eml</c> file sink under <c>{DataDir}/mail</c>, as Notifications does.
/// </summary>
public sealed class StaffSmtpOptions
{
    public string Host { get; set; } = "";
    public int Port { get; set; } = 587;
    /// <summary>None, StartTls, StartTlsWhenAvailable or SslOnConnect.</summary>
    public string Security { get; set; } = "StartTlsWhenAvailable";
    public string UserName { get; set; } = "";
    public string Password { get; set; } = "";
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary><c>Identity:From</c>, like <c>Notifications:From</c>.</summary>
public sealed class StaffMailOptions
{
    public string From { get; set; } = "Complaints <no-reply@complaints.local>";
}

internal static class StaffMime
{
    public static MimeMessage Build(StaffMailMessage m, string from)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(new MailboxAddress(m.Name ?? "", m.Address));
        message.Subject = m.Subject;
        message.MessageId = $"{m.MessageId:N}@complaints.local";
        message.Body = new BodyBuilder { TextBody = m.Text, HtmlBody = m.Html }.ToMessageBody();
        return message;
    }
}

/// <summary>The local default: one RFC 5322 file per message, <c>{DataDir}/mail/{id}.eml</c>, written atomically.</summary>
public sealed class StaffMailFileSink(string folder, IOptions<StaffMailOptions> options) : IStaffMail
{
    public string Folder { get; } = folder;

    public async Task SendAsync(StaffMailMessage message, CancellationToken ct)
    {
        Directory.CreateDirectory(Folder);
        var final = Path.Combine(Folder, $"{message.MessageId:N}.eml");
        var temp = final + ".tmp";
        await StaffMime.Build(message, options.Value.From).WriteToAsync(temp, ct);
        File.Move(temp, final, overwrite: true);
    }
}

/// <summary>SMTP with MailKit, one connection per message, as Notifications sends. After the server accepted DATA the message is sent.</summary>
public sealed class StaffSmtpMail(IOptions<StaffSmtpOptions> smtp, IOptions<StaffMailOptions> options) : IStaffMail
{
    public async Task SendAsync(StaffMailMessage message, CancellationToken ct)
    {
        var o = smtp.Value;
        using var client = new SmtpClient { Timeout = (int)o.Timeout.TotalMilliseconds };
        await client.ConnectAsync(o.Host, o.Port, Enum.Parse<SecureSocketOptions>(o.Security, ignoreCase: true), ct);
        if (o.UserName.Length > 0)
        {
            await client.AuthenticateAsync(o.UserName, o.Password, ct);
        }
        await client.SendAsync(StaffMime.Build(message, options.Value.From), ct);
        try
        {
            await client.DisconnectAsync(true, CancellationToken.None);
        }
        catch (Exception)
        {
            // Accepted is sent: a failing QUIT must not turn into a second email.
        }
    }
}
