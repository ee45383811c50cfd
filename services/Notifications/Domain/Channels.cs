using Complaints.Common.V1;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Complaints.Notifications.Domain;

/// <param name="Address">Email address, phone number or push topic: used to send, never logged or stored.</param>
public sealed record OutgoingMessage(Guid MessageId, DeliveryChannel Channel, string Address, string? Name,
    string Subject, string Text, string Html, string? UnsubscribeUrl);

/// <summary>One way of reaching a person. Implementations throw on failure; the caller retries with backoff.</summary>
public interface IMessageChannel
{
    DeliveryChannel Channel { get; }

    Task SendAsync(OutgoingMessage message, CancellationToken ct);
}

public static class Mime
{
    /// <summary>Plain text and HTML as alternatives; the message id derives from ours, so a resend is recognisably the same message.</summary>
    public static MimeMessage Build(OutgoingMessage m, string from)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(new MailboxAddress(m.Name ?? string.Empty, m.Address));
        message.Subject = m.Subject;
        message.MessageId = $"{m.MessageId:N}@complaints.local";
        if (m.UnsubscribeUrl is not null)
        {
            // RFC 8058 one-click: mail clients show "unsubscribe" and POST to the link.
            message.Headers.Add("List-Unsubscribe", $"<{m.UnsubscribeUrl}>");
            message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        message.Body = new BodyBuilder { TextBody = m.Text, HtmlBody = m.Html }.ToMessageBody();
        return message;
    }
}

/// <summary>
/// The embedded default: one RFC 5322 .eml file per message under <c>{DataDir}/mail</c>, named by the
/// message id and written atomically, so a retried send replaces rather than duplicates.
/// </summary>
public sealed class FileEmailSink(string folder, IOptions<NotificationOptions> options) : IMessageChannel
{
    public string Folder { get; } = folder;

    public DeliveryChannel Channel => DeliveryChannel.Email;

    public async Task SendAsync(OutgoingMessage email, CancellationToken ct)
    {
        Directory.CreateDirectory(Folder);
        var message = Mime.Build(email, options.Value.From);
        var final = Path.Combine(Folder, $"{email.MessageId:N}.eml");
        var temp = final + ".tmp";
        await message.WriteToAsync(temp, ct);
        File.Move(temp, final, overwrite: true);
    }
}

public sealed class SmtpOptions
{
    /// <summary>Set to send over SMTP; empty keeps the file sink.</summary>
    public string Host { get; set; } = "";
    public int Port { get; set; } = 587;
    /// <summary>None, StartTls, StartTlsWhenAvailable or SslOnConnect.</summary>
    public string Security { get; set; } = "StartTlsWhenAvailable";
    public string UserName { get; set; } = "";
    public string Password { get; set; } = "";
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// SMTP with MailKit, one connection per message: simple, and an outage never leaves a broken pooled
/// connection behind. A failure up to the server's acceptance of DATA throws; the worker retries and the
/// Message-Id lets receivers drop a duplicate. After acceptance nothing fails the send.
/// </summary>
public sealed class SmtpEmailSender(IOptions<SmtpOptions> smtp, IOptions<NotificationOptions> options) : IMessageChannel
{
    public DeliveryChannel Channel => DeliveryChannel.Email;

    public async Task SendAsync(OutgoingMessage email, CancellationToken ct)
    {
        var o = smtp.Value;
        using var client = new SmtpClient { Timeout = (int)o.Timeout.TotalMilliseconds };
        await client.ConnectAsync(o.Host, o.Port, Enum.Parse<SecureSocketOptions>(o.Security, ignoreCase: true), ct);
        if (o.UserName.Length > 0)
        {
            await client.AuthenticateAsync(o.UserName, o.Password, ct);
        }
        await client.SendAsync(Mime.Build(email, options.Value.From), ct);
        // The server accepted DATA: the message is delivered. A failing QUIT (timeout, dropped connection, a
        // cancelled token) must not turn that into a failure, or the retry would send the email a second time.
        try
        {
            await client.DisconnectAsync(true, CancellationToken.None);
        }
        catch (Exception)
        {
            // Whatever went wrong, the connection is dropped by Dispose and the message stays delivered.
        }
    }
}

/// <summary>The default SMS and push channel until a provider is configured: logs that a message went, by id only.</summary>
public sealed class LoggingChannel(DeliveryChannel channel, ILogger<LoggingChannel> logger) : IMessageChannel
{
    public DeliveryChannel Channel => channel;

    public Task SendAsync(OutgoingMessage message, CancellationToken ct)
    {
        // Never the number, the topic or the words: ids only.
        logger.LogInformation("{Channel} message {MessageId} handed to the logging sink", channel, message.MessageId);
        return Task.CompletedTask;
    }
}
