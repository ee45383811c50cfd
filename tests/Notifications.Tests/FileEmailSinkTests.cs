using Complaints.Common.V1;
using Complaints.Notifications.Domain;
using Complaints.TestSupport;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Complaints.Notifications.Tests;

public sealed class FileEmailSinkTests : IDisposable
{
    private readonly TempFolder _folder = new("mail-sink-tests");

    public void Dispose() => _folder.Dispose();

    private static OutgoingMessage Email(Guid id, string subject = "민원 CMP-KO000001이(가) 접수되었습니다", string body = "박미나 님께,\n\n감사합니다.\n민원 처리팀 드림\n") =>
        new(id, DeliveryChannel.Email, "mina@example.com", "박미나", subject, body, "<p>html</p>", null);

    private static FileEmailSink Sink(string folder) => new(folder, Options.Create(new NotificationOptions()));

    [Fact]
    public async Task SendAsync_KoreanMessage_WritesEmlThatParsesBack()
    {
        var sink = Sink(Path.Combine(_folder.Path, "mail"));
        var id = Guid.NewGuid();
        var email = Email(id);

        await sink.SendAsync(email, CancellationToken.None);

        var path = Path.Combine(_folder.Path, "mail", $"{id:N}.eml");
        Assert.True(File.Exists(path));
        using var parsed = await MimeMessage.LoadAsync(path);
        Assert.Equal(email.Subject, parsed.Subject);
        var to = Assert.Single(parsed.To.Mailboxes);
        Assert.Equal("mina@example.com", to.Address);
        Assert.Equal("박미나", to.Name);
        Assert.Equal("no-reply@complaints.local", Assert.Single(parsed.From.Mailboxes).Address);
        Assert.Equal($"{id:N}@complaints.local", parsed.MessageId);
        Assert.NotNull(parsed.TextBody);
        Assert.Equal(email.Text, parsed.TextBody.ReplaceLineEndings("\n"));
        Assert.Equal("<p>html</p>", parsed.HtmlBody);
    }

    [Fact]
    public async Task SendAsync_KoreanSubject_EncodedAsUtf8()
    {
        var sink = Sink(_folder.Path);
        var id = Guid.NewGuid();

        await sink.SendAsync(Email(id), CancellationToken.None);

        var raw = await File.ReadAllTextAsync(Path.Combine(_folder.Path, $"{id:N}.eml"));
        var subjectLine = raw.Split('\n').First(l => l.StartsWith("Subject:", StringComparison.OrdinalIgnoreCase));
        // RFC 2047 encoded word in UTF-8: the header itself stays 7-bit.
        Assert.Contains("=?utf-8?", subjectLine, StringComparison.OrdinalIgnoreCase);
        Assert.All(raw.Split('\n').TakeWhile(l => l.Trim().Length > 0), l => Assert.True(l.All(c => c < 128), l));
    }

    [Fact]
    public async Task SendAsync_SameMessageIdTwice_LeavesOneFile()
    {
        var sink = Sink(_folder.Path);
        var id = Guid.NewGuid();

        await sink.SendAsync(Email(id, subject: "first"), CancellationToken.None);
        await sink.SendAsync(Email(id, subject: "second"), CancellationToken.None);

        var file = Assert.Single(Directory.EnumerateFiles(_folder.Path));
        Assert.Equal($"{id:N}.eml", Path.GetFileName(file));
        using var parsed = await MimeMessage.LoadAsync(file);
        Assert.Equal("second", parsed.Subject);
    }

    [Fact]
    public async Task SendAsync_TwoMessages_TwoFiles()
    {
        var sink = Sink(_folder.Path);

        await sink.SendAsync(Email(Guid.NewGuid()), CancellationToken.None);
        await sink.SendAsync(Email(Guid.NewGuid()), CancellationToken.None);

        Assert.Equal(2, Directory.EnumerateFiles(_folder.Path, "*.eml").Count());
    }
}
