using Complaints.Eventing.Tests.Infrastructure;
using Complaints.Eventing.V1;
using Complaints.Intake.V1;
using Complaints.TestSupport;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Complaints.Eventing.Tests;

/// <summary>The feed as any gRPC client sees it: ordering, resumption point, auth.</summary>
public sealed class EventFeedTests(ITestOutputHelper output) : IDisposable
{
    private readonly TestEnv _env = new(output);

    [Fact]
    public async Task Subscribe_AfterSequence_StreamsExactlyTheLaterEventsInOrder()
    {
        await using var producer = await ProducerHost.StartAsync(_env);
        var appended = new List<StoredEvent>();
        for (var i = 0; i < 10; i++)
        {
            appended.AddRange(await producer.AppendAsync(1));
        }
        var after = appended[2].Sequence;

        using var channel = GrpcChannel.ForAddress(producer.Address);
        var client = new EventFeed.EventFeedClient(channel);
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        using var call = client.Subscribe(new SubscribeRequest { AfterSequence = after }, Bearer(_env.IssueToken("service")), cancellationToken: timeout.Token);

        var received = await ReadAsync(call.ResponseStream, 7, timeout.Token);
        Assert.Equal(appended.Skip(3).Select(e => e.Sequence), received.Select(e => e.Sequence));
        Assert.Equal(appended.Skip(3).Select(e => e.EventId.ToString()), received.Select(e => e.EventId));
        foreach (var (envelope, stored) in received.Zip(appended.Skip(3)))
        {
            Assert.Equal("producer", envelope.Source);
            Assert.Equal(ComplaintReceived.Descriptor.FullName, envelope.Type);
            Assert.Equal(stored.AggregateId, envelope.AggregateId);
            Assert.Equal(stored.AggregateId, envelope.Payload.Unpack<ComplaintReceived>().ComplaintId);
        }

        // The stream stays open: the next thing it carries is the next event, nothing repeated, nothing skipped.
        var live = Assert.Single(await producer.AppendAsync(1));
        var next = Assert.Single(await ReadAsync(call.ResponseStream, 1, timeout.Token));
        Assert.Equal(live.Sequence, next.Sequence);
        Assert.Equal(appended[^1].Sequence + 1, next.Sequence);
    }

    [Fact]
    public async Task Subscribe_EventTypes_StreamsOnlyThoseTypesInOrder()
    {
        await using var producer = await ProducerHost.StartAsync(_env);
        var received = await producer.AppendAsync(3);
        List<StoredEvent> merged;
        await using (var scope = producer.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProducerDb>();
            merged = [.. Enumerable.Range(0, 2).Select(i => db.AppendEvent(new ComplaintMerged { ComplaintId = $"m-{i}" }, $"m-{i}", TimeProvider.System))];
            await db.SaveChangesAsync();
        }
        var later = await producer.AppendAsync(2);

        using var channel = GrpcChannel.ForAddress(producer.Address);
        var client = new EventFeed.EventFeedClient(channel);
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        var request = new SubscribeRequest { EventTypes = { ComplaintMerged.Descriptor.FullName } };
        using var call = client.Subscribe(request, Bearer(_env.IssueToken("service")), cancellationToken: timeout.Token);

        // Only the merges, though ComplaintReceived events come before and after them.
        var streamed = await ReadAsync(call.ResponseStream, 2, timeout.Token);
        Assert.Equal(merged.Select(e => e.Sequence), streamed.Select(e => e.Sequence));
        Assert.All(streamed, e => Assert.Equal(ComplaintMerged.Descriptor.FullName, e.Type));

        // Live: a ComplaintReceived is passed over, the next merge arrives.
        await producer.AppendAsync(1);
        await using (var scope = producer.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProducerDb>();
            db.AppendEvent(new ComplaintMerged { ComplaintId = "m-live" }, "m-live", TimeProvider.System);
            await db.SaveChangesAsync();
        }
        // The passed-over event may be told as a position (no id, no type) first.
        var live = await ReadAsync(call.ResponseStream, 1, timeout.Token);
        while (live[0].IsPosition())
        {
            Assert.Equal("", live[0].Type);
            live = await ReadAsync(call.ResponseStream, 1, timeout.Token);
        }
        var next = Assert.Single(live);
        Assert.Equal("m-live", next.AggregateId);
        Assert.True(next.Sequence > later[^1].Sequence + 1);
        Assert.NotEmpty(received);
    }

