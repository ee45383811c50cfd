namespace Complaints.Eventing.Tests;

/// <summary>The in-process signal: a waiter taken before a notification is released by it, one taken after is not.</summary>
public sealed class EventSignalTests
{
    [Fact]
    public async Task LocalEventSignal_WaiterTakenBeforeNotify_Completes()
    {
        var signal = new LocalEventSignal();
        var waiter = signal.Waiter();
        Assert.False(waiter.IsCompleted);

        signal.Notify();

        await waiter.WaitAsync(TimeSpan.FromSeconds(5)); // Completes (continuations run asynchronously).
        Assert.True(waiter.IsCompletedSuccessfully);
    }

    [Fact]
    public void LocalEventSignal_WaiterTakenAfterNotify_StaysPending()
    {
        var signal = new LocalEventSignal();
        var before = signal.Waiter();
        signal.Notify();

        var after = signal.Waiter();

        Assert.True(before.IsCompleted);
        Assert.False(after.IsCompleted);
        Assert.NotSame(before, after);
    }

    [Fact]
    public void LocalEventSignal_WaitersTakenBetweenTwoNotifies_ShareOneRelease()
    {
        var signal = new LocalEventSignal();
        var first = signal.Waiter();
        var second = signal.Waiter();

        signal.Notify();

        Assert.True(first.IsCompleted);
        Assert.True(second.IsCompleted);
        Assert.False(signal.Waiter().IsCompleted);
    }

    [Fact]
    public async Task LocalEventSignal_WaitNextWithoutNotify_TimesOut()
    {
        IEventSignal signal = new LocalEventSignal();

        await Assert.ThrowsAsync<TimeoutException>(() => signal.WaitNextAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None));
    }
}
