// The bridge's bounded queue: one ordered lane per channel, each drained by one publisher at a time.
namespace PusherWire.Bridge.Nats.Internal;

/// <summary>
/// Holds events until they are acknowledged. Events of one channel form a lane that is published strictly one at a
/// time (the next is sent only after the previous is acknowledged), which keeps per-channel order across NATS
/// reconnects; lanes of different channels run concurrently.
/// </summary>
/// <remarks>
/// Thread-safety: every member may be called from any thread. <see cref="TryEnqueue"/> is called on the Pusher receive
/// loop and never blocks beyond the short lock; publishing happens on pool threads.
/// </remarks>
internal sealed class PublishQueue(int maxEvents, long maxBytes, NatsBridgeOverflowPolicy policy, Func<PendingEvent, CancellationToken, Task> publishUntilAcked) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    private readonly LinkedList<PendingEvent> _arrival = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _pumps = [];
    private TaskCompletionSource _empty = CompletedSource();
    private int _count;
    private long _bytes;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Queues an event; when the queue is full, returns the event that was dropped instead (possibly this one).</summary>
    public PendingEvent? TryEnqueue(PendingEvent item)
    {
        PendingEvent? dropped = null;
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return item;
            }

            while (_count > 0 && (_count >= maxEvents || _bytes + item.Data.Length > maxBytes))
            {
                PendingEvent? victim = policy == NatsBridgeOverflowPolicy.DropOldest ? OldestNotInFlight() : null;
                if (victim is null)
                {
                    return item;
                }

                Remove(victim);
                dropped = victim;
            }

            if (!_lanes.TryGetValue(item.Channel, out Lane? lane))
            {
                lane = new Lane(item.Channel);
                _lanes.Add(item.Channel, lane);
            }

            item.LaneNode = lane.Items.AddLast(item);
            item.ArrivalNode = _arrival.AddLast(item);
            if (_count++ == 0)
            {
                _empty = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            _bytes += item.Data.Length;
            if (!lane.Running)
            {
                // The lane was idle: start its publisher. Exactly one pump per lane runs at a time (Running is only
                // cleared, and the lane forgotten, by the pump itself under this lock when it finds the lane empty).
                lane.Running = true;
                _pumps.RemoveAll(t => t.IsCompleted);
                _pumps.Add(Task.Run(() => PumpAsync(lane)));
            }
        }

        return dropped;
    }

    /// <summary>Completes when the queue is empty (every queued event acknowledged or dropped).</summary>
    public Task WaitEmptyAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _empty.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Stops every publisher (events still queued stay unpublished) and waits for them to end.</summary>
    public async ValueTask DisposeAsync()
    {
        Task[] pumps;
        lock (_gate)
        {
            _stopping.Cancel();
            pumps = [.. _pumps];
        }

        await Task.WhenAll(pumps).ConfigureAwait(false);
        lock (_gate)
        {
            _stopping.Dispose();
        }
    }

    private async Task PumpAsync(Lane lane)
    {
        CancellationToken stopping = _stopping.Token;
        PendingEvent? next;
        lock (_gate)
        {
            next = TakeHead(lane);
        }

        while (next is not null)
        {
            try
            {
                await publishUntilAcked(next, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }

            lock (_gate)
            {
                Remove(next);
                next = TakeHead(lane);
            }
        }
    }

    // Under the lock: the lane's next event, marked in flight, or null after retiring the empty (or stopped) lane.
    private PendingEvent? TakeHead(Lane lane)
    {
        if (lane.Items.First is { } head && !_stopping.IsCancellationRequested)
        {
            head.Value.InFlight = true;
            return head.Value;
        }

        lane.Running = false;
        if (lane.Items.First is null)
        {
            _lanes.Remove(lane.Channel);
        }

        return null;
    }

    // Under the lock. The head of each lane may be in flight; everything behind it is not.
    private PendingEvent? OldestNotInFlight()
    {
        for (LinkedListNode<PendingEvent>? node = _arrival.First; node is not null; node = node.Next)
        {
            if (!node.Value.InFlight)
            {
                return node.Value;
            }
        }

        return null;
    }

    // Under the lock.
    private void Remove(PendingEvent item)
    {
        item.LaneNode?.List?.Remove(item.LaneNode);
        if (item.ArrivalNode?.List is not null)
        {
            _arrival.Remove(item.ArrivalNode);
        }

        item.LaneNode = null;
        item.ArrivalNode = null;
        _bytes -= item.Data.Length;
        if (--_count == 0)
        {
            _empty.TrySetResult();
        }
    }

    private static TaskCompletionSource CompletedSource()
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.SetResult();
        return source;
    }

    private sealed class Lane(string channel)
    {
        public string Channel { get; } = channel;

        public LinkedList<PendingEvent> Items { get; } = new();

        public bool Running { get; set; }
    }
}
