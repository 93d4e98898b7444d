// Unit tests: the bridge's queue (per-channel order, one publish in flight per channel, limits, overflow policies).
using System.Collections.Concurrent;
using PusherWire.Bridge.Nats.Internal;

namespace PusherWire.Bridge.Nats.Tests;

public class PublishQueueUnitTests
{
    [Test, CancelAfter(60_000)]
    public async Task OneChannel_IsPublishedOneAtATime_InArrivalOrder(CancellationToken ct)
    {
        var publisher = new GatedPublisher();
        await using var queue = new PublishQueue(100, 1 << 20, NatsBridgeOverflowPolicy.DropNewest, publisher.PublishAsync);
        for (int i = 0; i < 5; i++)
        {
            Assert.That(queue.TryEnqueue(Event("c", i)), Is.Null);
        }

        for (int i = 0; i < 5; i++)
        {
            PendingEvent started = await publisher.NextStartedAsync(ct);
            Assert.That(started.EventName, Is.EqualTo(i.ToString()));
            Assert.That(publisher.InFlight, Is.EqualTo(1), "the next event of a channel waits for the previous ack");
            publisher.Ack(started);
        }

        await queue.WaitEmptyAsync(ct);
        Assert.That(queue.Count, Is.Zero);
    }

    [Test, CancelAfter(60_000)]
    public async Task DifferentChannels_PublishConcurrently(CancellationToken ct)
    {
        var publisher = new GatedPublisher();
        await using var queue = new PublishQueue(100, 1 << 20, NatsBridgeOverflowPolicy.DropNewest, publisher.PublishAsync);
        queue.TryEnqueue(Event("a", 0));
        queue.TryEnqueue(Event("b", 0));
        queue.TryEnqueue(Event("c", 0));

        var started = new[] { await publisher.NextStartedAsync(ct), await publisher.NextStartedAsync(ct), await publisher.NextStartedAsync(ct) };

        Assert.That(started.Select(e => e.Channel).Order(), Is.EqualTo(new[] { "a", "b", "c" }));
        Assert.That(publisher.InFlight, Is.EqualTo(3));
        Array.ForEach(started, publisher.Ack);
        await queue.WaitEmptyAsync(ct);
    }

    [Test, CancelAfter(60_000)]
    public async Task Full_DropNewest_RefusesTheArrivingEvent(CancellationToken ct)
    {
        var publisher = new GatedPublisher();
        await using var queue = new PublishQueue(3, 1 << 20, NatsBridgeOverflowPolicy.DropNewest, publisher.PublishAsync);
        for (int i = 0; i < 3; i++)
        {
            queue.TryEnqueue(Event("c", i));
        }

        PendingEvent arriving = Event("c", 3);
        Assert.That(queue.TryEnqueue(arriving), Is.SameAs(arriving));
        Assert.That(queue.Count, Is.EqualTo(3));
        await DrainAsync(publisher, queue, ["0", "1", "2"], ct);
    }

    [Test, CancelAfter(60_000)]
    public async Task Full_DropOldest_DropsTheOldestEventNotBeingPublished(CancellationToken ct)
    {
        var publisher = new GatedPublisher();
        await using var queue = new PublishQueue(3, 1 << 20, NatsBridgeOverflowPolicy.DropOldest, publisher.PublishAsync);
        for (int i = 0; i < 3; i++)
        {
            queue.TryEnqueue(Event("c", i));
        }

        PendingEvent inFlight = await publisher.NextStartedAsync(ct);
        Assert.That(inFlight.EventName, Is.EqualTo("0"));

        PendingEvent? dropped = queue.TryEnqueue(Event("c", 3));

        Assert.That(dropped?.EventName, Is.EqualTo("1"), "event 0 is being published, so 1 is the oldest that can go");
        Assert.That(queue.Count, Is.EqualTo(3));
        publisher.Ack(inFlight);
        await DrainAsync(publisher, queue, ["2", "3"], ct);
    }

