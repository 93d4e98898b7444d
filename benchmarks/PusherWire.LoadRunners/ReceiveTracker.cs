using System.Diagnostics;

namespace PusherWire.LoadRunners;

/// <summary>
/// Counts the events of one run as the receiving side sees them. <see cref="OnMessage"/> is called by one thread at a
/// time (the client's receive loop or the raw read loop), so counting needs no interlocked operations.
/// </summary>
internal sealed class ReceiveTracker
{
    private long[]? _receivedAt;
    private int _expected = -1;
    private int _received;
    private long _completedAt;
    private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Received => Volatile.Read(ref _received);

    /// <summary>The <see cref="Stopwatch"/> timestamp of the last expected event.</summary>
    public long CompletedAt => Volatile.Read(ref _completedAt);

    public Task Done => _done.Task;

    /// <summary>Starts a run of <paramref name="expected"/> events; with <paramref name="receivedAt"/>, stamps each by its sequence number.</summary>
    public void Arm(int expected, long[]? receivedAt)
    {
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _receivedAt, receivedAt);
        Volatile.Write(ref _received, 0);
        Volatile.Write(ref _completedAt, 0);
        Volatile.Write(ref _expected, expected);
    }

    /// <summary>Stops counting (events still in flight after a timeout must not touch the next run).</summary>
    public void Disarm() => Volatile.Write(ref _expected, -1);

    public void OnMessage(ReadOnlySpan<byte> message)
    {
        int expected = Volatile.Read(ref _expected);
        if (expected < 0)
        {
            return;
        }

        if (_receivedAt is { } stamps)
        {
            long now = Stopwatch.GetTimestamp();
            if (!SequencedFrame.TryReadSequence(message, out int sequence) || (uint)sequence >= (uint)stamps.Length)
            {
                return;
            }

            stamps[sequence] = now;
        }

        int received = _received + 1;
        Volatile.Write(ref _received, received);
        if (received == expected)
        {
            Volatile.Write(ref _completedAt, Stopwatch.GetTimestamp());
            _done.TrySetResult();
        }
    }
}
