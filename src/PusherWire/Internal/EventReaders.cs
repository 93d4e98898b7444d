using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace PusherWire.Internal;

/// <summary>
/// The bounded queues behind <c>ReadAllAsync</c>. Each reader has its own queue, so one slow reader never holds up
/// another; what happens when a queue is full is <see cref="PusherOptions.ReaderOverflow"/>.
/// </summary>
internal sealed class EventReaders
{
    private readonly Lock _lock = new();
    private readonly Action<bool> _onDropped;
    private Channel<PusherMessage>[] _queues = [];
    private bool _completed;

    /// <param name="onDropped">Called for each dropped event; its argument is true for the first drop of a slow-consumer episode.</param>
    public EventReaders(Action<bool> onDropped) => _onDropped = onDropped;

    public bool IsEmpty => Volatile.Read(ref _queues).Length == 0;

    /// <summary>Events waiting in all queues (for the queue-depth gauge; bounded channels count their items).</summary>
    public long Count
    {
        get
        {
            long count = 0;
            foreach (Channel<PusherMessage> queue in Volatile.Read(ref _queues))
            {
                count += queue.Reader.CanCount ? queue.Reader.Count : 0;
            }

            return count;
        }
    }

    /// <summary>Queues <paramref name="message"/> for every reader; returns the writes that must wait (Wait policy only).</summary>
    /// <param name="message">The event.</param>
    /// <param name="blocked">Receives the writes waiting for room.</param>
    /// <param name="cancellationToken">
    /// The connection's lifetime: a write waiting for a reader that never reads must end with the connection, or
    /// the receive loop, and with it DisconnectAsync/DisposeAsync, would wait forever.
    /// </param>
    public void Publish(PusherMessage message, List<ValueTask> blocked, CancellationToken cancellationToken)
    {
        foreach (Channel<PusherMessage> queue in Volatile.Read(ref _queues))
        {
            if (!queue.Writer.TryWrite(message))
            {
                ValueTask write = queue.Writer.WriteAsync(message, cancellationToken);
                if (!write.IsCompletedSuccessfully)
                {
                    blocked.Add(write);
                }
            }
        }
    }

    /// <summary>
    /// Ends every reader (each still gets what is already queued, then its enumeration finishes) and every reader
    /// started later. A write blocked on a full queue fails at once with ChannelClosedException, so a reader that stopped
    /// reading can no longer hold the parse loop, and with it DisposeAsync.
    /// </summary>
    public void Complete()
    {
        Channel<PusherMessage>[] queues;
        lock (_lock)
        {
            _completed = true;
            queues = _queues;
            _queues = [];
        }

        foreach (Channel<PusherMessage> queue in queues)
        {
            queue.Writer.TryComplete();
        }
    }

    public async IAsyncEnumerable<PusherMessage> ReadAllAsync(PusherOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // An episode starts with the first drop and ends when the reader has emptied its queue: one warning per episode.
        int slow = 0;
        var queue = Channel.CreateBounded<PusherMessage>(
            new BoundedChannelOptions(options.ReaderQueueCapacity)
            {
                SingleReader = true,
                SingleWriter = true,
                FullMode = options.ReaderOverflow switch
                {
                    ReaderOverflowPolicy.DropNewest => BoundedChannelFullMode.DropWrite,
                    ReaderOverflowPolicy.Wait => BoundedChannelFullMode.Wait,
                    _ => BoundedChannelFullMode.DropOldest,
                },
            },
            _ => _onDropped(Interlocked.Exchange(ref slow, 1) == 0));
        lock (_lock)
        {
            if (_completed)
            {
                queue.Writer.TryComplete(); // the client is disposed: nothing will ever be queued here
            }
            else
            {
                _queues = [.. _queues, queue];
            }
        }

        try
        {
            await foreach (PusherMessage message in queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return message;
                if (queue.Reader.Count == 0)
                {
                    Volatile.Write(ref slow, 0);
                }
            }
        }
        finally
        {
            lock (_lock)
            {
                _queues = Array.FindAll(_queues, q => q != queue);
            }

            // Unblock a receive loop that may be waiting on this queue (Wait policy).
            queue.Writer.TryComplete();
        }
    }
}