    [Test, CancelAfter(60_000)]
    public async Task ByteLimit_CountsPayloadBytes(CancellationToken ct)
    {
        var publisher = new GatedPublisher();
        await using var queue = new PublishQueue(100, 250, NatsBridgeOverflowPolicy.DropNewest, publisher.PublishAsync);
        Assert.That(queue.TryEnqueue(Event("c", 0, size: 100)), Is.Null);
        Assert.That(queue.TryEnqueue(Event("c", 1, size: 100)), Is.Null);
        Assert.That(queue.TryEnqueue(Event("c", 2, size: 100)), Is.Not.Null, "300 bytes would exceed 250");
        Assert.That(queue.TryEnqueue(Event("d", 3, size: 50)), Is.Null, "250 bytes fit");
        Assert.That(queue.Bytes, Is.EqualTo(250));
        var drained = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            PendingEvent next = await publisher.NextStartedAsync(ct);
            drained.Add(next.EventName);
            publisher.Ack(next);
        }

        await queue.WaitEmptyAsync(ct);
        Assert.That(drained, Is.EquivalentTo(new[] { "0", "1", "3" }));
        Assert.That(queue.Bytes, Is.Zero);
    }

    [Test, CancelAfter(60_000)]
    public async Task AnIdleChannel_RestartsItsPublisher_WhenEventsArriveAgain(CancellationToken ct)
    {
        var publisher = new GatedPublisher();
        await using var queue = new PublishQueue(100, 1 << 20, NatsBridgeOverflowPolicy.DropNewest, publisher.PublishAsync);
        for (int round = 0; round < 3; round++)
        {
            queue.TryEnqueue(Event("c", round));
            publisher.Ack(await publisher.NextStartedAsync(ct));
            await queue.WaitEmptyAsync(ct);
        }

        Assert.That(publisher.Completed, Is.EqualTo(new[] { "0", "1", "2" }));
    }

    [Test, CancelAfter(60_000)]
    public async Task Dispose_StopsPublishers_AndRefusesNewEvents(CancellationToken ct)
    {
        var publisher = new GatedPublisher();
        var queue = new PublishQueue(100, 1 << 20, NatsBridgeOverflowPolicy.DropNewest, publisher.PublishAsync);
        queue.TryEnqueue(Event("c", 0));
        await publisher.NextStartedAsync(ct);

        await queue.DisposeAsync();

        Assert.That(queue.Count, Is.EqualTo(1), "an unacknowledged event is never counted as done");
        PendingEvent late = Event("c", 1);
        Assert.That(queue.TryEnqueue(late), Is.SameAs(late));
    }

    private static async Task DrainAsync(GatedPublisher publisher, PublishQueue queue, string[] expected, CancellationToken ct)
    {
        foreach (string name in expected)
        {
            PendingEvent next = await publisher.NextStartedAsync(ct);
            Assert.That(next.EventName, Is.EqualTo(name));
            publisher.Ack(next);
        }

        await queue.WaitEmptyAsync(ct);
    }

    private static PendingEvent Event(string channel, int n, int size = 8) =>
        new(channel, n.ToString(), new byte[size], null, null, DateTimeOffset.UnixEpoch);

    /// <summary>A publisher whose publishes complete only when the test acks them.</summary>
    private sealed class GatedPublisher
    {
        private readonly ConcurrentDictionary<PendingEvent, TaskCompletionSource> _acks = new();
        private readonly System.Threading.Channels.Channel<PendingEvent> _started = System.Threading.Channels.Channel.CreateUnbounded<PendingEvent>();
        private readonly ConcurrentQueue<string> _completed = new();
        private int _inFlight;

        public int InFlight => Volatile.Read(ref _inFlight);

        public IEnumerable<string> Completed => _completed;

        public async Task PublishAsync(PendingEvent item, CancellationToken stopping)
        {
            var ack = _acks.GetOrAdd(item, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            Interlocked.Increment(ref _inFlight);
            _started.Writer.TryWrite(item);
            try
            {
                await ack.Task.WaitAsync(stopping);
                _completed.Enqueue(item.EventName);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        public ValueTask<PendingEvent> NextStartedAsync(CancellationToken ct) => _started.Reader.ReadAsync(ct);

        public void Ack(PendingEvent item) => _acks[item].TrySetResult();
    }
}
