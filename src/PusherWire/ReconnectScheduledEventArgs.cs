namespace PusherWire;

/// <summary>Arguments of <see cref="PusherClient.ReconnectScheduled"/> (pusher-js's <c>connecting_in</c>, with more detail).</summary>
public sealed class ReconnectScheduledEventArgs : EventArgs
{
    /// <summary>Creates the arguments of one scheduled attempt.</summary>
    /// <param name="attempt">1 for the first retry after a healthy connection, growing while attempts keep failing.</param>
    /// <param name="delay">How long the client waits before the attempt.</param>
    /// <param name="action">What the close code asked for.</param>
    /// <param name="reason">What ended the previous connection or attempt, when known.</param>
    public ReconnectScheduledEventArgs(int attempt, TimeSpan delay, CloseAction action, PusherException? reason)
    {
        Attempt = attempt;
        Delay = delay;
        Action = action;
        Reason = reason;
    }

    /// <summary>1 for the first retry after a healthy connection, growing while attempts keep failing.</summary>
    public int Attempt { get; }

    /// <summary>How long the client waits before the attempt.</summary>
    public TimeSpan Delay { get; }

    /// <summary>What the close code asked for.</summary>
    public CloseAction Action { get; }

    /// <summary>What ended the previous connection or attempt, when known.</summary>
    public PusherException? Reason { get; }

    /// <inheritdoc />
    public override string ToString() => $"attempt {Attempt} in {Delay.TotalMilliseconds:0} ms ({Action})";
}