    [Fact]
    public async Task Subscribe_MoreEventsThanBatchSize_StreamsAllInOrder()
    {
        await using var producer = await ProducerHost.StartAsync(_env, settings: new Dictionary<string, string?> { ["EventFeed:BatchSize"] = "16" });
        var appended = await producer.AppendAsync(50);

        using var channel = GrpcChannel.ForAddress(producer.Address);
        var client = new EventFeed.EventFeedClient(channel);
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        using var call = client.Subscribe(new SubscribeRequest { AfterSequence = 0 }, Bearer(_env.IssueToken("service")), cancellationToken: timeout.Token);

        var received = await ReadAsync(call.ResponseStream, 50, timeout.Token);
        Assert.Equal(appended.Select(e => e.Sequence), received.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Subscribe_GapSeenForLessThanGrace_HoldsBackLaterEventsUntilGracePassed()
    {
        var grace = TimeSpan.FromSeconds(1);
        await using var producer = await ProducerHost.StartAsync(_env, settings: new Dictionary<string, string?> { ["EventFeed:GapGrace"] = grace.ToString() });
        var first = Assert.Single(await producer.AppendAsync(1));
        var missing = Assert.Single(await producer.AppendAsync(1));
        var third = Assert.Single(await producer.AppendAsync(1));
        await using (var db = _env.OpenProducerDb())
        {
            // A hole in the sequence, as a transaction that took an identity value and rolled back leaves.
            Assert.Equal(1, await db.Events.Where(e => e.Sequence == missing.Sequence).ExecuteDeleteAsync());
        }

        using var channel = GrpcChannel.ForAddress(producer.Address);
        var client = new EventFeed.EventFeedClient(channel);
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        var subscribedAt = DateTimeOffset.UtcNow;
        using var call = client.Subscribe(new SubscribeRequest(), Bearer(_env.IssueToken("service")), cancellationToken: timeout.Token);

        var received = await ReadAsync(call.ResponseStream, 2, timeout.Token);
        var thirdArrivedAt = DateTimeOffset.UtcNow;
        Assert.Equal([first.Sequence, third.Sequence], received.Select(e => e.Sequence));
        // The grace runs from when the stream first saw the gap, not from when the event was appended
        // (a slow commit can be older than the grace by then).
        Assert.True(thirdArrivedAt - subscribedAt >= grace,
            $"The event after the gap arrived {(thirdArrivedAt - subscribedAt).TotalMilliseconds:0} ms after subscribing, before the {grace.TotalMilliseconds:0} ms grace.");
    }

    [Fact]
    public async Task Subscribe_WithoutToken_IsUnauthenticated()
    {
        await using var producer = await ProducerHost.StartAsync(_env);
        await producer.AppendAsync(1);

        var ex = await SubscribeExpectingErrorAsync(producer, headers: null);
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
    }

    [Fact]
    public async Task Subscribe_TokenSignedWithAnotherKey_IsUnauthenticated()
    {
        await using var producer = await ProducerHost.StartAsync(_env);
        await producer.AppendAsync(1);
        using var stranger = new TestEnv(output);

        var ex = await SubscribeExpectingErrorAsync(producer, Bearer(stranger.IssueToken("service")));
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("admin")]
    public async Task Subscribe_TokenWithoutServiceRole_IsPermissionDenied(string role)
    {
        await using var producer = await ProducerHost.StartAsync(_env);
        await producer.AppendAsync(1);

        var ex = await SubscribeExpectingErrorAsync(producer, Bearer(_env.IssueToken(role)));
        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
    }

    public void Dispose() => _env.Dispose();

    internal static Metadata Bearer(string token) => new() { { "Authorization", "Bearer " + token } };

    internal static async Task<List<EventEnvelope>> ReadAsync(IAsyncStreamReader<EventEnvelope> stream, int count, CancellationToken ct)
    {
        var received = new List<EventEnvelope>(count);
        while (received.Count < count)
        {
            if (!await stream.MoveNext(ct))
            {
                throw new Xunit.Sdk.XunitException($"The feed ended after {received.Count} of {count} events.");
            }
            received.Add(stream.Current);
        }
        return received;
    }

    private static async Task<RpcException> SubscribeExpectingErrorAsync(ProducerHost producer, Metadata? headers)
    {
        using var channel = GrpcChannel.ForAddress(producer.Address);
        var client = new EventFeed.EventFeedClient(channel);
        using var timeout = new CancellationTokenSource(Eventually.DefaultTimeout);
        using var call = client.Subscribe(new SubscribeRequest(), headers, cancellationToken: timeout.Token);
        return await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(timeout.Token));
    }
}
