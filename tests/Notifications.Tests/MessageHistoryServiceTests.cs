using Complaints.Common.V1;
using Complaints.Intake.V1;
using Complaints.Notifications.V1;
using Grpc.Core;

namespace Complaints.Notifications.Tests;

public sealed class MessageHistoryServiceTests(DeliveryFixture fixture) : IClassFixture<DeliveryFixture>
{
    private MessageHistoryService.MessageHistoryServiceClient Client(string? token) => new(fixture.Notifications.Channel(token));

    [Fact]
    public async Task ListMessages_ServiceTokenAfterDelivery_ListsMessageWithoutAddress()
    {
        var complaintId = Guid.NewGuid();
        var reference = Envelopes.NewReference();
        var email = $"private-{complaintId:N}@example.com";
        fixture.Intake.Book.Add(complaintId, new GetContactForDeliveryResponse
        {
            Reference = reference,
            HasContact = true,
            Name = "Ivan Petrov",
            Email = email,
            Phone = "+359888123456",
            PreferredLanguage = "bg",
        });
        var queued = await fixture.QueueAcknowledgementAsync(complaintId, reference, "en", DateTimeOffset.UtcNow);
        await fixture.AttemptedAsync(queued.Id);

        var response = await Client(fixture.Notifications.Token("intake", "service")).ListMessagesAsync(new ListMessagesRequest { ComplaintId = complaintId.ToString() });

        var record = Assert.Single(response.Messages);
        Assert.Equal(queued.Id.ToString(), record.MessageId);
        Assert.Equal(MessageKind.Acknowledgement, record.Kind);
        Assert.Equal(DeliveryChannel.Email, record.Channel);
        Assert.Equal(DeliveryStatus.Delivered, record.Status);
        Assert.Equal($"Получихме вашата жалба {reference}", record.Subject);
        Assert.Equal("bg", record.Language);
        Assert.NotNull(record.DeliveredAt);
        var text = response.ToString();
        Assert.DoesNotContain(email, text);
        Assert.DoesNotContain("Ivan Petrov", text);
        Assert.DoesNotContain("+359888123456", text);
    }

    [Fact]
    public async Task ListMessages_UnknownComplaint_Empty()
    {
        var response = await Client(fixture.Notifications.Token("intake", "service")).ListMessagesAsync(new ListMessagesRequest { ComplaintId = Guid.NewGuid().ToString() });

        Assert.Empty(response.Messages);
    }

    [Fact]
    public async Task ListMessages_NoToken_Unauthenticated()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client(null).ListMessagesAsync(new ListMessagesRequest { ComplaintId = Guid.NewGuid().ToString() }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("admin")]
    [InlineData("analyst")]
    public async Task ListMessages_PersonRole_PermissionDenied(string role)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client(fixture.Notifications.Token("someone", role)).ListMessagesAsync(new ListMessagesRequest { ComplaintId = Guid.NewGuid().ToString() }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task ListMessages_MalformedId_InvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client(fixture.Notifications.Token("intake", "service")).ListMessagesAsync(new ListMessagesRequest { ComplaintId = "nope" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("complaintId", error.Status.Detail);
    }
}
