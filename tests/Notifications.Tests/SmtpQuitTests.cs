using System.Net;
using System.Net.Sockets;
using System.Text;
using Complaints.Common.V1;
using Complaints.Intake.V1;

namespace Complaints.Notifications.Tests;

/// <summary>
/// A minimal SMTP server on a real loopback socket that accepts every message and then never answers QUIT,
/// like a relay that hangs while closing. It counts the messages it accepted (DATA answered 250).
/// </summary>
public sealed class QuitHangingSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _accepted;

    public QuitHangingSmtpServer()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Accepted => Volatile.Read(ref _accepted);

    private async Task AcceptAsync()
    {
        var sessions = new List<Task>();
        try
        {
            while (true)
            {
                sessions.Add(SessionAsync(await _listener.AcceptTcpClientAsync(_stop.Token)));
            }
        }
        catch (OperationCanceledException)
        {
        }
        await Task.WhenAll(sessions);
    }

    private async Task SessionAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 quit-hanging test server ready");
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO" or "HELO":
                        await writer.WriteLineAsync("250 quit-hanging");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>");
                        while (await reader.ReadLineAsync(_stop.Token) is { } data && data != ".")
                        {
                        }
                        Interlocked.Increment(ref _accepted);
                        await writer.WriteLineAsync("250 accepted");
                        break;
                    case "QUIT":
                        // Never answer: the client's QUIT times out after the message was accepted.
                        await Task.Delay(Timeout.Infinite, _stop.Token);
                        break;
                    default:
                        await writer.WriteLineAsync("250 ok");
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}

public sealed class QuitHangingSmtpFixture : DeliveryFixture
{
    public QuitHangingSmtpServer Smtp { get; } = new();

    protected override Task<IDictionary<string, string?>> SettingsAsync() =>
        Task.FromResult<IDictionary<string, string?>>(new Dictionary<string, string?>
        {
            ["Notifications:Smtp:Host"] = "127.0.0.1",
            ["Notifications:Smtp:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Notifications:Smtp:Security"] = "None",
            // How long the client waits for the QUIT answer that never comes.
            ["Notifications:Smtp:Timeout"] = "00:00:01",
            ["Notifications:RetryBaseDelay"] = "00:00:00.050",
            ["Notifications:RetryMaxDelay"] = "00:00:00.250",
            ["Notifications:MaxAttempts"] = "3",
            ["Notifications:GiveUpAfter"] = "00:00:00",
        });

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

public sealed class SmtpQuitTests(QuitHangingSmtpFixture fixture) : IClassFixture<QuitHangingSmtpFixture>
{
    [Fact]
    public async Task Send_QuitFailsAfterServerAcceptedData_DeliveredOnceNotResent()
    {
        var id = Guid.NewGuid();
        var reference = Envelopes.NewReference();
        fixture.Intake.Book.Add(id, new GetContactForDeliveryResponse { Reference = reference, HasContact = true, Name = "N", Email = $"q-{id:N}@example.com", PreferredLanguage = "en" });

        var queued = await fixture.QueueAcknowledgementAsync(id, reference, "en", DateTimeOffset.UtcNow);
        var message = await fixture.SettledAsync(queued.Id);

        Assert.Equal((int)DeliveryStatus.Delivered, message.Status);
        Assert.Equal(1, message.Attempts);
        Assert.Equal(1, fixture.Smtp.Accepted);
    }
}
