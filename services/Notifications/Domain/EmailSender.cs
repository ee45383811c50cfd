using MimeKit;

namespace Complaints.Notifications.Domain;

public sealed record OutgoingEmail(Guid MessageId, string From, string ToName, string ToAddress, string Subject, string TextBody);

/// <summary>One outbound email channel (file sink by default; SMTP later).</summary>
public interface IEmailSender
{
    Task SendAsync(OutgoingEmail email, CancellationToken ct);
}

/// <summary>
/// The embedded default: one RFC 5322 .eml file per message under <c>{DataDir}/mail</c>, named by the
/// message id and written atomically, so a retried send replaces rather than duplicates.
/// </summary>
public sealed class FileEmailSink(string folder) : IEmailSender
{
    public string Folder { get; } = folder;

    public async Task SendAsync(OutgoingEmail email, CancellationToken ct)
    {
        Directory.CreateDirectory(Folder);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(email.From));
        message.To.Add(new MailboxAddress(email.ToName, email.ToAddress));
        message.Subject = email.Subject;
        message.MessageId = $"{email.MessageId:N}@complaints.local";
        message.Body = new TextPart("plain") { Text = email.TextBody };

        var final = Path.Combine(Folder, $"{email.MessageId:N}.eml");
        var temp = final + ".tmp";
        await message.WriteToAsync(temp, ct);
        File.Move(temp, final, overwrite: true);
    }
}
